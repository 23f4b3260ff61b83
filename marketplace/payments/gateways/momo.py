"""MoMo All-In-One payment gateway v2 (requestType captureWallet).

Signatures are HMAC-SHA256 (secret key) over `key=value` pairs joined by '&' in the order the
documentation fixes for each call. The IPN is answered with HTTP 204; resultCode 0 = paid.
"""
import hashlib
import hmac
from dataclasses import dataclass

from . import InvalidSignature, Notification

SANDBOX = "https://test-payment.momo.vn"
PRODUCTION = "https://payment.momo.vn"
TIMEOUT = 30  # MoMo asks merchants to wait at least 30 s for the create call

CREATE_FIELDS = ("accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerCode",
                 "redirectUrl", "requestId", "requestType")
IPN_FIELDS = ("accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType", "partnerCode",
              "payType", "requestId", "responseTime", "resultCode", "transId")
QUERY_FIELDS = ("accessKey", "orderId", "partnerCode", "requestId")
REFUND_FIELDS = ("accessKey", "amount", "description", "orderId", "partnerCode", "requestId", "transId")


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


def _text(value) -> str:
    return "" if value is None else str(value)
