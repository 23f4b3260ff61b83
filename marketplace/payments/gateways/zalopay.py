"""ZaloPay gateway v2.

Create: mac = HMAC-SHA256(key1, "app_id|app_trans_id|app_user|amount|app_time|embed_data|item"),
app_trans_id prefixed with the date yymmdd in GMT+7. Callback: {data, mac, type}; mac =
HMAC-SHA256(key2, data) over the raw `data` string; reply {"return_code": 1, "return_message": "success"}.

Refunds are asynchronous: POST /v2/refund answers return_code 1 (refunded), 2 (refused) or 3
(processing); a refund still processing is followed with POST /v2/query_refund by our
m_refund_id (mac = HMAC-SHA256(key1, "app_id|m_refund_id|timestamp")), same return codes.
"""
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from ...core.timeutil import LOCAL_TZ
from . import DONE, FAILED, PENDING, InvalidSignature, Notification

SANDBOX = "https://sb-openapi.zalopay.vn"
PRODUCTION = "https://openapi.zalopay.vn"


@dataclass(frozen=True)
class Config:
    app_id: int
    key1: str
    key2: str
    sandbox: bool = True

    @property
    def base_url(self) -> str:
        return SANDBOX if self.sandbox else PRODUCTION


def mac(key: str, data: str) -> str:
    return hmac.new(key.encode(), data.encode(), hashlib.sha256).hexdigest()


def _millis(now: datetime) -> int:
    """Unix time in milliseconds; naive datetimes are UTC."""
    return int((now if now.tzinfo else now.replace(tzinfo=timezone.utc)).timestamp() * 1000)


def app_trans_id(reference: str, now: datetime) -> str:
    """'yymmdd_<reference>' with the date in GMT+7, as ZaloPay requires."""
    aware = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    return aware.astimezone(LOCAL_TZ).strftime("%y%m%d") + "_" + reference


def create_body(config: Config, reference: str, amount: int, description: str, app_user: str,
                callback_url: str, redirect_url: str, now: datetime, items: list | None = None) -> dict:
    """Body for POST /v2/create."""
    body = {
        "app_id": config.app_id,
        "app_user": app_user,
        "app_trans_id": app_trans_id(reference, now),
        "app_time": _millis(now),
        "amount": amount,
        "item": json.dumps(items or [], ensure_ascii=False, separators=(",", ":")),
        "embed_data": json.dumps({"redirecturl": redirect_url}, separators=(",", ":")),
        "description": description,
        "bank_code": "",
        "callback_url": callback_url,
    }
    data = "|".join(str(body[k]) for k in ("app_id", "app_trans_id", "app_user", "amount", "app_time",
                                             "embed_data", "item"))
    body["mac"] = mac(config.key1, data)
    return body


def parse_callback(config: Config, body: dict) -> Notification:
    """A verified callback; raises InvalidSignature when the mac over the raw data does not match."""
    data = body.get("data")
    if not isinstance(data, str) or not hmac.compare_digest(str(body.get("mac", "")), mac(config.key2, data)):
        raise InvalidSignature("zalopay")
    payload = json.loads(data)
    trans_id = str(payload.get("app_trans_id", ""))
    return Notification(
        provider="zalopay",
        event_id=f"{trans_id}:{payload.get('zp_trans_id')}",
        reference=trans_id.split("_", 1)[1] if "_" in trans_id else trans_id,
        amount=int(payload.get("amount") or 0),
        currency="VND",
        succeeded=True,  # ZaloPay calls back only for successful payments
        raw=payload,
        transaction_id=str(payload.get("zp_trans_id", "")),
    )


CALLBACK_OK = {"return_code": 1, "return_message": "success"}
CALLBACK_DUPLICATE = {"return_code": 2, "return_message": "duplicate"}
CALLBACK_BAD_MAC = {"return_code": -1, "return_message": "mac not equal"}


def query_body(config: Config, trans_id: str) -> dict:
    return {"app_id": config.app_id, "app_trans_id": trans_id,
            "mac": mac(config.key1, f"{config.app_id}|{trans_id}|{config.key1}")}


def refund_body(config: Config, zp_trans_id: str, amount: int, description: str, now: datetime, suffix: str) -> dict:
    """Body for POST /v2/refund; m_refund_id is 'yymmdd_appid_<suffix>' with today's date in GMT+7."""
    aware = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    timestamp = _millis(now)
    body = {"app_id": config.app_id, "zp_trans_id": zp_trans_id, "amount": amount, "description": description,
            "timestamp": timestamp,
            "m_refund_id": f"{aware.astimezone(LOCAL_TZ).strftime('%y%m%d')}_{config.app_id}_{suffix}"}
    body["mac"] = mac(config.key1, f"{config.app_id}|{zp_trans_id}|{amount}|{description}|{timestamp}")
    return body


def query_refund_body(config: Config, m_refund_id: str, now: datetime) -> dict:
    """Body for POST /v2/query_refund."""
    timestamp = _millis(now)
    return {"app_id": config.app_id, "m_refund_id": m_refund_id, "timestamp": timestamp,
            "mac": mac(config.key1, f"{config.app_id}|{m_refund_id}|{timestamp}")}


RETURN_SUCCESS, RETURN_FAIL, RETURN_PROCESSING = 1, 2, 3
# sub_return_codes saying the request itself was not handled (bad format, app or signature, rate
# limit, system error, maintenance): on a status query they say nothing about the refund.
REQUEST_NOT_HANDLED = {-401, -402, -429, -500, -999}


def refund_state(answer: dict, query: bool = False) -> tuple[str, str]:
    """(DONE | PENDING | FAILED, message) from an answer of /v2/refund or, with query=True, of
    /v2/query_refund. Anything that is not a clear success or refusal is PENDING: only the
    provider's word settles a refund."""
    code, sub = _int(answer.get("return_code")), _int(answer.get("sub_return_code"))
    words = dict.fromkeys(str(answer.get(k) or "") for k in ("return_message", "sub_return_message"))
    message = " ".join([f"zalopay {code}/{sub}:", *(w for w in words if w)])
    if code == RETURN_SUCCESS:
        return DONE, message
    if code == RETURN_FAIL and not (query and sub in REQUEST_NOT_HANDLED):
        return FAILED, message
    return PENDING, message


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
