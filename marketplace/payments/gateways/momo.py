"""MoMo All-In-One payment gateway v2 (requestType captureWallet).

Signatures are HMAC-SHA256 (secret key) over `key=value` pairs joined by '&' in the order the
documentation fixes for each call. The IPN is answered with HTTP 204; resultCode 0 = paid.

A refund (POST /v2/gateway/api/refund, its own orderId) answers resultCode 0 when refunded and
7000/7002 while MoMo or the bank is still processing it; such a refund is followed with POST
/v2/gateway/api/refund/query (same orderId, a new requestId), whose refundTrans list carries
each refund's own resultCode.
"""
import hashlib
import hmac
from dataclasses import dataclass

from . import DONE, FAILED, PENDING, InvalidSignature, Notification

SANDBOX = "https://test-payment.momo.vn"
PRODUCTION = "https://payment.momo.vn"
TIMEOUT = 30  # MoMo asks merchants to wait at least 30 s for the create call

CREATE_FIELDS = ("accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerCode",
                 "redirectUrl", "requestId", "requestType")
IPN_FIELDS = ("accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType", "partnerCode",
              "payType", "requestId", "responseTime", "resultCode", "transId")
QUERY_FIELDS = ("accessKey", "orderId", "partnerCode", "requestId")
REFUND_FIELDS = ("accessKey", "amount", "description", "orderId", "partnerCode", "requestId", "transId")
SUCCESS = 0
PROCESSING = (7000, 7002)  # "being processed" (by MoMo / by the payment instrument's provider)
ORDER_NOT_FOUND = 42  # "orderId is not found": a refund MoMo never received


@dataclass(frozen=True)
class Config:
    partner_code: str
    access_key: str
    secret_key: str
    sandbox: bool = True

    @property
    def base_url(self) -> str:
        return SANDBOX if self.sandbox else PRODUCTION


def raw_signature(fields: tuple[str, ...], values: dict) -> str:
    return "&".join(f"{name}={values.get(name, '')}" for name in fields)


def sign(secret: str, raw: str) -> str:
    return hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()


def create_body(config: Config, order_id: str, request_id: str, amount: int, order_info: str,
                redirect_url: str, ipn_url: str, extra_data: str = "") -> dict:
    """Body for POST /v2/gateway/api/create."""
    values = {
        "partnerCode": config.partner_code, "accessKey": config.access_key, "requestId": request_id,
        "amount": str(amount), "orderId": order_id, "orderInfo": order_info, "redirectUrl": redirect_url,
        "ipnUrl": ipn_url, "extraData": extra_data, "requestType": "captureWallet",
    }
    body = {k: v for k, v in values.items() if k != "accessKey"}
    body.update(amount=amount, lang="vi", signature=sign(config.secret_key, raw_signature(CREATE_FIELDS, values)))
    return body


def create_url(config: Config) -> str:
    return config.base_url + "/v2/gateway/api/create"


def parse_ipn(config: Config, body: dict) -> Notification:
    """A verified IPN (also used for the redirect's query, which carries the same fields)."""
    values = {**{k: body.get(k, "") for k in IPN_FIELDS}, "accessKey": config.access_key}
    expected = sign(config.secret_key, raw_signature(IPN_FIELDS, {k: _text(v) for k, v in values.items()}))
    if not hmac.compare_digest(str(body.get("signature", "")), expected) or body.get("partnerCode") != config.partner_code:
        raise InvalidSignature("momo")
    return Notification(
        provider="momo",
        event_id=f"{body.get('orderId')}:{body.get('transId')}:{body.get('resultCode')}",
        reference=str(body.get("orderId", "")),
        amount=int(body.get("amount") or 0),
        currency="VND",
        succeeded=str(body.get("resultCode")) == "0",
        raw=dict(body),
        transaction_id=str(body.get("transId", "")),
    )


def refund_body(config: Config, order_id: str, request_id: str, amount: int, trans_id: str, description: str) -> dict:
    values = {"accessKey": config.access_key, "amount": str(amount), "description": description,
              "orderId": order_id, "partnerCode": config.partner_code, "requestId": request_id, "transId": str(trans_id)}
    return {"partnerCode": config.partner_code, "orderId": order_id, "requestId": request_id, "amount": amount,
            "transId": int(trans_id), "lang": "vi", "description": description,
            "signature": sign(config.secret_key, raw_signature(REFUND_FIELDS, values))}


def query_body(config: Config, order_id: str, request_id: str) -> dict:
    values = {"accessKey": config.access_key, "orderId": order_id, "partnerCode": config.partner_code,
              "requestId": request_id}
    return {"partnerCode": config.partner_code, "requestId": request_id, "orderId": order_id, "lang": "vi",
            "signature": sign(config.secret_key, raw_signature(QUERY_FIELDS, values))}


def refund_query_url(config: Config) -> str:
    return config.base_url + "/v2/gateway/api/refund/query"


def refund_state(answer: dict) -> tuple[str, str]:
    """(DONE | PENDING | FAILED, message) from the refund call's answer."""
    code = _int(answer.get("resultCode"))
    message = f"momo {code}: {answer.get('message', '')}"
    if code == SUCCESS:
        return DONE, message
    return (PENDING if code in PROCESSING or code is None else FAILED), message


def refund_query_state(answer: dict, order_id: str, amount: int) -> tuple[str, str, str]:
    """(DONE | PENDING | FAILED, message, MoMo's transId) of the refund `order_id` from a
    refund/query answer. A query MoMo could not answer, or a refund not (yet) listed with the
    amount asked for, stays PENDING; only an orderId MoMo does not know means it never arrived."""
    code = _int(answer.get("resultCode"))
    message = f"momo {code}: {answer.get('message', '')}"
    if code == ORDER_NOT_FOUND:
        return FAILED, message, ""
    if code != SUCCESS:
        return PENDING, message, ""
    found = [t for t in answer.get("refundTrans") or [] if isinstance(t, dict) and str(t.get("orderId")) == order_id]
    if len(found) != 1 or _int(found[0].get("amount")) != amount:
        return PENDING, message + " (refund not listed)", ""
    entry = found[0]
    state, entry_message = refund_state(entry)
    return state, entry_message, str(entry.get("transId") or "")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(value) -> str:
    return "" if value is None else str(value)
