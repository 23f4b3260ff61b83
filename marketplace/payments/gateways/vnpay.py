"""VNPay payment gateway, API v2.1.0.

Signing: the vnp_* parameters (without vnp_SecureHash/vnp_SecureHashType) sorted by name, empty
values included as VNPay's own samples include them, joined as a URL query with values form-encoded (quote_plus), HMAC-SHA512 with the hash secret,
hex. vnp_Amount is VND × 100. Only the IPN marks an order paid; the return URL is display only.

The merchant API (refund, querydr) signs requests and answers over '|'-joined values in a fixed
order. A refund answered vnp_ResponseCode 00 was accepted, not necessarily made: its
vnp_TransactionStatus says 00 (refunded), 05 (VNPay processing) or 06 (sent to the bank), 09
(refused); 94 means a refund of this payment is already being processed. querydr of the payment
then reports the refund (vnp_TransactionType 02 full / 03 partial) with the same statuses.
"""
import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ...core.timeutil import LOCAL_TZ
from . import DONE, FAILED, PENDING, InvalidSignature, Notification

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


ANSWER_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
                 "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
                 "vnp_TransactionStatus", "vnp_OrderInfo")
QUERY_ANSWER_FIELDS = ANSWER_FIELDS + ("vnp_PromotionCode", "vnp_PromotionAmount")
REFUNDED, REFUND_IN_PROGRESS, REFUND_REFUSED = "00", ("05", "06"), "09"
REFUND_ALREADY_REQUESTED = "94"
REFUND_TYPES = ("02", "03")


def answer_verified(config: Config, answer: dict, fields=ANSWER_FIELDS) -> bool:
    """Does the API answer's vnp_SecureHash match its values in the documented order?"""
    data = "|".join("" if answer.get(k) is None else str(answer.get(k)) for k in fields)
    expected = hmac.new(config.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    return hmac.compare_digest(str(answer.get("vnp_SecureHash", "")).lower(), expected)


def refund_state(config: Config, answer: dict) -> tuple[str, str]:
    """(DONE | PENDING | FAILED, message) from the refund call's answer. Success is believed only
    with a valid checksum; an unverified one stays PENDING for querydr to confirm."""
    code, status = str(answer.get("vnp_ResponseCode", "")), str(answer.get("vnp_TransactionStatus", ""))
    message = f"vnpay {code}/{status}: {answer.get('vnp_Message', '')}"
    if code == REFUND_ALREADY_REQUESTED:
        return PENDING, message
    if code != "00" or status == REFUND_REFUSED:
        return FAILED, message
    if status == REFUNDED and answer_verified(config, answer):
        return DONE, message
    return PENDING, message


def refund_query_state(config: Config, answer: dict, amount: int) -> tuple[str, str]:
    """(DONE | PENDING | FAILED, message) of a refund of `amount` from querydr of its payment.
    Only a verified answer reporting a refund of that amount settles it; anything else is PENDING."""
    code, status = str(answer.get("vnp_ResponseCode", "")), str(answer.get("vnp_TransactionStatus", ""))
    kind = str(answer.get("vnp_TransactionType", ""))
    message = f"vnpay {code}/{kind}/{status}: {answer.get('vnp_Message', '')}"
    if code != "00" or not answer_verified(config, answer, QUERY_ANSWER_FIELDS):
        return PENDING, message
    if kind not in REFUND_TYPES or str(answer.get("vnp_Amount")) != str(amount * 100):
        return PENDING, message + " (no such refund reported)"
    if status == REFUNDED:
        return DONE, message
    return (FAILED if status == REFUND_REFUSED else PENDING), message


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
