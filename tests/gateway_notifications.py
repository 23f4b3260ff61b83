"""Gateway test configuration and notifications signed as each provider signs them, built here
from the published constructions (independently of marketplace/payments/gateways)."""
import hashlib
import hmac
import json
import threading
import time
import urllib.parse

import pytest
import stripe

# MoMo's and ZaloPay's public sandbox credentials (published in their documentation samples).
SETTINGS = {
    "VNPAY_TMN_CODE": "CHOXA001", "VNPAY_HASH_SECRET": "SECRETKEYFORTESTSONLY0123456789AB",
    "MOMO_PARTNER_CODE": "MOMOBKUN20180529", "MOMO_ACCESS_KEY": "klm05TvNBzhg7h7j",
    "MOMO_SECRET_KEY": "at67qH6mk8w5Y1nAyMoYKMWACiEi2bsa",
    "ZALOPAY_APP_ID": "2553", "ZALOPAY_KEY1": "PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL",
    "ZALOPAY_KEY2": "kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz",
    "STRIPE_SECRET_KEY": "sk_test_choxa", "STRIPE_WEBHOOK_SECRET": "whsec_choxa_test",
}
UNSET = {key: "" for key in SETTINGS}
PROVIDERS = ("vnpay", "momo", "zalopay", "stripe")


def vnpay_ipn(reference, amount, txn="14226112", code="00", tamper=False) -> dict:
    params = {"vnp_TmnCode": SETTINGS["VNPAY_TMN_CODE"], "vnp_Amount": str(amount * 100), "vnp_BankCode": "NCB",
              "vnp_OrderInfo": f"Thanh toan don {reference[:9]}", "vnp_PayDate": "20261122013505",
              "vnp_ResponseCode": code, "vnp_TransactionNo": txn, "vnp_TransactionStatus": code,
              "vnp_TxnRef": reference}
    data = urllib.parse.urlencode(sorted(params.items()))
    params["vnp_SecureHashType"] = "HmacSHA512"
    params["vnp_SecureHash"] = hmac.new(SETTINGS["VNPAY_HASH_SECRET"].encode(), data.encode(), hashlib.sha512).hexdigest()
    if tamper:
        params["vnp_Amount"] = str(amount * 100 - 100)
    return params


MOMO_IPN_ORDER = ("accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType", "partnerCode",
                  "payType", "requestId", "responseTime", "resultCode", "transId")


def momo_ipn(reference, amount, txn=4088878653, result=0, tamper=False) -> dict:
    body = {"partnerCode": SETTINGS["MOMO_PARTNER_CODE"], "orderId": reference, "requestId": reference,
            "amount": amount, "orderInfo": "Thanh toan don", "orderType": "momo_wallet", "transId": txn,
            "resultCode": result, "message": "Thành công.", "payType": "qr", "responseTime": 1763750105000,
            "extraData": ""}
    values = {**body, "accessKey": SETTINGS["MOMO_ACCESS_KEY"]}
    raw = "&".join(f"{k}={values[k]}" for k in MOMO_IPN_ORDER)
    body["signature"] = hmac.new(SETTINGS["MOMO_SECRET_KEY"].encode(), raw.encode(), hashlib.sha256).hexdigest()
    if tamper:
        body["amount"] = amount - 1000
    return body


def zalopay_callback(reference, amount, txn=240101000001, tamper=False) -> dict:
    data = json.dumps({"app_id": 2553, "app_trans_id": f"261122_{reference}", "app_time": 1763750105000,
                       "app_user": "choxa", "amount": amount, "embed_data": "{}", "item": "[]", "zp_trans_id": txn,
                       "server_time": 1763750110000, "channel": 38, "merchant_user_id": "", "user_fee_amount": 0,
                       "discount_amount": 0}, separators=(",", ":"))
    mac = hmac.new(SETTINGS["ZALOPAY_KEY2"].encode(), data.encode(), hashlib.sha256).hexdigest()
    if tamper:
        data = data.replace(f'"amount":{amount}', f'"amount":{amount - 1000}')
    return {"data": data, "mac": mac, "type": 1}


def stripe_event(reference, amount, txn="pi_3Choxa", kind="checkout.session.completed", event_id="evt_choxa_1",
                 currency="vnd", tamper=False) -> tuple[bytes, str]:
    if kind == "checkout.session.completed":
        obj = {"id": "cs_test_1", "object": "checkout.session", "client_reference_id": reference,
               "amount_total": amount, "currency": currency, "payment_status": "paid", "payment_intent": txn,
               "metadata": {"reference": reference}}
    else:
        obj = {"id": txn, "object": "payment_intent", "amount_received": amount, "currency": currency,
               "metadata": {"reference": reference}}
    body = json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}})
    header = stripe.WebhookSignature.generate_signature_header(body, SETTINGS["STRIPE_WEBHOOK_SECRET"],
                                                                 timestamp=int(time.time()))
    if tamper:
        body = body.replace(f'"{reference}"', f'"{reference}X"')
    return body.encode(), header


