"""Bank-transfer notification formats, authenticated as their providers publish:

- SePay: header `Authorization: Apikey <API key>`; body {id, gateway, transactionDate,
  accountNumber, code, content, transferType ("in"/"out"), transferAmount, referenceCode, ...}.
- Casso webhook v2: header `X-Casso-Signature: t=<ms timestamp>,v1=<hex>` where v1 is
  HMAC-SHA512(checksum key, t + "." + JSON of the body with keys sorted recursively, no spaces);
  body {"error": 0, "data": {id, reference, description, amount, accountNumber, ...}}.

Each parser returns a Notification or raises WebhookRejected (answered 401 without side effects).
"""
import hashlib
import hmac
import json
import time

from .providers import Notification


class WebhookRejected(Exception):
    pass


def parse_sepay(headers, body: dict, api_key: str) -> Notification:
    given = headers.get("Authorization", "")
    if not api_key or not hmac.compare_digest(given.encode(), f"Apikey {api_key}".encode()):
        raise WebhookRejected("bad api key")
    try:
        return Notification(
            provider="sepay", event_id=str(int(body["id"])), amount=int(body["transferAmount"]),
            account=str(body.get("accountNumber") or ""), content=str(body.get("content") or ""),
            incoming=body.get("transferType") == "in", payload=body,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookRejected("malformed body") from exc


def casso_canonical(body) -> str:
    """JSON.stringify of the body with object keys sorted at every level (Casso's signing form)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def casso_signature(body: dict, key: str, timestamp_ms: int) -> str:
    message = f"{timestamp_ms}.{casso_canonical(body)}"
    return "t={},v1={}".format(timestamp_ms, hmac.new(key.encode(), message.encode(), hashlib.sha512).hexdigest())


def parse_casso(headers, body: dict, key: str, max_age_seconds: int, now: float | None = None) -> Notification:
    header = headers.get("X-Casso-Signature", "")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not key or "t" not in parts or "v1" not in parts or not parts["t"].isdigit():
        raise WebhookRejected("missing signature")
    expected = casso_signature(body, key, int(parts["t"])).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, parts["v1"]):
        raise WebhookRejected("bad signature")
    age = (now if now is not None else time.time()) - int(parts["t"]) / 1000
    if abs(age) > max_age_seconds:
        raise WebhookRejected("stale timestamp")
    data = body.get("data") if isinstance(body, dict) else None
    try:
        amount = int(data["amount"])
        return Notification(
            provider="casso", event_id=str(data["id"]), amount=abs(amount),
            account=str(data.get("accountNumber") or ""), content=str(data.get("description") or ""),
            incoming=amount > 0, payload=body,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookRejected("malformed body") from exc
