"""GET /search (products with facets) and GET /search/suggest (names as you type)."""
from flask import request, url_for

from ...search import services as search
from ...search.backends import FACETS, SORTS
from . import bp
from .common import page_args


def _product(p) -> dict:
    return {
        "id": p.id, "name": p.name, "price": p.price, "unit": p.unit, "in_stock": p.in_stock,
        "ocop_stars": p.ocop_stars, "category": p.category.name if p.category else None,
        "stall": {"id": p.stall.id, "name": p.stall.name},
        "commune": {"id": p.stall.commune.id, "name": p.stall.commune.name,
                    "province": p.stall.commune.province_name},
        "url": url_for("catalog.product", product_id=p.id, slug=p.slug, _external=True),
    }


@bp.get("/search")
def search_products():
    page, per_page = page_args(24, search.MAX_PER_PAGE)
    result = search.search(request.args.get("q"), filters=request.args.to_dict(),
                           sort=request.args.get("sort", "relevance"), page=page, per_page=per_page)
    return {
        "query": result.query, "items": [_product(p) for p in result.items], "total": result.total,
        "page": result.page, "per_page": result.per_page, "sort": result.sort, "filters": result.filters,
        "facets": {f["name"]: [{"value": v["value"], "label": str(v["label"]), "count": v["count"],
                               "selected": v["selected"]} for v in f["values"]]
                   for f in result.facets},
        "did_you_mean": result.did_you_mean,
    }


@bp.get("/search/suggest")
def search_suggest():
    return {"query": request.args.get("q", "")[:200], "suggestions": search.suggest(request.args.get("q"))}


_FACET_VALUE = {"type": "object", "properties": {
    "value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"},
    "selected": {"type": "boolean"}}}
SEARCH_RESULT = {"type": "object", "properties": {
    "query": {"type": "string"},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "price": {"type": "integer", "description": "VND"},
        "unit": {"type": "string"}, "in_stock": {"type": "boolean"}, "ocop_stars": {"type": ["integer", "null"]},
        "category": {"type": ["string", "null"]}, "stall": {"type": "object"}, "commune": {"type": "object"},
        "url": {"type": "string", "format": "uri"}}}},
    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "sort": {"type": "string"}, "filters": {"type": "object"},
    "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _FACET_VALUE}},
    "did_you_mean": {"type": ["string", "null"]}}}
SUGGESTIONS = {"type": "object", "properties": {
    "query": {"type": "string"},
    "suggestions": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["product", "stall"]}, "text": {"type": "string"}}}}}}

_FILTER_PARAMS = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
     "description": f"Facet filter: a value from facets.{name}[].value"}
    for name in FACETS
]

OPENAPI_PATHS = {
    "/search": {
        "get": {
            "summary": "Search visible products (diacritics optional, one typo tolerated) with facet counts",
            "tags": ["search"],
            "parameters": [
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
                 "example": "vai thieu luc ngan"},
                {"name": "sort", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
                {"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"},
                *_FILTER_PARAMS,
            ],
            "responses": {"200": {"description": "Matching products with facet counts",
                                  "content": {"application/json": {"schema": SEARCH_RESULT}}}},
        },
    },
    "/search/suggest": {
        "get": {
            "summary": "Product and stall names completing a partly typed query",
            "tags": ["search"],
            "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"},
                            "example": "vai th"}],
            "responses": {"200": {"description": "Product and stall names starting like the query",
                                  "content": {"application/json": {"schema": SUGGESTIONS}}}},
        },
    },
}