def deliver(client, provider, reference, amount, **kw):
    """POST/GET the notification to our endpoint as the provider would; returns the response."""
    if provider == "vnpay":
        return client.get("/api/v1/payments/vnpay/ipn?" + urllib.parse.urlencode(vnpay_ipn(reference, amount, **kw)))
    if provider == "momo":
        return client.post("/api/v1/payments/momo/ipn", json=momo_ipn(reference, amount, **kw))
    if provider == "zalopay":
        return client.post("/api/v1/payments/zalopay/callback", json=zalopay_callback(reference, amount, **kw))
    body, header = stripe_event(reference, amount, **kw)
    return client.post("/api/v1/payments/stripe/webhook", data=body, headers={"Stripe-Signature": header},
                       content_type="application/json")


def refused(provider, response) -> bool:
    """Did our endpoint answer the way the provider's spec says for a bad signature?"""
    if provider == "vnpay":
        return response.get_json() == {"RspCode": "97", "Message": "Invalid signature"}
    if provider == "zalopay":
        return response.get_json()["return_code"] == -1
    return response.status_code == 422


def zalopay_answer(code=1, sub=None, message=None, **extra) -> dict:
    """A ZaloPay v2 API answer: return_code 1 success, 2 fail, 3 processing (+ sub code, messages)."""
    words = {1: "Giao dịch thành công", 2: "Giao dịch thất bại", 3: "Giao dịch đang xử lý"}
    return {"return_code": code, "return_message": message or words.get(code, ""),
            "sub_return_code": code if sub is None else sub, "sub_return_message": message or words.get(code, ""),
            **extra}


def momo_refund_answer(body, result=0, trans_id=5550001, message=None) -> dict:
    """MoMo's answer to POST /v2/gateway/api/refund for the request `body` (not signed by MoMo)."""
    return {"partnerCode": body["partnerCode"], "orderId": body["orderId"], "requestId": body["requestId"],
            "amount": body["amount"], "transId": trans_id, "resultCode": result,
            "message": message or ("Thành công." if result == 0 else "Giao dịch đang được xử lý."),
            "responseTime": 1763750200000}


def momo_refund_query_answer(body, refunds=(), result=0, message="Thành công.") -> dict:
    """MoMo's answer to POST /v2/gateway/api/refund/query; `refunds` = [(amount, resultCode)] of
    the refund transactions MoMo lists under the queried orderId."""
    return {"partnerCode": body["partnerCode"], "orderId": body["orderId"], "requestId": body["requestId"],
            "resultCode": result, "message": message, "responseTime": 1763750300000,
            "refundTrans": [{"orderId": body["orderId"], "amount": amount, "resultCode": code, "transId": 5550001 + i,
                             "createdTime": 1763750250000} for i, (amount, code) in enumerate(refunds)]}


VNPAY_ANSWER_ORDER = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
                      "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
                      "vnp_TransactionStatus", "vnp_OrderInfo")


def vnpay_answer(body, code="00", status="00", kind=None, amount=None, signed=True) -> dict:
    """VNPay's signed answer to a merchant API call (refund or querydr) for the request `body`:
    vnp_SecureHash = HMAC-SHA512 over the documented fields joined by '|' (querydr adds the
    promotion fields)."""
    query = body["vnp_Command"] == "querydr"
    answer = {"vnp_ResponseId": "a1b2c3d4", "vnp_Command": body["vnp_Command"], "vnp_ResponseCode": code,
              "vnp_Message": "Success" if code == "00" else "Error", "vnp_TmnCode": SETTINGS["VNPAY_TMN_CODE"],
              "vnp_TxnRef": body["vnp_TxnRef"], "vnp_Amount": amount or body.get("vnp_Amount", "0"),
              "vnp_BankCode": "NCB", "vnp_PayDate": "20261122013505", "vnp_TransactionNo": "14226112",
              "vnp_TransactionType": kind or body.get("vnp_TransactionType", "01"), "vnp_TransactionStatus": status,
              "vnp_OrderInfo": body["vnp_OrderInfo"]}
    order = VNPAY_ANSWER_ORDER
    if query:
        answer.update(vnp_PromotionCode="", vnp_PromotionAmount="")
        order += ("vnp_PromotionCode", "vnp_PromotionAmount")
    if signed:
        data = "|".join(answer[k] for k in order)
        answer["vnp_SecureHash"] = hmac.new(SETTINGS["VNPAY_HASH_SECRET"].encode(), data.encode(),
                                            hashlib.sha512).hexdigest()
    return answer


