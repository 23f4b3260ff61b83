"""GET /communes (the markets, with their villages), GET /communes/{slug}."""
from ...communes import services as communes
from . import bp
from .common import ERROR_RESPONSE, PAGE_PARAMS, ok, page_of, paginated_items, ref


def commune_json(commune) -> dict:
    return {
        "id": commune.id,
        "slug": commune.slug,
        "name": commune.name,
        "short_name": commune.short_name,
        "province_name": commune.province_name,
        "ward_code": commune.ward_code,
        "intro": commune.intro,
        "requires_product_review": commune.requires_product_review,
        "villages": [{"id": v.id, "name": v.name} for v in commune.villages],
    }


def commune_brief(commune) -> dict:
    return {"id": commune.id, "slug": commune.slug, "name": commune.name, "province_name": commune.province_name}


@bp.get("/communes")
def list_communes():
    return paginated_items(communes.list_communes(), commune_json, default_per_page=50)


@bp.get("/communes/<slug>")
def get_commune(slug):
    return commune_json(communes.get_by_slug(slug))


OPENAPI_SCHEMAS = {
    "CommuneBrief": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string", "examples": ["xa-phuc-hoa-bac-ninh"]},
        "name": {"type": "string", "examples": ["Xã Phúc Hòa"]}, "province_name": {"type": "string"}}},
    "Commune": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "short_name": {"type": "string", "examples": ["Phúc Hòa"]}, "province_name": {"type": "string"},
        "ward_code": {"type": "integer", "description": "2025 administrative unit code"},
        "intro": {"type": "string"},
        "requires_product_review": {"type": "boolean",
                                    "description": "New products wait for an officer before going live"},
        "villages": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string", "examples": ["Thôn Đồng"]}}}}}},
}

OPENAPI_PATHS = {
    "/communes": {"get": {
        "summary": "Communes with a market, by province then name, with their villages",
        "tags": ["communes"], "parameters": PAGE_PARAMS,
        "responses": {"200": ok(page_of(ref("Commune")))},
    }},
    "/communes/{slug}": {"get": {
        "summary": "One commune by slug", "tags": ["communes"],
        "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": ok(ref("Commune")), "404": ERROR_RESPONSE},
    }},
}
