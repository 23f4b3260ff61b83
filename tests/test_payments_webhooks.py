"""SePay and Casso bank-transfer webhooks: authentication, matching, at-most-once."""
import time

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.orders.models import StallOrder
from marketplace.payments.models import PaymentEvent
from marketplace.payments.services import find_codes
from marketplace.payments.webhooks import casso_signature

SEPAY_KEY = "sepay-test-key"
CASSO_KEY = "casso-checksum-key"
SEPAY = "/api/v1/payments/bank-webhook/sepay"
CASSO = "/api/v1/payments/bank-webhook/casso"


@pytest.fixture(autouse=True)
def _keys(app):
    app.config.update(SEPAY_API_KEY=SEPAY_KEY, CASSO_CHECKSUM_KEY=CASSO_KEY, WEBHOOK_MAX_AGE_SECONDS=300)
    yield
    app.config.update(SEPAY_API_KEY="", CASSO_CHECKSUM_KEY="")


@pytest.fixture
def pending(make):
    product = make.product(price=45000, stock_milli=20_000)
    order = make.order(make.user(), [(product, 2000)])
    return order.stall_orders[0]


def status_of(so) -> str:
    db.session.expire_all()
    return db.session.get(StallOrder, so.id).status


def sepay_body(so, amount=None, content=None, tx_id=9001, account=None):
    return {"id": tx_id, "gateway": "Agribank", "transactionDate": "2026-11-22 09:15:00",
            "accountNumber": account or so.stall.bank_account, "code": None,
            "content": content if content is not None else f"{so.code.lower()} FT2532 chuyen tien",
            "transferType": "in", "transferAmount": so.total if amount is None else amount,
            "accumulated": 0, "subAccount": None, "referenceCode": "FT2532", "description": ""}


def post_sepay(client, body, key=SEPAY_KEY):
    return client.post(SEPAY, json=body, headers={"Authorization": f"Apikey {key}"})


def casso_body(so, amount=None, tx_id=5001, description=None):
    return {"error": 0, "data": {
        "id": tx_id, "reference": "BANK_REF_1", "description": description or f"Thanh toan {so.code}",
        "amount": so.total if amount is None else amount, "runningBalance": 25000000,
        "transactionDateTime": "2026-11-22 09:15:00", "accountNumber": so.stall.bank_account,
        "bankName": "Agribank", "bankAbbreviation": "VBA", "virtualAccountNumber": "", "virtualAccountName": "",
        "counterAccountName": "PHAM THI MUA", "counterAccountNumber": "0123", "counterAccountBankId": "970422",
        "counterAccountBankName": "MB Bank"}}


def post_casso(client, body, timestamp_ms=None, key=CASSO_KEY):
    signature = casso_signature(body, key, timestamp_ms or int(time.time() * 1000))
    return client.post(CASSO, json=body, headers={"X-Casso-Signature": signature})


def test_sepay_valid_marks_paid(client, pending):
    r = post_sepay(client, sepay_body(pending))
    assert r.status_code == 200 and r.get_json()["success"] is True and r.get_json()["outcome"] == "applied"
    assert status_of(pending) == "paid"
    assert db.session.get(StallOrder, pending.id).paid_amount == pending.total


def test_sepay_wrong_api_key_changes_nothing(client, pending):
    assert post_sepay(client, sepay_body(pending), key="guess").status_code == 401
    assert client.post(SEPAY, json=sepay_body(pending)).status_code == 401
    assert status_of(pending) == "pending_payment" and db.session.query(PaymentEvent).count() == 0


def test_casso_valid_signature_marks_paid(client, pending):
    r = post_casso(client, casso_body(pending))
    assert r.status_code == 200 and r.get_json()["outcome"] == "applied"
    assert status_of(pending) == "paid"


def test_casso_invalid_signature_refused(client, pending):
    body = casso_body(pending)
    signature = casso_signature(body, CASSO_KEY, int(time.time() * 1000))
    body["data"]["amount"] += 1  # tampered after signing
    r = client.post(CASSO, json=body, headers={"X-Casso-Signature": signature})
    assert r.status_code == 401
    assert post_casso(client, casso_body(pending), key="wrong").status_code == 401
    assert client.post(CASSO, json=casso_body(pending)).status_code == 401
    assert status_of(pending) == "pending_payment"


def test_casso_stale_timestamp_refused(client, pending):
    old = int((time.time() - 3600) * 1000)
    assert post_casso(client, casso_body(pending), timestamp_ms=old).status_code == 401
    assert status_of(pending) == "pending_payment" and db.session.query(PaymentEvent).count() == 0


def test_replayed_ten_times_paid_once(client, pending):
    outcomes = [post_sepay(client, sepay_body(pending)).get_json() for _ in range(10)]
    assert outcomes[0]["duplicate"] is False and all(o["duplicate"] for o in outcomes[1:])
    assert status_of(pending) == "paid"
    assert db.session.query(PaymentEvent).filter_by(provider="sepay").count() == 1
    assert [h.to_status for h in db.session.get(StallOrder, pending.id).history].count("paid") == 1


def test_underpaid_is_stored_not_applied(client, make, pending):
    r = post_sepay(client, sepay_body(pending, amount=pending.total - 1000))
    assert r.get_json()["outcome"] == "underpaid"
    assert status_of(pending) == "pending_payment"
    event = db.session.query(PaymentEvent).one()
    assert event.stall_order_id == pending.id and event.amount == pending.total - 1000
    from tests.conftest import login
    login(client, pending.stall.owner)
    page = client.get(f"/gian-hang-cua-toi/don-hang/{pending.code}").get_data(as_text=True)
    assert "Thiếu tiền" in page and "Đã nhận tiền" in page  # the seller sees it and can still confirm by hand


