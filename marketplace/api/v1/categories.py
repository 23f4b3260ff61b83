"""GET /categories: the storefront's product categories, in display order."""
from ...catalog import services as catalog
from . import bp
from .common import ok, ref


def category_json(category) -> dict:
    return {"id": category.id, "slug": category.slug, "name": category.name}


@bp.get("/categories")
def list_categories():
    return {"items": [category_json(c) for c in catalog.categories()]}


OPENAPI_SCHEMAS = {
    "Category": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string", "examples": ["trai-cay"]},
        "name": {"type": "string", "examples": ["Trái cây"]}}},
}

OPENAPI_PATHS = {
    "/categories": {"get": {
        "summary": "All product categories in display order", "tags": ["categories"],
        "responses": {"200": ok({"type": "object", "properties": {
            "items": {"type": "array", "items": ref("Category")}}})},
    }},
}
