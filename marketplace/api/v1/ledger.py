"""What the platform owes stalls: the seller's ledger, the admin's balances and payouts, and
refunds started by a seller or an officer."""
from flask_babel import lazy_gettext as _l

from ...core.errors import ValidationError
from ...orders import fulfilment
from ...payments import ledger, refunds
from . import bp
from .common import (ERROR_RESPONSE, PAGE_PARAMS, SECURED, integer, json_body, json_request, ok, page_of,
                     paginated, text, timestamp, token_required, typed)


def serialize_entry(entry) -> dict:
    return {"id": entry.id, "kind": entry.kind, "amount": entry.amount, "gross": entry.gross,
            "reference": entry.reference, "stall_order": entry.stall_order.code if entry.stall_order else None,
            "created_at": timestamp(entry.created_at)}


@bp.get("/stall/ledger")
@token_required
def stall_ledger(user):
    stall = fulfilment.seller_stall(user)
    return {"balance": ledger.balance(stall.id), **paginated(ledger.entries(stall.id), serialize_entry, 50)}


@bp.get("/payouts")
@token_required
def balances(user):
    return {"items": [{"stall_id": stall.id, "stall": stall.name, "bank_bin": stall.bank_bin,
                       "account": stall.bank_account, "holder": stall.bank_holder, "owed": owed}
                      for stall, owed in ledger.balances(user)]}


@bp.post("/payouts")
@token_required
def record_payout(user):
    data = typed(json_body(), {"stall_id": integer, "amount": integer, "reference": text})
    if data.get("stall_id") is None or data.get("amount") is None:
        raise ValidationError(_l("Thiếu gian hàng hoặc số tiền."), {"stall_id": _l("Bắt buộc."), "amount": _l("Bắt buộc.")})
    return serialize_entry(ledger.record_payout(user, data["stall_id"], data["amount"], data.get("reference", ""))), 201


@bp.post("/refunds")
@token_required
def start_refund(user):
    data = typed(json_body(), {"stall_order": text, "reason": text, "amount": integer})
    refund = refunds.start_refund(user, data.get("stall_order", ""), data.get("reason", ""), data.get("amount"))
    return {"id": refund.id, "stall_order": refund.stall_order.code, "amount": refund.amount,
            "status": refund.status, "provider": refund.provider, "provider_reference": refund.provider_reference}, 201


ENTRY = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["gateway_sale", "direct_sale", "refund", "payout"]},
    "amount": {"type": "integer", "description": "Signed VND: positive = owed to the stall"},
    "gross": {"type": "integer", "description": "The order money the entry is about"},
    "reference": {"type": "string"}, "stall_order": {"type": ["string", "null"]},
    "created_at": {"type": ["string", "null"], "format": "date-time"}}}
_LEDGER = page_of(ENTRY)
_LEDGER["properties"]["balance"] = {"type": "integer", "description": "What the platform owes the stall (VND)"}
OPENAPI_PATHS = {
    "/stall/ledger": {"get": {
        "summary": "The seller's ledger: balance owed by the platform and entries, newest first",
        "tags": ["ledger"], "security": SECURED, "parameters": PAGE_PARAMS,
        "responses": {"200": ok(_LEDGER), "401": ERROR_RESPONSE, "404": ERROR_RESPONSE},
    }},
    "/payouts": {
        "get": {"summary": "What each stall is owed, with its bank account (admin)", "tags": ["ledger"],
                "security": SECURED,
                "responses": {"200": ok({"type": "object", "properties": {"items": {"type": "array", "items": {
                    "type": "object", "properties": {
                        "stall_id": {"type": "integer"}, "stall": {"type": "string"}, "bank_bin": {"type": "string"},
                        "account": {"type": "string"}, "holder": {"type": "string"}, "owed": {"type": "integer"}}}}}}),
                    "401": ERROR_RESPONSE, "403": ERROR_RESPONSE}},
        "post": {"summary": "Record a payout made by bank transfer (admin; audited)", "tags": ["ledger"],
                 "security": SECURED,
                 "requestBody": json_request({"type": "object", "required": ["stall_id", "amount", "reference"],
                                              "properties": {"stall_id": {"type": "integer"},
                                                             "amount": {"type": "integer", "minimum": 1},
                                                             "reference": {"type": "string"}}}),
                 "responses": {"201": ok(ENTRY), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE,
                               "422": ERROR_RESPONSE}},
    },
    "/refunds": {"post": {
        "summary": "Refund a paid stall order (its seller or an officer of its commune; audited). Gateway "
                   "payments go back through the provider's refund API, others are recorded as manual. "
                   "pending: the provider is still processing it (settled by `flask payments check-refunds` "
                   "or the officer's check); only done means the money went back",
        "tags": ["ledger"], "security": SECURED,
        "requestBody": json_request({"type": "object", "required": ["stall_order", "reason"], "properties": {
            "stall_order": {"type": "string"}, "reason": {"type": "string"},
            "amount": {"type": "integer", "description": "Default: all that is left; after delivery may be part"}}}),
        "responses": {"201": ok({"type": "object", "properties": {
            "id": {"type": "integer"}, "stall_order": {"type": "string"}, "amount": {"type": "integer"},
            "status": {"type": "string", "enum": ["done", "pending", "manual", "failed"]}, "provider": {"type": "string"},
            "provider_reference": {"type": "string"}}}),
            "401": ERROR_RESPONSE, "404": ERROR_RESPONSE, "409": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
}
