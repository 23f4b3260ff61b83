"""The seller's stall orders: list, detail, status actions, manual "đã nhận tiền"."""
from flask import request

from ...orders import fulfilment as services
from ...payments import services as payments
from . import bp
from .common import ERROR_RESPONSE, PAGE_PARAMS, SECURED, paginated, token_required
from .orders import STALL_ORDER_SCHEMA, _json, page_schema, serialize_stall_order


@bp.get("/stall/orders")
@token_required
def list_stall_orders(user):
    stall = services.seller_stall(user)
    return paginated(services.stall_orders(stall, request.args.get("status")), serialize_stall_order, 30)


@bp.get("/stall/orders/<code>")
@token_required
def get_stall_order(user, code):
    return serialize_stall_order(services.stall_order_for_seller(user, code))


@bp.post("/stall/orders/<code>/<action>")
@token_required
def stall_order_action(user, code, action):
    data = request.get_json(silent=True) or {}
    if action == "received":
        amount = data.get("amount")
        return serialize_stall_order(payments.mark_received(user, code, amount if isinstance(amount, int) else -1))
    so = services.seller_action(user, code, action, str(data.get("reason") or ""))
    return serialize_stall_order(so)


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
OPENAPI_PATHS = {
    "/stall/orders": {"get": {
        "summary": "The seller's stall orders: those needing action first", "tags": ["stall orders"],
        "security": SECURED,
        "parameters": PAGE_PARAMS + [{"name": "status", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": _json(page_schema(STALL_ORDER_SCHEMA)), "401": ERROR_RESPONSE, "404": ERROR_RESPONSE},
    }},
    "/stall/orders/{code}": {"get": {
        "summary": "One stall order of the seller's stall", "tags": ["stall orders"], "security": SECURED,
        "parameters": [_CODE], "responses": {"200": _json(STALL_ORDER_SCHEMA), "404": ERROR_RESPONSE},
    }},
    "/stall/orders/{code}/{action}": {"post": {
        "summary": "confirm | pack | cancel (reason) | refund | received (amount); shipping and delivery: /stall/shipments",
        "tags": ["stall orders"], "security": SECURED,
        "parameters": [_CODE, {"name": "action", "in": "path", "required": True, "schema": {
            "type": "string", "enum": ["confirm", "pack", "cancel", "refund", "received"]}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
            "reason": {"type": "string"}, "amount": {"type": "integer"}}}}}},
        "responses": {"200": _json(STALL_ORDER_SCHEMA, "Updated stall order"), "404": ERROR_RESPONSE, "409": ERROR_RESPONSE,
                      "422": ERROR_RESPONSE},
    }},
}
