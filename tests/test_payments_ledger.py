"""The stalls' ledger: credits for delivered gateway orders, commission owed on direct
payments, reversing entries for refunds, payouts; totals reconcile with the admin page."""
import csv
import io
import re

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.payments import gateway_services, ledger, refunds
from marketplace.payments import services as payments
from marketplace.payments.models import LedgerEntry, Refund
from tests import factories
from tests.conftest import login
from tests.factories import bearer
from tests.gateway_notifications import deliver, gateways  # noqa: F401  (fixture)


@pytest.fixture
def commission(app):
    app.config["PLATFORM_COMMISSION_PERCENT"] = "10"
    yield
    app.config["PLATFORM_COMMISSION_PERCENT"] = "0"


def place(make, product, method, buyer=None):
    order = make.order(buyer or make.user(name="Người mua"), [(product, 2000)], methods={product.stall_id: method})
    return order, order.stall_orders[0]


def pay(client, order, provider):
    payment = gateway_services.start_payment(order.buyer, order.code, provider)
    assert deliver(client, provider, payment.reference, payment.amount).status_code in (200, 204)


def ship_to_buyer(so):
    factories.delivered(so)


def owed_on_admin_page(client, admin) -> dict[int, int]:
    login(client, admin)
    html = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    return {int(stall): int(re.sub(r"\D", "", amount))
            for stall, amount in re.findall(r'class="owed" data-stall="(\d+)">(-?[\d.]+)', html)}


def sums() -> dict[int, int]:
    out = {}
    for e in db.session.query(LedgerEntry):
        out[e.stall_id] = out.get(e.stall_id, 0) + e.amount
    return out


def test_ledger_reconciles_with_refunds_cod_and_payouts(client, make, gateways, commission):
    a = make.product(name="Vải thiều", price=50000, stock_milli=50_000)
    b = make.product(name="Mật ong", price=120000, stock_milli=50_000)
    admin = make.user(name="Quản trị", admin=True)

    o1, vnpay_a = place(make, a, "vnpay")  # 100.000 + fee, paid by gateway, delivered
    pay(client, o1, "vnpay")
    ship_to_buyer(vnpay_a)
    _, cod_a = place(make, a, "cod")  # cash to the seller
    ship_to_buyer(cod_a)
    o3, zalo_a = place(make, a, "zalopay")  # paid, refunded before shipping: no entry
    pay(client, o3, "zalopay")
    assert refunds.start_refund(a.stall.owner, zalo_a.code, "Hết hàng").status == "done"
    _, qr_b = place(make, b, "vietqr")  # transfer straight to the seller
    payments.mark_received(b.stall.owner, qr_b.code, qr_b.total)
    ship_to_buyer(qr_b)
    o5, momo_b = place(make, b, "momo")  # paid, delivered, 40.000 refunded afterwards
    pay(client, o5, "momo")
    ship_to_buyer(momo_b)
    assert refunds.start_refund(b.stall.owner, momo_b.code, "Một hũ bị vỡ", 40_000).status == "done"
    _, qr_b2 = place(make, b, "vietqr")  # delivered, then refunded by hand: commission returned
    payments.mark_received(b.stall.owner, qr_b2.code, qr_b2.total)
    ship_to_buyer(qr_b2)
    assert refunds.start_refund(b.stall.owner, qr_b2.code, "Khách trả hàng").status == "manual"

    def fee(x):
        return (x + 5) // 10  # 10 %, half up
    expected_a = (vnpay_a.total - fee(vnpay_a.total)) - fee(cod_a.total)
    momo_credit = momo_b.total - fee(momo_b.total)
    expected_b = -fee(qr_b.total) + momo_credit - round(momo_credit * 40_000 / momo_b.total) - fee(qr_b2.total) + fee(qr_b2.total)
    assert sums() == {a.stall_id: expected_a, b.stall_id: expected_b}
    assert owed_on_admin_page(client, admin) == sums()

    ledger.record_payout(admin, a.stall_id, 30_000, "FT26112200001")
    assert sums()[a.stall_id] == expected_a - 30_000
    assert owed_on_admin_page(client, admin) == sums()
    assert ledger.balance(a.stall_id) == sums()[a.stall_id]
    kinds = sorted(e.kind for e in db.session.query(LedgerEntry).filter_by(stall_id=b.stall_id))
    assert kinds == ["direct_sale", "direct_sale", "gateway_sale", "refund", "refund"]


