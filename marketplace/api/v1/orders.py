"""POST /checkout, GET /orders (the buyer's), GET /orders/{code} (owner, or guest with ?phone=)."""
from flask import request

from ...orders import methods, services
from ...orders import status as st
from . import bp
from .common import ERROR_RESPONSE, PAGE_PARAMS, SECURED, bearer_user, json_body, paginated, token_required


def serialize_stall_order(so, with_payment: bool = True) -> dict:
    method = methods.get(so.payment_method)
    data = {
        "code": so.code, "stall": {"id": so.stall_id, "name": so.stall.name}, "status": so.status,
        "status_label": str(st.LABELS.get(so.status, so.status)), "payment_method": so.payment_method,
        "subtotal": so.subtotal, "shipping_fee": so.shipping_fee, "total": so.total, "paid_amount": so.paid_amount,
        "tracking_number": so.tracking_number, "cancel_reason": so.cancel_reason,
        "items": [{"product_id": i.product_id, "name": i.name, "unit": i.unit, "unit_price": i.unit_price,
                   "quantity_milli": i.quantity_milli, "line_total": i.line_total} for i in so.items],
        "history": [{"from": h.from_status, "to": h.to_status, "note": h.note, "at": h.created_at.isoformat() + "Z"}
                    for h in so.history],
    }
    if with_payment and method and so.status == st.PENDING_PAYMENT:
        data["payment"] = method.instructions(so)
    return data


def serialize_order(order) -> dict:
    return {
        "code": order.code, "created_at": order.created_at.isoformat() + "Z", "name": order.name, "phone": order.phone,
        "province_code": order.province_code, "ward_code": order.ward_code, "address_line": order.address_line,
        "full_address": order.full_address, "note": order.note, "subtotal": order.subtotal, "shipping_total": order.shipping_total, "total": order.total,
        "stall_orders": [serialize_stall_order(so) for so in order.stall_orders],
    }


@bp.post("/checkout")
@token_required
def checkout(user):
    data = json_body()
    choices = data.get("payments") if isinstance(data.get("payments"), dict) else {}
    expected = data.get("expected_total")
    order = services.place_order(user, {}, data, choices, expected if isinstance(expected, int) else None)
    return serialize_order(order), 201


@bp.get("/orders")
@token_required
def list_orders(user):
    return paginated(services.buyer_orders(user), serialize_order, default_per_page=20)


@bp.get("/orders/<code>")
def get_order(code):
    user = bearer_user()
    if user is None:
        return serialize_order(services.order_for_guest(code, request.args.get("phone", "")))
    return serialize_order(services.order_for_viewer(user, code))


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_INT, _STR = {"type": "integer"}, {"type": "string"}
_NULLABLE_STR = {"type": ["string", "null"]}
ITEM_SCHEMA = {"type": "object", "properties": {
    "product_id": _INT, "name": _STR, "unit": _STR, "unit_price": _INT,
    "quantity_milli": {"type": "integer", "description": "thousandths of the unit: 1.5 kg = 1500"}, "line_total": _INT}}
PAYMENT_SCHEMA = {"type": "object", "description": "How to pay a waiting VietQR stall order", "properties": {
    "method": _STR, "bank_bin": _STR, "bank_name": _STR, "account": _STR, "holder": _STR, "amount": _INT,
    "content": {"type": "string", "description": "transfer content: the stall order code"},
    "qr_payload": {"type": "string", "description": "EMVCo VietQR string (NAPAS 247)"}, "expires_at": _NULLABLE_STR,
    "gateway": {"type": "boolean", "description": "card/e-wallet: start with POST /orders/{code}/payments"},
    "pay_path": {"type": "string", "description": "the order page's pay button (HTML)"}}}
STALL_ORDER_SCHEMA = {"type": "object", "properties": {
    "code": _STR, "stall": {"type": "object", "properties": {"id": _INT, "name": _STR}},
    "status": {"type": "string", "enum": list(st.TRANSITIONS)}, "status_label": _STR,
    "payment_method": {"type": "string", "enum": ["vietqr", "cod", "vnpay", "momo", "zalopay", "stripe"]}, "subtotal": _INT, "shipping_fee": _INT,
    "total": _INT, "paid_amount": _INT, "tracking_number": _STR, "cancel_reason": _STR,
    "items": {"type": "array", "items": ITEM_SCHEMA},
    "history": {"type": "array", "items": {"type": "object", "properties": {
        "from": _NULLABLE_STR, "to": _STR, "note": _STR, "at": {"type": "string", "format": "date-time"}}}},
    "payment": PAYMENT_SCHEMA}}
ORDER_SCHEMA = {"type": "object", "properties": {
    "code": _STR, "created_at": {"type": "string", "format": "date-time"}, "name": _STR, "phone": _STR,
    "province_code": _INT, "ward_code": _INT, "address_line": _STR, "full_address": _STR, "note": _STR, "subtotal": _INT,
    "shipping_total": _INT, "total": _INT, "stall_orders": {"type": "array", "items": STALL_ORDER_SCHEMA}}}


def page_schema(item: dict) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": item}, "page": _INT,
                                             "per_page": _INT, "total": _INT}}


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "CX7K2M9QD"}}
OPENAPI_PATHS = {
    "/checkout": {"post": {
        "summary": "Place an order from the cart: one stall order per stall, stock reserved atomically",
        "tags": ["orders"], "security": SECURED,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["name", "phone", "province_code", "ward_code", "address_line"],
            "properties": {
                "name": {"type": "string"}, "phone": {"type": "string"}, "province_code": {"type": "integer"},
                "ward_code": {"type": "integer"}, "address_line": {"type": "string"}, "note": {"type": "string"},
                "payments": {"type": "object", "description": "stall id -> vietqr | cod",
                             "additionalProperties": {"type": "string"}},
                "expected_total": {"type": "integer", "description": "total the buyer saw; 409 if it changed"}}}}}},
        "responses": {"201": _json(ORDER_SCHEMA, "Order placed"), "401": ERROR_RESPONSE, "409": ERROR_RESPONSE,
                      "422": ERROR_RESPONSE},
    }},
    "/orders": {"get": {
        "summary": "The buyer's orders, newest first", "tags": ["orders"], "security": SECURED,
        "parameters": PAGE_PARAMS, "responses": {"200": _json(page_schema(ORDER_SCHEMA)), "401": ERROR_RESPONSE},
    }},
    "/orders/{code}": {"get": {
        "summary": "One order with its stall orders, payment instructions and timeline",
        "description": "With a bearer token: the buyer's own order. Without: the receiver's phone must match.",
        "tags": ["orders"], "security": [{"bearer": []}, {}],
        "parameters": [_CODE, {"name": "phone", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": _json(ORDER_SCHEMA), "404": ERROR_RESPONSE},
    }},
}
