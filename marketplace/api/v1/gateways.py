"""Card and e-wallet gateways: the providers' server notifications (the only thing that marks an
order paid), starting a payment for an order, and an admin's status query."""
import json
import logging

from flask import request
from flask_babel import lazy_gettext as _l

from ...core.errors import ValidationError
from ...payments import gateway_services as services
from ...payments.gateways import InvalidSignature, momo, stripe_card, vnpay, zalopay
from ...payments.models import Outcome
from . import bp
from .common import ERROR_RESPONSE, SECURED, json_body, json_request, ok, token_required

log = logging.getLogger("marketplace.payments")

# VNPay's IPN answer for each stored outcome (replays answer "already confirmed").
VNPAY_REPLIES = {Outcome.APPLIED: vnpay.CONFIRMED, Outcome.FAILED: vnpay.CONFIRMED, Outcome.RECORDED: vnpay.ALREADY_CONFIRMED,
                 Outcome.DUPLICATE: vnpay.ALREADY_CONFIRMED, Outcome.REFUND_DUE: vnpay.ALREADY_CONFIRMED,
                 Outcome.UNKNOWN_CODE: vnpay.ORDER_NOT_FOUND, Outcome.UNDERPAID: vnpay.INVALID_AMOUNT,
                 Outcome.OVERPAID: vnpay.INVALID_AMOUNT}


@bp.get("/payments/vnpay/ipn")
def vnpay_ipn():
    try:
        n = services.parse("vnpay", vnpay.parse_ipn, request.args.to_dict())
    except (InvalidSignature, ValueError):
        log.warning("vnpay ipn refused")
        return vnpay.ipn_reply(vnpay.INVALID_SIGNATURE), 200
    event, created = services.apply_notification(n)
    reply = VNPAY_REPLIES.get(event.outcome, vnpay.UNKNOWN_ERROR) if created else vnpay.ALREADY_CONFIRMED
    return vnpay.ipn_reply(reply), 200


@bp.post("/payments/momo/ipn")
def momo_ipn():
    body = request.get_json(silent=True)
    try:
        n = services.parse("momo", momo.parse_ipn, body if isinstance(body, dict) else {})
    except (InvalidSignature, ValueError, TypeError):
        log.warning("momo ipn refused")
        raise ValidationError(_l("Chữ ký không hợp lệ."))
    services.apply_notification(n)
    return "", 204


@bp.post("/payments/zalopay/callback")
def zalopay_callback():
    body = request.get_json(silent=True)
    try:
        n = services.parse("zalopay", zalopay.parse_callback, body if isinstance(body, dict) else {})
    except (InvalidSignature, ValueError, TypeError):
        log.warning("zalopay callback refused")
        return zalopay.CALLBACK_BAD_MAC, 200
    _event, created = services.apply_notification(n)
    return (zalopay.CALLBACK_OK if created else zalopay.CALLBACK_DUPLICATE), 200


@bp.post("/payments/stripe/webhook")
def stripe_webhook():
    try:
        n = services.parse("stripe", stripe_card.parse_webhook, request.get_data(),
                           request.headers.get("Stripe-Signature", ""))
    except (InvalidSignature, ValueError, json.JSONDecodeError):
        log.warning("stripe webhook refused")
        raise ValidationError(_l("Chữ ký không hợp lệ."))
    if n is None:
        return {"received": True, "outcome": "ignored"}, 200
    event, created = services.apply_notification(n)
    return {"received": True, "outcome": event.outcome, "duplicate": not created}, 200


@bp.post("/orders/<code>/payments")
@token_required
def start_payment(user, code):
    provider = json_body().get("provider")
    if not isinstance(provider, str):
        raise ValidationError(_l("Chọn cổng thanh toán."), {"provider": _l("Chọn cổng thanh toán.")})
    payment = services.start_payment(user, code, provider, request.remote_addr or "")
    return {"reference": payment.reference, "provider": payment.provider, "amount": payment.amount,
            "redirect_url": payment.redirect_url}, 201


@bp.get("/gateway-payments/<reference>")
@token_required
def gateway_payment_status(user, reference):
    return services.query_status(user, reference)