def test_entries_are_append_only(make, gateways):
    stall = make.stall()
    db.session.add(LedgerEntry(stall_id=stall.id, kind="payout", amount=-1, reference="x"))
    db.session.commit()
    entry = db.session.query(LedgerEntry).one()
    entry.amount = 5
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.query(LedgerEntry).one())
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()


def test_seller_sees_own_balance_on_a_phone_page(client, make, gateways):
    a = make.product(price=50000)
    order, so = place(make, a, "stripe")
    pay(client, order, "stripe")
    ship_to_buyer(so)
    login(client, a.stall.owner)
    html = client.get("/gian-hang-cua-toi/so-du").get_data(as_text=True)
    assert "Bán qua cổng thanh toán" in html and so.code in html
    assert re.search(r"Chợ Xã còn nợ gian hàng: <strong[^>]*>" + re.escape(f"{so.total:,}".replace(",", ".")), html)
    r = client.get("/api/v1/stall/ledger", headers=bearer(a.stall.owner))
    assert r.get_json()["balance"] == so.total and r.get_json()["items"][0]["stall_order"] == so.code
    other = make.stall()
    login(client, other.owner)
    assert so.code not in client.get("/gian-hang-cua-toi/so-du").get_data(as_text=True)
    assert client.get("/api/v1/stall/ledger", headers=bearer(other.owner)).get_json()["balance"] == 0


def test_payouts_are_admin_only_bounded_audited_and_exported(client, make, gateways):
    a = make.product(price=50000)
    order, so = place(make, a, "vnpay")
    pay(client, order, "vnpay")
    ship_to_buyer(so)
    admin, officer = make.user(name="Quản trị", admin=True), make.officer(a.stall.commune)
    for who in (a.stall.owner, officer):
        login(client, who)
        assert client.get("/quan-ly/doi-soat").status_code == 403
        assert client.get("/quan-ly/doi-soat/can-chi-tra.csv").status_code == 403
        assert client.post("/api/v1/payouts", json={"stall_id": a.stall_id, "amount": 1, "reference": "x"},
                           headers=bearer(who)).status_code == 403
    assert client.application.test_client().get("/quan-ly/doi-soat").status_code in (302, 401)
    login(client, admin)
    rows = list(csv.reader(io.StringIO(client.get("/quan-ly/doi-soat/can-chi-tra.csv").get_data(as_text=True).lstrip("\ufeff"))))
    stall = a.stall
    assert rows[1][2:7] == [stall.bank_bin, rows[1][3], stall.bank_account, stall.bank_holder, str(so.total)]
    r = client.post("/api/v1/payouts", json={"stall_id": stall.id, "amount": so.total + 1, "reference": "FT1"},
                    headers=bearer(admin))
    assert r.status_code == 422 and "amount" in r.get_json()["error"]["fields"]
    for bad in ("abc", "99999999999"):  # refused, never a database error
        r = client.post("/quan-ly/doi-soat", data={"stall_id": bad, "amount": 1, "reference": "FT1"})
        assert r.status_code == 200 and "Đã ghi nhận" not in r.get_data(as_text=True)
    r = client.post("/quan-ly/doi-soat", data={"stall_id": stall.id, "amount": so.total, "reference": "FT26112299"})
    assert r.status_code == 302
    assert ledger.balance(stall.id) == 0
    audit = db.session.query(AuditEntry).filter_by(action="ledger.payout").one()
    assert audit.reason == "FT26112299" and audit.actor_id == admin.id
    paid = client.get("/quan-ly/doi-soat/da-chi-tra.csv").get_data(as_text=True)
    assert "FT26112299" in paid and stall.bank_account in paid
    assert client.get("/api/v1/payouts", headers=bearer(admin)).get_json()["items"][0]["owed"] == 0


