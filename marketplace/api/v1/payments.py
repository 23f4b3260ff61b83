"""Bank-transfer webhooks: POST /payments/bank-webhook/sepay and /casso."""
import logging

from flask import current_app, request

from ...payments import services, webhooks
from . import bp
from .common import ERROR_RESPONSE, Unauthorized

log = logging.getLogger("marketplace.payments")


def _body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _apply(notification) -> dict:
    event, created = services.apply_notification(notification)
    return {"success": True, "outcome": event.outcome, "duplicate": not created}


@bp.post("/payments/bank-webhook/sepay")
def sepay_webhook():
    try:
        n = webhooks.parse_sepay(request.headers, _body(), current_app.config.get("SEPAY_API_KEY", ""))
    except webhooks.WebhookRejected as exc:
        log.warning("sepay webhook refused: %s", exc)
        raise Unauthorized("webhook refused")
    return _apply(n), 200


@bp.post("/payments/bank-webhook/casso")
def casso_webhook():
    try:
        n = webhooks.parse_casso(request.headers, _body(), current_app.config.get("CASSO_CHECKSUM_KEY", ""),
                                 current_app.config.get("WEBHOOK_MAX_AGE_SECONDS", 300))
    except webhooks.WebhookRejected as exc:
        log.warning("casso webhook refused: %s", exc)
        raise Unauthorized("webhook refused")
    return _apply(n), 200


_RESPONSES = {"200": {"description": "Stored (or a replay of a stored notification)", "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "success": {"type": "boolean"},
        "outcome": {"type": "string", "enum": ["applied", "underpaid", "overpaid", "unknown_code", "ambiguous",
                                               "wrong_account", "duplicate", "late", "ignored"]},
        "duplicate": {"type": "boolean", "description": "true when this event id was already received"}}}}}},
              "401": ERROR_RESPONSE}
OPENAPI_PATHS = {
    "/payments/bank-webhook/sepay": {"post": {
        "summary": "SePay bank-transfer notification (header Authorization: Apikey <key>)",
        "tags": ["payments"], "security": [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "id": {"type": "integer"}, "accountNumber": {"type": "string"}, "content": {"type": "string"},
            "transferType": {"type": "string", "enum": ["in", "out"]}, "transferAmount": {"type": "integer"}}}}}},
        "responses": _RESPONSES,
    }},
    "/payments/bank-webhook/casso": {"post": {
        "summary": "Casso webhook v2 (header X-Casso-Signature: t=<ms>,v1=<HMAC-SHA512>)",
        "tags": ["payments"], "security": [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "error": {"type": "integer"}, "data": {"type": "object", "properties": {
                "id": {"type": "integer"}, "description": {"type": "string"}, "amount": {"type": "integer"},
                "accountNumber": {"type": "string"}}}}}}}},
        "responses": _RESPONSES,
    }},
}