class FakeProviders:
    """Stands in for the providers' HTTP APIs (http.post_json) and Stripe's HTTP client, and
    records whether a database transaction was open during each call. Each API answers as its
    documentation shows for a success, unless a test queued other answers with `answer()`."""

    def __init__(self, db):
        self.db = db
        self.calls = []
        self.queued = {}
        self.lock = threading.Lock()  # concurrency tests call it from several threads

    def answer(self, endpoint, *answers):
        """Queue the next answers of the API whose URL ends with `endpoint`: a dict, a function of
        the request body, or an exception to raise."""
        self.queued.setdefault(endpoint, []).extend(answers)

    def post_json(self, url, body, timeout, retries=0, headers=None):
        with self.lock:
            self.calls.append({"url": url, "body": body, "timeout": timeout, "retries": retries,
                               "in_transaction": self.db.session().in_transaction()})
            queued = next((q for endpoint, q in self.queued.items() if url.endswith(endpoint) and q), None)
            reply = queued.pop(0) if queued else None
        if isinstance(reply, Exception):
            raise reply
        if reply is not None:
            return reply(body) if callable(reply) else reply
        if url.endswith("/v2/gateway/api/create"):
            return {"resultCode": 0, "payUrl": f"https://test-payment.momo.vn/v2/gateway/pay?t={body['orderId']}"}
        if url.endswith("/v2/create"):
            return {"return_code": 1, "order_url": f"https://qcgateway.zalopay.vn/openinapp?order={body['app_trans_id']}"}
        if url.endswith("/v2/gateway/api/refund"):
            return momo_refund_answer(body)
        if url.endswith("/v2/gateway/api/refund/query"):
            return momo_refund_query_answer(body, refunds=[(self._momo_amount(body), 0)])
        if url.endswith("/v2/refund"):
            return zalopay_answer(1, refund_id=1)
        if url.endswith("/v2/query_refund"):
            return zalopay_answer(1)
        if "merchant_webapi" in url:
            return vnpay_answer(body)
        return {}

    def _momo_amount(self, body):
        sent = [c["body"] for c in self.calls if c["url"].endswith("/v2/gateway/api/refund")
                and c["body"]["orderId"] == body["orderId"]]
        return sent[-1]["amount"] if sent else 0


class StripeRecorder(stripe.HTTPClient):
    """Stripe's HTTP client replaced: answers Checkout Session and refund creation (and refund
    retrieval) locally; `refund_statuses` are the statuses the next refund answers carry."""
    name = "recorder"

    def __init__(self, db):
        super().__init__()
        self.db = db
        self.calls = []
        self.refund_statuses = []

    def request(self, method, url, headers, post_data=None, **kwargs):
        self.calls.append({"method": method, "url": url, "headers": dict(headers or {}), "body": post_data,
                           "in_transaction": self.db.session().in_transaction()})
        if "/v1/refunds" in url:
            status = self.refund_statuses.pop(0) if self.refund_statuses else "succeeded"
            return json.dumps({"id": "re_choxa_1", "object": "refund", "status": status}), 200, {}
        return json.dumps({"id": "cs_test_1", "object": "checkout.session",
                           "url": "https://checkout.stripe.com/c/pay/cs_test_1"}), 200, {}

    def close(self):
        pass


@pytest.fixture
def gateways(app, monkeypatch):
    """All four gateways configured; their HTTP APIs replaced by local fakes (`.calls`,
    `.stripe.calls`). Import this fixture into a test module to use it."""
    from marketplace.extensions import db
    from marketplace.payments import stripe_gateway
    from marketplace.payments.gateways import http

    app.config.update(SETTINGS)
    fake = FakeProviders(db)
    monkeypatch.setattr(http, "post_json", fake.post_json)
    fake.stripe = StripeRecorder(db)
    monkeypatch.setattr(stripe_gateway.STRIPE, "http_client", fake.stripe)
    yield fake
    app.config.update(UNSET)


def hmac_hex(key: str, message: str, digest: str) -> str:
    return hmac.new(key.encode(), message.encode(), getattr(hashlib, digest)).hexdigest()


def deliver_live(page, provider, reference, amount):
    """The provider's notification sent to the live server through the browser's request API."""
    if provider == "momo":
        return page.request.post("/api/v1/payments/momo/ipn", data=momo_ipn(reference, amount))
    if provider == "zalopay":
        return page.request.post("/api/v1/payments/zalopay/callback", data=zalopay_callback(reference, amount))
    if provider == "stripe":
        body, header = stripe_event(reference, amount)
        return page.request.post("/api/v1/payments/stripe/webhook", data=body,
                                 headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    return page.request.get("/api/v1/payments/vnpay/ipn?" + urllib.parse.urlencode(vnpay_ipn(reference, amount)))
