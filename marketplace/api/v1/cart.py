"""GET /cart (with the delivery quote), PUT/DELETE /cart/items/{product_id}."""
from flask import request

from ...orders import cart, services
from . import bp
from .common import ERROR_RESPONSE, SECURED, json_body, token_required


def serialize_quote(the_quote) -> dict:
    return {
        "stalls": [{
            "stall": {"id": g.stall.id, "name": g.stall.name},
            "payment_methods": [m.code for m in g.methods], "payment_method": g.method,
            "items": [{"product_id": line.product.id, "name": line.product.name, "unit": line.product.unit,
                       "unit_price": line.product.price, "quantity_milli": line.quantity_milli,
                       "line_total": line.total, "problem": str(line.problem) if line.problem else None}
                      for line in g.lines],
            "subtotal": g.subtotal, "shipping_fee": g.shipping_fee, "total": g.total,
        } for g in the_quote.groups],
        "subtotal": the_quote.subtotal, "shipping_total": the_quote.shipping_total, "total": the_quote.total,
    }


@bp.get("/cart")
@token_required
def get_cart(user):
    lines = cart.lines(user, {})
    the_quote = services.quote(lines, request.args.get("ward_code", type=int), request.args.get("province_code", type=int))
    return serialize_quote(the_quote)


@bp.put("/cart/items/<int:product_id>")
@token_required
def put_cart_item(user, product_id):
    milli = cart.parse(json_body().get("quantity", ""))
    return {"product_id": product_id, "quantity_milli": cart.set_quantity(user, {}, product_id, milli)}


@bp.delete("/cart/items/<int:product_id>")
@token_required
def delete_cart_item(user, product_id):
    cart.remove(user, {}, [product_id])
    return "", 204


_INT = {"type": "integer"}
QUOTE_SCHEMA = {"type": "object", "properties": {
    "stalls": {"type": "array", "items": {"type": "object", "properties": {
        "stall": {"type": "object", "properties": {"id": _INT, "name": {"type": "string"}}},
        "payment_methods": {"type": "array", "items": {"type": "string"}}, "payment_method": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "product_id": _INT, "name": {"type": "string"}, "unit": {"type": "string"}, "unit_price": _INT,
            "quantity_milli": _INT, "line_total": _INT,
            "problem": {"type": ["string", "null"], "description": "why the line cannot be bought as it is"}}}},
        "subtotal": _INT, "shipping_fee": _INT, "total": _INT}}},
    "subtotal": _INT, "shipping_total": _INT, "total": _INT}}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ITEM = {"parameters": [{"name": "product_id", "in": "path", "required": True, "schema": {"type": "integer"}}]}
OPENAPI_PATHS = {
    "/cart": {"get": {
        "summary": "The cart grouped per stall, with delivery fees to an optional address",
        "tags": ["cart"], "security": SECURED,
        "parameters": [{"name": "ward_code", "in": "query", "schema": {"type": "integer"}},
                       {"name": "province_code", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": _json(QUOTE_SCHEMA, "Cart and quote"), "401": ERROR_RESPONSE},
    }},
    "/cart/items/{product_id}": {
        "put": {**_ITEM, "summary": "Set a product's quantity (\"1,5\" or \"1.5\" for kg; 0 removes)",
                "tags": ["cart"], "security": SECURED,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["quantity"], "properties": {"quantity": {"type": "string", "example": "1,5"}}}}}},
                "responses": {"200": _json({"type": "object", "properties": {"product_id": _INT, "quantity_milli": _INT}},
                                          "New quantity in thousandths"), "401": ERROR_RESPONSE, "422": ERROR_RESPONSE}},
        "delete": {**_ITEM, "summary": "Remove a product from the cart", "tags": ["cart"], "security": SECURED,
                   "responses": {"204": {"description": "Removed"}, "401": ERROR_RESPONSE}},
    },
}