def test_refund_authorization_and_audit(client, make, gateways):
    a = make.product(price=50000)
    order, so = place(make, a, "vnpay")
    pay(client, order, "vnpay")
    other_seller = make.stall().owner
    outsider = make.officer(make.commune(name_contains="Hải"))
    for who in (other_seller, outsider, order.buyer):
        r = client.post("/api/v1/refunds", json={"stall_order": so.code, "reason": "x"}, headers=bearer(who))
        assert r.status_code == 404
    assert client.post("/api/v1/refunds", json={"stall_order": so.code, "reason": "x"}).status_code == 401
    login(client, other_seller)
    assert client.post("/hoan-tien", data={"code": so.code, "reason": "x"}).status_code == 404
    r = client.post("/api/v1/refunds", json={"stall_order": so.code}, headers=bearer(a.stall.owner))
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    officer = make.officer(a.stall.commune)
    r = client.post("/api/v1/refunds", json={"stall_order": so.code, "reason": "Người bán ngừng bán"},
                    headers=bearer(officer))
    assert r.status_code == 201 and r.get_json()["status"] == "done"
    db.session.expire_all()
    assert db.session.get(type(so), so.id).status == "refunded"
    call = [c for c in gateways.calls if "merchant_webapi" in c["url"]][0]
    assert call["body"]["vnp_Command"] == "refund" and call["body"]["vnp_Amount"] == str(so.total * 100)
    assert not call["in_transaction"] and call["retries"] == 0
    started = db.session.query(AuditEntry).filter_by(action="payment.refund_started").one()
    assert started.reason == "Người bán ngừng bán" and started.actor_id == officer.id
    r = client.post("/api/v1/refunds", json={"stall_order": so.code, "reason": "lần nữa"}, headers=bearer(officer))
    assert r.status_code == 409


def test_failed_gateway_refund_can_be_retried_and_the_seller_cannot_skip_it(client, make, gateways):
    from marketplace.payments.gateways import http

    a = make.product(price=50000, stock_milli=10_000)
    order, so = place(make, a, "vnpay")
    pay(client, order, "vnpay")
    # VNPay cannot be asked about one refund by our own id: no answer counts as not refunded (a
    # retry it had in fact received is answered 94, "already being processed").
    gateways.answer("/merchant_webapi/api/transaction", http.GatewayUnavailable("timeout"))
    assert refunds.start_refund(a.stall.owner, so.code, "Hết hàng").status == "failed"
    db.session.expire_all()
    assert db.session.get(type(so), so.id).status == "refund_pending"
    assert db.session.get(type(a), a.id).stock_milli == 10_000  # stock came back
    login(client, a.stall.owner)
    client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/refund")  # "đã hoàn tiền" by hand: refused
    db.session.expire_all()
    assert db.session.get(type(so), so.id).status == "refund_pending"
    r = client.post("/hoan-tien", data={"code": so.code, "reason": "Thử lại", "next": "/"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(so), so.id).status == "refunded"
    assert [r.status for r in db.session.query(Refund).order_by(Refund.id)] == ["failed", "done"]


def test_seller_order_page_offers_refund_and_officer_page_exists(client, make, gateways):
    a = make.product(price=50000)
    order, so = place(make, a, "zalopay")
    pay(client, order, "zalopay")
    login(client, a.stall.owner)
    html = client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").get_data(as_text=True)
    assert "Hoàn tiền cho người mua" in html and "ZaloPay" in html
    assert client.get("/quan-ly/hoan-tien").status_code == 403
    login(client, make.officer(a.stall.commune))
    assert client.get("/quan-ly/hoan-tien").status_code == 200
