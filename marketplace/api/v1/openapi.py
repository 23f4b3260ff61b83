"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, merged from each resource's
OPENAPI_PATHS (and OPENAPI_SCHEMAS, its named schemas under components)."""
import sys

from flask import current_app

from . import RESOURCES, bp


def document() -> dict:
    paths, schemas = {}, {}
    for name in RESOURCES:
        paths.update(getattr(sys.modules[name], "OPENAPI_PATHS", {}))
        schemas.update(getattr(sys.modules[name], "OPENAPI_SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Chợ Xã API", "version": "1.0.0",
                 "description": "JSON API of the commune marketplace. Errors: {error: {code, message, fields}}."},
        "servers": [{"url": current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                "per_page": {"name": "per_page", "in": "query",
                             "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 24}},
            },
            "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}}}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return document()
