"""Gateway protocols checked against their published constructions, computed independently here."""
import hashlib
import hmac
import json
import time
import urllib.parse
from datetime import datetime, timezone

import pytest
import stripe

from marketplace.payments.gateways import InvalidSignature, momo, stripe_card, vnpay, zalopay

NOW = datetime(2026, 11, 21, 18, 30, 5)  # naive UTC = 22/11/2026 01:30:05 in Hà Nội

# ---- VNPay 2.1.0 -------------------------------------------------------------------------------
VNP = vnpay.Config(tmn_code="CHOXA001", hash_secret="SECRETKEYFORTESTSONLY0123456789AB")


def test_vnpay_payment_url_is_signed_per_spec():
    url = vnpay.payment_url(VNP, "CX7K2M9Q4", 350_000, "Thanh toan don CX7K2M9Q4", "https://choxa.vn/vnpay/return",
                            "203.0.113.7", NOW)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(vnpay.SANDBOX_URL + "?")
    assert params["vnp_Amount"] == "35000000"  # VND x 100
    assert params["vnp_CreateDate"] == "20261122013005"  # GMT+7
    assert params["vnp_Version"] == "2.1.0" and params["vnp_CurrCode"] == "VND"
    given = params.pop("vnp_SecureHash")
    expected_data = urllib.parse.urlencode(sorted(params.items()))  # quote_plus, sorted keys
    expected = hmac.new(VNP.hash_secret.encode(), expected_data.encode(), hashlib.sha512).hexdigest()
    assert given == expected


