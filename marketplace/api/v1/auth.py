"""POST /auth/token (phone + password -> bearer token), DELETE /auth/token (revoke)."""
from flask import current_app, request
from flask_babel import lazy_gettext as _l

from ...accounts import services as accounts
from ...extensions import limiter
from . import bp
from .common import ERROR_RESPONSE, SECURED, Unauthorized, json_body, ok


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def create_token():
    data = json_body()
    user = accounts.authenticate(str(data.get("phone", "")), str(data.get("password", "")))
    if user is None:
        raise Unauthorized(_l("Số điện thoại hoặc mật khẩu không đúng."))
    token = accounts.issue_token(user, str(data.get("name", "api")))
    return {"token": token, "token_type": "Bearer", "user": {"id": user.id, "name": user.name, "role": user.role_name}}, 201


@bp.delete("/auth/token")
def revoke_token():
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not accounts.revoke_token(token):
        raise Unauthorized(_l("Token không hợp lệ."))
    return "", 204


OPENAPI_PATHS = {
    "/auth/token": {
        "post": {
            "summary": "Exchange phone + password for a bearer token",
            "tags": ["auth"],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["phone", "password"],
                "properties": {"phone": {"type": "string", "example": "0912 345 678"},
                               "password": {"type": "string"}, "name": {"type": "string"}}}}}},
            "responses": {"201": ok({"type": "object", "properties": {
                "token": {"type": "string", "description": "Shown once; send as `Authorization: Bearer <token>`"},
                "token_type": {"type": "string", "const": "Bearer"},
                "user": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"},
                    "role": {"type": "string", "enum": ["buyer", "seller", "officer", "admin"]}}}}},
                "Token created"), "401": ERROR_RESPONSE, "413": ERROR_RESPONSE, "422": ERROR_RESPONSE,
                "429": ERROR_RESPONSE},
        },
        "delete": {
            "summary": "Revoke the token used in the Authorization header",
            "tags": ["auth"], "security": SECURED,
            "responses": {"204": {"description": "Revoked"}, "401": ERROR_RESPONSE},
        },
    },
}
