"""Product search: a Vietnamese-aware index (Whoosh by default, PostgreSQL as an option)
that follows committed catalogue data, plus the search page, suggestions and facets."""