def ipn_params(**over):
    params = {"vnp_TmnCode": VNP.tmn_code, "vnp_Amount": "35000000", "vnp_BankCode": "NCB",
              "vnp_OrderInfo": "Thanh toan don CX7K2M9Q4", "vnp_PayDate": "20261122013505",
              "vnp_ResponseCode": "00", "vnp_TransactionNo": "14226112", "vnp_TransactionStatus": "00",
              "vnp_TxnRef": "CX7K2M9Q4"}
    params.update(over)
    data = urllib.parse.urlencode(sorted(params.items()))
    params["vnp_SecureHashType"] = "HmacSHA512"
    params["vnp_SecureHash"] = hmac.new(VNP.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    return params


def test_vnpay_ipn_verified_and_tamper_rejected():
    note = vnpay.parse_ipn(VNP, ipn_params())
    assert note.succeeded and note.amount == 350_000 and note.reference == "CX7K2M9Q4"
    tampered = ipn_params()
    tampered["vnp_Amount"] = "100"
    with pytest.raises(InvalidSignature):
        vnpay.parse_ipn(VNP, tampered)
    failed = vnpay.parse_ipn(VNP, ipn_params(vnp_ResponseCode="24", vnp_TransactionStatus="02"))
    assert not failed.succeeded
    assert vnpay.ipn_reply(vnpay.INVALID_SIGNATURE) == {"RspCode": "97", "Message": "Invalid signature"}


def test_vnpay_refund_checksum_order():
    body = vnpay.refund_body(VNP, "R1", "CX7K2M9Q4", 350_000, "14226112", "20261122013505", "seller", "127.0.0.1",
                             NOW, "Hoan tien")
    data = "|".join(["R1", "2.1.0", "refund", VNP.tmn_code, "02", "CX7K2M9Q4", "35000000", "14226112",
                     "20261122013505", "seller", "20261122013005", "127.0.0.1", "Hoan tien"])
    assert body["vnp_SecureHash"] == hmac.new(VNP.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def vnp_answer(fields: dict, query=False) -> dict:
    order = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
             "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
             "vnp_TransactionStatus", "vnp_OrderInfo"] + (["vnp_PromotionCode", "vnp_PromotionAmount"] if query else [])
    answer = {"vnp_ResponseId": "4f0b", "vnp_Command": "querydr" if query else "refund", "vnp_ResponseCode": "00",
              "vnp_Message": "Success", "vnp_TmnCode": VNP.tmn_code, "vnp_TxnRef": "CX7K2M9Q4",
              "vnp_Amount": "35000000", "vnp_BankCode": "NCB", "vnp_PayDate": "20261122013505",
              "vnp_TransactionNo": "14226112", "vnp_TransactionType": "02", "vnp_TransactionStatus": "00",
              "vnp_OrderInfo": "Hoan tien CX7K2M9Q4", "vnp_PromotionCode": "", "vnp_PromotionAmount": ""}
    answer.update(fields)
    data = "|".join(answer[k] for k in order)
    answer["vnp_SecureHash"] = hmac.new(VNP.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    return answer


def test_vnpay_refund_answer_accepted_is_not_refunded_until_its_status_says_so():
    state = lambda **fields: vnpay.refund_state(VNP, vnp_answer(fields))[0]  # noqa: E731
    assert state() == "done"
    assert state(vnp_TransactionStatus="05") == "pending"  # VNPay processing the refund
    assert state(vnp_TransactionStatus="06") == "pending"  # sent to the bank
    assert state(vnp_TransactionStatus="09") == "failed"  # refund refused
    assert state(vnp_ResponseCode="94") == "pending"  # a refund of this payment is already in progress
    assert state(vnp_ResponseCode="91", vnp_TransactionStatus="") == "failed"
    forged = vnp_answer({"vnp_TransactionStatus": "05"})
    forged["vnp_TransactionStatus"] = "00"  # a success not covered by the checksum is not believed
    assert vnpay.refund_state(VNP, forged)[0] == "pending"


def test_vnpay_querydr_settles_only_a_verified_refund_of_that_amount():
    state = lambda **fields: vnpay.refund_query_state(VNP, vnp_answer(fields, query=True), 350_000)[0]  # noqa: E731
    assert state() == "done"
    assert state(vnp_TransactionType="03", vnp_TransactionStatus="05") == "pending"
    assert state(vnp_TransactionStatus="09") == "failed"
    assert state(vnp_TransactionType="01") == "pending"  # the payment itself: no refund reported
    assert state(vnp_Amount="10000000") == "pending"  # another refund
    assert vnpay.refund_query_state(VNP, vnp_answer({}, query=False), 350_000)[0] == "pending"  # wrong field list


# ---- MoMo AIO v2 (public sandbox test credentials from MoMo's own samples) ----------------------
MOMO = momo.Config(partner_code="MOMO", access_key="F8BBA842ECF85", secret_key="K951B6PE1waDMi640xX08PD3vg6EkVlz")


def test_momo_create_signature_uses_documented_field_order():
    body = momo.create_body(MOMO, "CX7K2M9Q4", "REQ-1", 350_000, "Thanh toán đơn CX7K2M9Q4",
                            "https://choxa.vn/momo/return", "https://choxa.vn/api/v1/payments/momo/ipn")
    raw = ("accessKey=F8BBA842ECF85&amount=350000&extraData=&ipnUrl=https://choxa.vn/api/v1/payments/momo/ipn"
           "&orderId=CX7K2M9Q4&orderInfo=Thanh toán đơn CX7K2M9Q4&partnerCode=MOMO"
           "&redirectUrl=https://choxa.vn/momo/return&requestId=REQ-1&requestType=captureWallet")
    assert body["signature"] == hmac.new(MOMO.secret_key.encode(), raw.encode(), hashlib.sha256).hexdigest()
    assert body["requestType"] == "captureWallet" and body["amount"] == 350_000 and "accessKey" not in body


def momo_ipn(**over):
    body = {"partnerCode": "MOMO", "orderId": "CX7K2M9Q4", "requestId": "REQ-1", "amount": 350000,
            "orderInfo": "Thanh toán đơn CX7K2M9Q4", "orderType": "momo_wallet", "transId": 4088878653,
            "resultCode": 0, "message": "Thành công.", "payType": "qr", "responseTime": 1763750105000,
            "extraData": ""}
    body.update(over)
    raw = "&".join(f"{k}={body[k] if k != 'accessKey' else MOMO.access_key}" for k in (
        "accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType", "partnerCode",
        "payType", "requestId", "responseTime", "resultCode", "transId") if k == "accessKey" or k in body)
    body["signature"] = hmac.new(MOMO.secret_key.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return body


def test_momo_ipn_verified_tamper_rejected():
    note = momo.parse_ipn(MOMO, momo_ipn())
    assert note.succeeded and note.amount == 350_000 and note.event_id.startswith("CX7K2M9Q4:4088878653")
    tampered = momo_ipn()
    tampered["amount"] = 1000
    with pytest.raises(InvalidSignature):
        momo.parse_ipn(MOMO, tampered)
    assert not momo.parse_ipn(MOMO, momo_ipn(resultCode=1006, message="Người dùng từ chối")).succeeded


def test_momo_refund_processing_codes_and_refund_query():
    assert momo.refund_state({"resultCode": 0})[0] == "done"
    assert momo.refund_state({"resultCode": 7000})[0] == "pending"
    assert momo.refund_state({"resultCode": 7002})[0] == "pending"
    assert momo.refund_state({"resultCode": 1002, "message": "Từ chối"})[0] == "failed"
    listed = lambda *trans, code=0: {"resultCode": code, "refundTrans": [  # noqa: E731
        {"orderId": oid, "amount": amount, "resultCode": result, "transId": 99} for oid, amount, result in trans]}
    state = lambda answer: momo.refund_query_state(answer, "CX7K2M9Q4-R3", 50_000)  # noqa: E731
    assert state(listed(("CX7K2M9Q4-R3", 50_000, 0))) == ("done", "momo 0: ", "99")
    assert state(listed(("CX7K2M9Q4-R3", 50_000, 7002)))[0] == "pending"
    assert state(listed(("CX7K2M9Q4-R3", 50_000, 1080)))[0] == "failed"
    assert state(listed(("CX7K2M9Q4-R2", 50_000, 0)))[0] == "pending"  # another refund
    assert state(listed(("CX7K2M9Q4-R3", 40_000, 0)))[0] == "pending"  # not the amount asked
    assert state(listed(code=42))[0] == "failed"  # MoMo never received it
    assert state(listed(code=99))[0] == "pending"  # the question failed, not the refund
    body = momo.query_body(MOMO, "CX7K2M9Q4-R3", "CX7K2M9Q4-R3-Q1")
    raw = "accessKey=F8BBA842ECF85&orderId=CX7K2M9Q4-R3&partnerCode=MOMO&requestId=CX7K2M9Q4-R3-Q1"
    assert body["signature"] == hmac.new(MOMO.secret_key.encode(), raw.encode(), hashlib.sha256).hexdigest()


# ---- ZaloPay v2 (public sandbox app 2553) --------------------------------------------------------
ZALO = zalopay.Config(app_id=2553, key1="PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL", key2="kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz")


def test_zalopay_create_mac_and_gmt7_prefix():
    body = zalopay.create_body(ZALO, "CX7K2M9Q4", 350_000, "Chợ Xã - Thanh toán đơn CX7K2M9Q4", "buyer-12",
                               "https://choxa.vn/api/v1/payments/zalopay/callback", "https://choxa.vn/don-hang", NOW)
    assert body["app_trans_id"] == "261122_CX7K2M9Q4"  # 22/11 in GMT+7, still 21/11 in UTC
    data = f"2553|261122_CX7K2M9Q4|buyer-12|350000|{body['app_time']}|{body['embed_data']}|{body['item']}"
    assert body["mac"] == hmac.new(ZALO.key1.encode(), data.encode(), hashlib.sha256).hexdigest()


def test_zalopay_refund_and_query_refund_macs_over_documented_fields():
    body = zalopay.refund_body(ZALO, "251122000012345", 350_000, "Hoan tien", NOW, "17")
    millis = int(NOW.replace(tzinfo=timezone.utc).timestamp() * 1000)
    assert body["m_refund_id"] == "261122_2553_17" and body["timestamp"] == millis  # yymmdd in GMT+7
    data = f"2553|251122000012345|350000|Hoan tien|{millis}"
    assert body["mac"] == hmac.new(ZALO.key1.encode(), data.encode(), hashlib.sha256).hexdigest()
    query = zalopay.query_refund_body(ZALO, "261122_2553_17", NOW)
    assert query == {"app_id": 2553, "m_refund_id": "261122_2553_17", "timestamp": millis,
                     "mac": hmac.new(ZALO.key1.encode(), f"2553|261122_2553_17|{millis}".encode(),
                                     hashlib.sha256).hexdigest()}


def test_zalopay_refund_return_codes():
    answer = lambda code, sub=0: {"return_code": code, "sub_return_code": sub, "return_message": "m"}  # noqa: E731
    assert zalopay.refund_state(answer(1))[0] == "done"
    assert zalopay.refund_state(answer(3))[0] == "pending"  # processing: ask query_refund later
    assert zalopay.refund_state(answer(2, -13))[0] == "failed"
    assert zalopay.refund_state(answer(2, -429))[0] == "failed"  # the refund request was refused
    assert zalopay.refund_state(answer(2, -429), query=True)[0] == "pending"  # the question was
    assert zalopay.refund_state(answer(2, -13), query=True)[0] == "failed"
    assert zalopay.refund_state({})[0] == "pending"  # no return_code: nothing to go on


def zalo_callback(amount=350000):
    data = json.dumps({"app_id": 2553, "app_trans_id": "261122_CX7K2M9Q4", "app_time": 1763750105000,
                       "app_user": "buyer-12", "amount": amount, "embed_data": "{}", "item": "[]",
                       "zp_trans_id": 251122000012345, "server_time": 1763750135000, "channel": 38,
                       "merchant_user_id": "x", "user_fee_amount": 0, "discount_amount": 0})
    return {"data": data, "mac": hmac.new(ZALO.key2.encode(), data.encode(), hashlib.sha256).hexdigest(), "type": 1}


def test_zalopay_callback_verified_over_raw_data():
    note = zalopay.parse_callback(ZALO, zalo_callback())
    assert note.reference == "CX7K2M9Q4" and note.amount == 350_000 and note.succeeded
    forged = zalo_callback()
    forged["data"] = forged["data"].replace("350000", "1000")
    with pytest.raises(InvalidSignature):
        zalopay.parse_callback(ZALO, forged)


# ---- Stripe --------------------------------------------------------------------------------------
STRIPE = stripe_card.Config(secret_key="sk_test_123", webhook_secret="whsec_test_secret")


def signed(payload: dict, secret=STRIPE.webhook_secret):
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=int(time.time()))
    return body.encode(), header


def test_stripe_webhook_paid_event():
    event = {"id": "evt_1", "object": "event", "type": "checkout.session.completed", "data": {"object": {
        "object": "checkout.session", "client_reference_id": "CX7K2M9Q4", "amount_total": 350000,
        "currency": "vnd", "payment_status": "paid"}}}
    note = stripe_card.parse_webhook(STRIPE, *signed(event))
    assert note.amount == 350_000 and note.currency == "VND" and note.reference == "CX7K2M9Q4" and note.succeeded
    with pytest.raises(InvalidSignature):
        stripe_card.parse_webhook(STRIPE, *signed(event, secret="whsec_other"))
    event["type"] = "customer.created"
    assert stripe_card.parse_webhook(STRIPE, *signed(event)) is None


class RecordingClient(stripe.HTTPClient):
    name = "recording"

    def __init__(self):
        super().__init__()
        self.calls = []

    def request(self, method, url, headers, post_data=None, **kwargs):
        self.calls.append((method, url, dict(headers or {}), post_data))
        return json.dumps({"id": "cs_test_1", "object": "checkout.session", "url": "https://checkout.stripe.com/c/pay/cs_test_1"}), 200, {}

    def close(self):
        pass


def test_stripe_checkout_session_is_zero_decimal_and_idempotent():
    client = RecordingClient()
    session = stripe_card.create_checkout_session(STRIPE, "CX7K2M9Q4", 350_000, "Vải thiều", "https://choxa.vn/ok",
                                                  "https://choxa.vn/cancel", client=client)
    assert session.url.startswith("https://checkout.stripe.com/")
    method, url, headers, body = client.calls[0]
    form = dict(urllib.parse.parse_qsl(body))
    assert method == "post" and url.endswith("/v1/checkout/sessions")
    assert form["line_items[0][price_data][unit_amount]"] == "350000"  # đồng as is
    assert form["line_items[0][price_data][currency]"] == "vnd"
    assert headers["Idempotency-Key"] == "checkout-CX7K2M9Q4"


def test_vnpay_ipn_with_an_empty_parameter_verifies():
    """VNPay's samples hash every vnp_* parameter it sends, empty ones included (vnp_BankTranNo
    is empty for some cards): a genuine IPN carrying one must verify."""
    params = {"vnp_TmnCode": VNP.tmn_code, "vnp_Amount": "35000000", "vnp_BankTranNo": "", "vnp_ResponseCode": "00",
              "vnp_TransactionNo": "1", "vnp_TransactionStatus": "00", "vnp_TxnRef": "CX7K2M9Q4"}
    data = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in sorted(params.items()))
    params["vnp_SecureHash"] = hmac.new(VNP.hash_secret.encode(), data.encode(), hashlib.sha512).hexdigest()
    assert vnpay.parse_ipn(VNP, params).succeeded