def test_overpaid_pays_and_is_flagged(client, pending):
    assert post_sepay(client, sepay_body(pending, amount=pending.total + 5000)).get_json()["outcome"] == "overpaid"
    assert status_of(pending) == "paid"


def test_second_transfer_for_paid_order_is_a_duplicate(client, pending):
    post_sepay(client, sepay_body(pending, tx_id=1))
    assert post_sepay(client, sepay_body(pending, tx_id=2)).get_json()["outcome"] == "duplicate"
    assert db.session.query(PaymentEvent).filter_by(provider="sepay").count() == 2


def test_unknown_code_is_stored_for_the_seller(client, make, pending):
    r = post_sepay(client, sepay_body(pending, content="chuyen tien mua vai"))
    assert r.get_json()["outcome"] == "unknown_code"
    assert status_of(pending) == "pending_payment"
    event = db.session.query(PaymentEvent).one()
    assert event.stall_id == pending.stall_id  # shown to the seller whose account received it
    from tests.conftest import login
    login(client, pending.stall.owner)
    page = client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)
    assert "chuyen tien mua vai" in page


def test_two_order_codes_in_one_transfer_is_ambiguous(client, make):
    stall = make.stall()
    product = make.product(stall_obj=stall, price=10000)
    first = make.order(make.user(), [(product, 1000)]).stall_orders[0]
    second = make.order(make.user(), [(product, 1000)]).stall_orders[0]
    body = sepay_body(first, amount=first.total + second.total, content=f"{first.code} {second.code}")
    assert post_sepay(client, body).get_json()["outcome"] == "ambiguous"
    assert status_of(first) == "pending_payment" and status_of(second) == "pending_payment"


def test_transfer_to_another_account_is_not_applied(client, pending):
    r = post_sepay(client, sepay_body(pending, account="999999999"))
    assert r.get_json()["outcome"] == "wrong_account" and status_of(pending) == "pending_payment"


def test_outgoing_transfer_ignored(client, pending):
    body = sepay_body(pending)
    body["transferType"] = "out"
    assert post_sepay(client, body).get_json()["outcome"] == "ignored"
    assert status_of(pending) == "pending_payment"


def test_malformed_body_is_refused_not_500(client):
    r = client.post(SEPAY, data="not json", headers={"Authorization": f"Apikey {SEPAY_KEY}"})
    assert r.status_code == 401


def test_codes_found_despite_bank_rewriting(make):
    from marketplace.core.codes import new_code

    code = new_code("CX")
    spaced = " ".join(code[i:i + 3] for i in range(0, len(code), 3)).lower()
    assert find_codes(f"IBFT {spaced}-chuyen khoan") == [code]
    assert find_codes(f"MBVCB.1234.{code}.CT tu 0123") == [code]
    assert find_codes("CX123456 khong phai ma") == []
    wrong_check = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert find_codes(wrong_check) == []


def test_late_payment_on_expired_order_is_kept(client, make, pending):
    from datetime import timedelta

    from marketplace.core.timeutil import utcnow
    from marketplace.orders import status as st

    st.expire_overdue(now=utcnow() + timedelta(hours=25))
    assert post_sepay(client, sepay_body(pending)).get_json()["outcome"] == "late"
    assert status_of(pending) == "expired"


def test_order_code_with_receiving_account_pays_that_stalls_part(client, make):
    lychee, honey = make.product(price=20000), make.product(name="Mật ong", unit="hu", price=90000)
    honey.stall.bank_account = "0338356589"
    db.session.commit()
    order = make.order(make.user(), [(lychee, 1000), (honey, 1000)])
    honey_part = next(so for so in order.stall_orders if so.stall_id == honey.stall_id)
    body = sepay_body(honey_part, content=f"thanh toan don {order.code}")
    assert post_sepay(client, body).get_json()["outcome"] == "applied"
    statuses = {so.stall_id: status_of(so) for so in order.stall_orders}
    assert statuses == {honey.stall_id: "paid", lychee.stall_id: "pending_payment"}


def test_seller_is_told_of_a_new_order_with_readable_amount(app, make):
    sent = []

    class Capture:
        def send(self, to, subject, body):
            sent.append(body)

    app.extensions["notifier"] = Capture()
    try:
        make.order(make.user(), [(make.product(price=1234500, name="Sâm, loại 1"), 1000)])
    finally:
        app.extensions.pop("notifier")
    assert "1.234.500 ₫" in sent[0]
    assert "Vườn vải nhà Tiệp" in sent[0] and "Chuyển khoản VietQR" in sent[0]


def test_applied_transfer_is_audited_once_and_named_in_the_timeline(client, pending):
    for _ in range(2):
        post_sepay(client, sepay_body(pending, tx_id=9001))
    entry = db.session.query(AuditEntry).filter_by(action="payment.bank_transfer").one()
    assert (entry.actor_role, entry.target_type, entry.target_id) == ("system", "stallorder", pending.id)
    assert entry.commune_id == pending.stall.commune_id
    assert entry.data == {"provider": "sepay", "event_id": "9001", "amount": pending.total}
    paid = [h for h in db.session.get(StallOrder, pending.id).history if h.to_status == "paid"]
    assert [h.note for h in paid] == ["sepay 9001"]
