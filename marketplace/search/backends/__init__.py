"""The backend interface: what the search services need from an index, whatever holds it.

`whoosh` (default) keeps an index on local disk; `postgres` keeps a folded copy of each visible
product in the database (search_documents, pg_trgm indexes), for deployments where several
machines share one database. Both fold with core.text.fold, so they agree on what matches
(PostgreSQL's unaccent would be a second, slightly different folding)."""
from dataclasses import dataclass, field

FACETS = ("category", "province", "commune", "price_band", "ocop", "traceable")
SORTS = ("relevance", "price_asc", "price_desc", "newest")


@dataclass
class Query:
    """A parsed search: (accented, folded) words, exact-value filters on facet fields, sort."""

    words: list[tuple[str, str]]
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24


@dataclass
class Hits:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]
    fallback: bool = False


class SearchBackend:
    name = "base"

    def search(self, query: Query) -> Hits:
        raise NotImplementedError

    def suggest(self, words: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
        """[(kind, text)] with kind 'product' or 'stall', best first."""
        raise NotImplementedError

    def correct(self, words: list[tuple[str, str]]) -> str | None:
        """A folded query close to `words` that would match something, or None."""
        return None

    def apply(self, product_ids: set[int]) -> None:
        """Bring these products' entries in line with the committed database."""

    def rebuild(self) -> int:
        """Rebuild from the database; returns the number of documents."""
        return 0

    def check(self) -> tuple[set[int], set[int]]:
        """(visible products missing from the index, indexed entries that are stale)."""
        return set(), set()

    def version(self) -> str:
        """Changes whenever what searches find changes outside the database's own commits (a
        cached results page is kept per version); '' when the database commits say it all."""
        return ""


def make_backend(app) -> SearchBackend:
    name = app.config.get("SEARCH_BACKEND", "whoosh")
    if name == "postgres":
        from .postgres_backend import PostgresBackend

        return PostgresBackend()
    from .whoosh_backend import WhooshBackend

    return WhooshBackend(app.config["SEARCH_INDEX_DIR"])