_REPLY = {"type": "object", "properties": {"RspCode": {"type": "string"}, "Message": {"type": "string"}}}
_ZALO_REPLY = {"type": "object", "properties": {"return_code": {"type": "integer"}, "return_message": {"type": "string"}}}
_PAYMENT = {"type": "object", "properties": {
    "reference": {"type": "string"}, "provider": {"type": "string", "enum": ["vnpay", "momo", "zalopay", "stripe"]},
    "amount": {"type": "integer"}, "redirect_url": {"type": "string", "description": "Send the buyer here"}}}
_REF = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
OPENAPI_PATHS = {
    "/payments/vnpay/ipn": {"get": {
        "summary": "VNPay IPN (query string signed with vnp_SecureHash, HMAC-SHA512); marks the order paid",
        "tags": ["payments"], "security": [],
        "parameters": [{"name": "vnp_TxnRef", "in": "query", "schema": {"type": "string"}},
                       {"name": "vnp_Amount", "in": "query", "schema": {"type": "string"}},
                       {"name": "vnp_SecureHash", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": ok(_REPLY, "RspCode 00 confirmed, 01 not found, 02 already confirmed, 04 invalid amount, "
                                        "97 invalid signature, 99 other")},
    }},
    "/payments/momo/ipn": {"post": {
        "summary": "MoMo IPN (signature HMAC-SHA256 over the documented field order); resultCode 0 = paid",
        "tags": ["payments"], "security": [],
        "requestBody": json_request({"type": "object", "properties": {
            "partnerCode": {"type": "string"}, "orderId": {"type": "string"}, "amount": {"type": "integer"},
            "resultCode": {"type": "integer"}, "transId": {"type": "integer"}, "signature": {"type": "string"}}}),
        "responses": {"204": {"description": "Received"}, "422": ERROR_RESPONSE},
    }},
    "/payments/zalopay/callback": {"post": {
        "summary": "ZaloPay callback {data, mac, type}, mac = HMAC-SHA256(key2, data)",
        "tags": ["payments"], "security": [],
        "requestBody": json_request({"type": "object", "properties": {
            "data": {"type": "string"}, "mac": {"type": "string"}, "type": {"type": "integer"}}}),
        "responses": {"200": ok(_ZALO_REPLY, "return_code 1 success, 2 duplicate, -1 mac not equal")},
    }},
    "/payments/stripe/webhook": {"post": {
        "summary": "Stripe webhook (raw body, header Stripe-Signature); checkout.session.completed and "
                   "payment_intent.succeeded mark paid",
        "tags": ["payments"], "security": [],
        "requestBody": json_request({"type": "object", "properties": {
            "id": {"type": "string"}, "type": {"type": "string"}, "data": {"type": "object"}}}),
        "responses": {"200": ok({"type": "object", "properties": {
            "received": {"type": "boolean"}, "outcome": {"type": "string"}, "duplicate": {"type": "boolean"}}}),
            "422": ERROR_RESPONSE},
    }},
    "/orders/{code}/payments": {"post": {
        "summary": "Start paying the order's stall orders that chose a gateway: one redirect for all of them",
        "tags": ["payments"], "security": SECURED,
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": json_request({"type": "object", "required": ["provider"], "properties": {
            "provider": {"type": "string", "enum": ["vnpay", "momo", "zalopay", "stripe"]}}}),
        "responses": {"201": ok(_PAYMENT, "Created; send the buyer to redirect_url"), "401": ERROR_RESPONSE,
                      "404": ERROR_RESPONSE, "409": ERROR_RESPONSE},
    }},
    "/gateway-payments/{reference}": {"get": {
        "summary": "A gateway payment as stored and as the provider reports it (admin; never marks paid)",
        "tags": ["payments"], "security": SECURED, "parameters": [_REF],
        "responses": {"200": ok({"type": "object", "properties": {
            "reference": {"type": "string"}, "status": {"type": "string"}, "amount": {"type": "integer"},
            "provider_status": {"type": "object"}}}), "403": ERROR_RESPONSE, "404": ERROR_RESPONSE},
    }},
}
