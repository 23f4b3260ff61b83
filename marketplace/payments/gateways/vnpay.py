"""VNPay payment gateway, API v2.1.0.

Signing: the vnp_* parameters (without vnp_SecureHash/vnp_SecureHashType) sorted by name, empty
values included as VNPay's own samples include them, joined as a URL query with values form-encoded (quote_plus), HMAC-SHA512 with the hash secret,
hex. vnp_Amount is VND × 100. Only the IPN marks an order paid; the return URL is display only.
"""
import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ...core.timeutil import LOCAL_TZ
from . import InvalidSignature, Notification

SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
PRODUCTION_URL = "https://pay.vnpay.vn/vpcpay.html"
SANDBOX_API = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
PRODUCTION_API = "https://merchant.vnpay.vn/merchant_webapi/api/transaction"

# IPN replies VNPay expects (RspCode, Message).
CONFIRMED = ("00", "Confirm Success")
ORDER_NOT_FOUND = ("01", "Order not found")
ALREADY_CONFIRMED = ("02", "Order already confirmed")
INVALID_AMOUNT = ("04", "invalid amount")
INVALID_SIGNATURE = ("97", "Invalid signature")
UNKNOWN_ERROR = ("99", "Unknown error")


@dataclass(frozen=True)
class Config:
    tmn_code: str
    hash_secret: str
    sandbox: bool = True

    @property
    def pay_url(self) -> str:
        return SANDBOX_URL if self.sandbox else PRODUCTION_URL

    @property
    def api_url(self) -> str:
        return SANDBOX_API if self.sandbox else PRODUCTION_API


def sign(params: dict, secret: str) -> str:
    items = sorted((k, str(v)) for k, v in params.items()
                   if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType"))
    query = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in items)
    return hmac.new(secret.encode(), query.encode(), hashlib.sha512).hexdigest()


def payment_url(config: Config, reference: str, amount: int, order_info: str, return_url: str,
                ip_address: str, now: datetime, expire_minutes: int = 15) -> str:
    """The URL to send the buyer to; `now` is an aware or naive-UTC datetime."""
    local = _utc_to_local(now)
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": config.tmn_code,
        "vnp_Amount": str(amount * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": reference,
        "vnp_OrderInfo": order_info,
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_address,
        "vnp_CreateDate": local.strftime("%Y%m%d%H%M%S"),
        "vnp_ExpireDate": (local + timedelta(minutes=expire_minutes)).strftime("%Y%m%d%H%M%S"),
    }
    params["vnp_SecureHash"] = sign(params, config.hash_secret)
    return config.pay_url + "?" + urllib.parse.urlencode(params)


def verify(config: Config, params: dict) -> bool:
    given = params.get("vnp_SecureHash", "")
    return bool(given) and hmac.compare_digest(given.lower(), sign(params, config.hash_secret))


def parse_ipn(config: Config, params: dict) -> Notification:
    """A verified IPN; raises InvalidSignature otherwise."""
    if not verify(config, params) or params.get("vnp_TmnCode") != config.tmn_code:
        raise InvalidSignature("vnpay")
    succeeded = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
    return Notification(
        provider="vnpay",
        event_id=f"{params.get('vnp_TxnRef')}:{params.get('vnp_TransactionNo')}:{params.get('vnp_ResponseCode')}",
        reference=params.get("vnp_TxnRef", ""),
        amount=int(params.get("vnp_Amount", "0") or 0) // 100,
        currency="VND",
        succeeded=succeeded,
        raw=dict(params),
        transaction_id=str(params.get("vnp_TransactionNo", "")),
    )


def ipn_reply(code: tuple[str, str]) -> dict:
    return {"RspCode": code[0], "Message": code[1]}


def refund_body(config: Config, request_id: str, reference: str, amount: int, transaction_no: str,
                transaction_date: str, created_by: str, ip_address: str, now: datetime, info: str,
                full: bool = True) -> dict:
    """Body of the refund call (vnp_Command=refund), checksum over the documented '|' order."""
    body = {
        "vnp_RequestId": request_id, "vnp_Version": "2.1.0", "vnp_Command": "refund",
        "vnp_TmnCode": config.tmn_code, "vnp_TransactionType": "02" if full else "03",
        "vnp_TxnRef": reference, "vnp_Amount": str(amount * 100), "vnp_TransactionNo": transaction_no,
        "vnp_TransactionDate": transaction_date, "vnp_CreateBy": created_by,
        "vnp_CreateDate": _utc_to_local(now).strftime("%Y%m%d%H%M%S"), "vnp_IpAddr": ip_address,
        "vnp_OrderInfo": info,
    }
    order = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef",
             "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate",
             "vnp_IpAddr", "vnp_OrderInfo")
    data = "|".join(body[k] for k in order)
    body["vnp_SecureHash"] = hmac.new(config.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    return body


def _utc_to_local(value: datetime) -> datetime:
    """Naive datetimes mean UTC (as stored); VNPay wants GMT+7 wall time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def query_body(config: Config, request_id: str, reference: str, transaction_date: str, ip_address: str,
               now: datetime, info: str) -> dict:
    """Body of the status query (vnp_Command=querydr), checksum over the documented '|' order."""
    body = {
        "vnp_RequestId": request_id, "vnp_Version": "2.1.0", "vnp_Command": "querydr",
        "vnp_TmnCode": config.tmn_code, "vnp_TxnRef": reference, "vnp_OrderInfo": info,
        "vnp_TransactionDate": transaction_date, "vnp_CreateDate": _utc_to_local(now).strftime("%Y%m%d%H%M%S"),
        "vnp_IpAddr": ip_address,
    }
    order = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate",
             "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
    data = "|".join(body[k] for k in order)
    body["vnp_SecureHash"] = hmac.new(config.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    return body


def local_stamp(value: datetime) -> str:
    """yyyyMMddHHmmss in GMT+7, as VNPay dates are written."""
    return _utc_to_local(value).strftime("%Y%m%d%H%M%S")
