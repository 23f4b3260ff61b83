"""Paying through VNPay, MoMo, ZaloPay and Stripe: one redirect per order, notifications verified
and applied at most once (10 concurrent deliveries), wrong amounts and late payments flagged."""
import threading
import urllib.parse
from datetime import timedelta

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.core.timeutil import utcnow
from marketplace.extensions import db
from marketplace.orders import methods
from marketplace.orders import status as st
from marketplace.orders.models import StallOrder
from marketplace.payments.gateways import http
from marketplace.payments.models import GatewayPayment, Outcome, PaymentEvent
from marketplace.payments.services import events_to_handle
from tests import gateway_notifications as gn
from tests.conftest import login
from tests.gateway_notifications import gateways  # noqa: F401  (fixture)
from tests.factories import bearer


def gateway_order(make, provider, stalls=1, buyer=None):
    products = [make.product(price=45000 + 5000 * i, stock_milli=20_000) for i in range(stalls)]
    buyer = buyer or make.user(name="Người mua")
    order = make.order(buyer, [(p, 2000) for p in products], methods={p.stall_id: provider for p in products})
    return order, buyer


def start(client, order, buyer, provider):
    login(client, buyer)
    response = client.post(f"/don-hang/{order.code}/thanh-toan/{provider}")
    assert response.status_code == 303, response.data
    db.session.expire_all()
    return db.session.query(GatewayPayment).filter_by(order_id=order.id).order_by(GatewayPayment.id.desc()).first(), response


def statuses(order) -> list[str]:
    db.session.expire_all()
    return [so.status for so in db.session.query(StallOrder).filter_by(order_id=order.id).order_by(StallOrder.id)]


@pytest.mark.parametrize("provider", gn.PROVIDERS)
def test_redirect_then_notification_marks_every_stall_order_paid(client, make, gateways, provider):
    order, buyer = gateway_order(make, provider, stalls=2)
    assert all(so.status == st.PENDING_PAYMENT and so.payment_method == provider for so in order.stall_orders)
    payment, response = start(client, order, buyer, provider)
    assert payment.amount == order.total and len(payment.stall_order_ids) == 2  # one redirect for both stalls
    assert response.headers["Location"] == payment.redirect_url
    assert not any(call["in_transaction"] for call in gateways.calls + gateways.stripe.calls)
    # The return page only displays: nothing is paid until the provider's server says so.
    assert client.get(f"/thanh-toan/{provider}/ket-qua/{payment.reference}").status_code == 200
    assert statuses(order) == [st.PENDING_PAYMENT] * 2
    response = gn.deliver(client, provider, payment.reference, payment.amount)
    assert response.status_code in (200, 204)
    assert statuses(order) == [st.PAID] * 2
    event = db.session.query(PaymentEvent).filter_by(provider=provider).one()
    assert event.outcome == Outcome.APPLIED and event.payload
    assert "Đã thanh toán" in client.get(f"/don-hang/{order.code}").get_data(as_text=True)


@pytest.mark.parametrize("provider", gn.PROVIDERS)
def test_tampered_notification_is_refused(client, make, gateways, provider):
    order, buyer = gateway_order(make, provider)
    payment, _ = start(client, order, buyer, provider)
    response = gn.deliver(client, provider, payment.reference, payment.amount, tamper=True)
    assert gn.refused(provider, response)
    assert statuses(order) == [st.PENDING_PAYMENT]
    assert db.session.query(PaymentEvent).count() == 0


@pytest.mark.parametrize("provider", gn.PROVIDERS)
def test_ten_concurrent_deliveries_apply_once(app, client, make, gateways, provider):
    order, buyer = gateway_order(make, provider)
    payment, _ = start(client, order, buyer, provider)
    reference, amount = payment.reference, payment.amount
    db.session.commit()
    barrier, results = threading.Barrier(10), [None] * 10

    def deliver(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = gn.deliver(app.test_client(), provider, reference, amount).status_code
            except Exception as exc:  # asserted on below: a crash must fail the test
                results[i] = repr(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r in (200, 204) for r in results), results
    assert statuses(order) == [st.PAID]
    assert db.session.query(PaymentEvent).filter_by(provider=provider).count() == 1
    history = db.session.get(StallOrder, order.stall_orders[0].id).history
    assert [h.to_status for h in history].count(st.PAID) == 1


@pytest.mark.parametrize("provider", gn.PROVIDERS)
def test_wrong_amount_is_flagged_not_applied(client, make, gateways, provider):
    order, buyer = gateway_order(make, provider)
    payment, _ = start(client, order, buyer, provider)
    response = gn.deliver(client, provider, payment.reference, payment.amount - 1000)
    if provider == "vnpay":
        assert response.get_json()["RspCode"] == "04"
    assert statuses(order) == [st.PENDING_PAYMENT]
    event = db.session.query(PaymentEvent).filter_by(provider=provider).one()
    assert event.outcome == Outcome.UNDERPAID
    assert event in db.session.scalars(events_to_handle(seller_of(order))).all()



@pytest.mark.parametrize("provider", gn.PROVIDERS)
def test_each_paid_stall_order_is_audited_once_with_the_transaction_in_its_timeline(client, make, gateways, provider):
    order, buyer = gateway_order(make, provider, stalls=2)
    payment, _ = start(client, order, buyer, provider)
    for _ in range(2):
        gn.deliver(client, provider, payment.reference, payment.amount)
    db.session.expire_all()
    event = db.session.query(PaymentEvent).filter_by(provider=provider).one()
    transaction_id = db.session.get(GatewayPayment, payment.id).transaction_id
    entries = db.session.query(AuditEntry).filter_by(action="payment.gateway").order_by(AuditEntry.target_id).all()
    assert [(e.actor_role, e.target_id, e.commune_id, e.data) for e in entries] == [
        ("system", so.id, so.stall.commune_id,
         {"provider": provider, "event_id": event.event_id, "reference": payment.reference, "amount": so.total})
        for so in sorted(order.stall_orders, key=lambda so: so.id)]
    notes = [h.note for so in order.stall_orders for h in db.session.get(StallOrder, so.id).history
             if h.to_status == st.PAID]
    assert transaction_id and notes == [f"{provider} {transaction_id}"] * 2

def seller_of(order):
    return order.stall_orders[0].stall.owner


@pytest.mark.parametrize("provider", gn.PROVIDERS)
def test_payment_for_expired_order_is_recorded_and_flagged_for_refund(client, make, gateways, provider):
    order, buyer = gateway_order(make, provider)
    payment, _ = start(client, order, buyer, provider)
    st.expire_overdue(now=utcnow() + timedelta(days=2))
    assert statuses(order) == [st.EXPIRED]
    response = gn.deliver(client, provider, payment.reference, payment.amount)
    assert response.status_code in (200, 204)
    assert statuses(order) == [st.EXPIRED]
    event = db.session.query(PaymentEvent).filter_by(provider=provider).one()
    assert event.outcome == Outcome.REFUND_DUE
    assert "Cần hoàn tiền" not in client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)  # the buyer's view
    login(client, seller_of(order))
    assert "Cần hoàn tiền" in client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)
    # The officer gives the late payment back through the provider; the order stays expired.
    officer = make.officer(order.stall_orders[0].stall.commune)
    r = client.post("/api/v1/refunds", json={"stall_order": order.stall_orders[0].code, "reason": "Thanh toán trễ"},
                    headers=bearer(officer))
    assert r.status_code == 201 and r.get_json()["status"] == "done" and r.get_json()["amount"] == payment.amount
    assert statuses(order) == [st.EXPIRED]


def test_failed_payment_is_recorded_and_leaves_the_order_waiting(client, make, gateways):
    order, buyer = gateway_order(make, "vnpay")
    payment, _ = start(client, order, buyer, "vnpay")
    reply = gn.deliver(client, "vnpay", payment.reference, payment.amount, code="24").get_json()
    assert reply["RspCode"] == "00"
    assert statuses(order) == [st.PENDING_PAYMENT]
    assert db.session.query(PaymentEvent).one().outcome == Outcome.FAILED


def test_stripe_reports_one_payment_twice_without_a_false_duplicate(client, make, gateways):
    order, buyer = gateway_order(make, "stripe")
    payment, _ = start(client, order, buyer, "stripe")
    gn.deliver(client, "stripe", payment.reference, payment.amount)
    second = gn.deliver(client, "stripe", payment.reference, payment.amount, kind="payment_intent.succeeded",
                        event_id="evt_choxa_2").get_json()
    assert second["outcome"] == Outcome.RECORDED
    third = gn.deliver(client, "stripe", payment.reference, payment.amount, txn="pi_other", event_id="evt_choxa_3")
    assert third.get_json()["outcome"] == Outcome.DUPLICATE  # a second charge: money to give back
    assert statuses(order) == [st.PAID]


def test_stripe_checkout_session_through_the_library_with_its_http_client_replaced(client, make, gateways):
    order, buyer = gateway_order(make, "stripe")
    payment, response = start(client, order, buyer, "stripe")
    assert response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    call = gateways.stripe.calls[0]
    form = dict(urllib.parse.parse_qsl(call["body"]))
    assert call["url"].endswith("/v1/checkout/sessions") and not call["in_transaction"]
    assert form["line_items[0][price_data][unit_amount]"] == str(order.total)  # đồng, zero-decimal
    assert form["client_reference_id"] == payment.reference
    assert call["headers"]["Idempotency-Key"] == f"checkout-{payment.reference}"
    assert payment.provider_ref == "cs_test_1"


def test_vnpay_redirect_parameters_verify(client, make, gateways):
    from marketplace.payments.gateways import vnpay

    order, buyer = gateway_order(make, "vnpay")
    payment, response = start(client, order, buyer, "vnpay")
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response.headers["Location"]).query))
    config = vnpay.Config(gn.SETTINGS["VNPAY_TMN_CODE"], gn.SETTINGS["VNPAY_HASH_SECRET"])
    assert vnpay.verify(config, params) and params["vnp_Amount"] == str(order.total * 100)
    assert params["vnp_TxnRef"] == payment.reference
    assert params["vnp_ReturnUrl"].endswith(f"/thanh-toan/vnpay/ket-qua/{payment.reference}")


def test_momo_and_zalopay_creates_are_signed_and_not_retried(client, make, gateways):
    for provider in ("momo", "zalopay"):
        order, buyer = gateway_order(make, provider)
        start(client, order, buyer, provider)
    momo_call, zalo_call = gateways.calls
    assert momo_call["timeout"] >= 30 and momo_call["retries"] == 0 and momo_call["body"]["requestType"] == "captureWallet"
    assert zalo_call["retries"] == 0 and zalo_call["body"]["app_trans_id"].split("_")[1].startswith("CX")


def test_provider_down_leaves_the_order_waiting(client, make, gateways, monkeypatch):
    def down(*args, **kwargs):
        raise http.GatewayUnavailable("timeout")

    monkeypatch.setattr(http, "post_json", down)
    order, buyer = gateway_order(make, "momo")
    login(client, buyer)
    response = client.post(f"/don-hang/{order.code}/thanh-toan/momo")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/don-hang/{order.code}")
    assert statuses(order) == [st.PENDING_PAYMENT]


def test_unconfigured_gateway_is_not_offered(client, make, app):
    product = make.product()
    assert {m.code for m in methods.available(product.stall)} == {"vietqr", "cod"}
    order = make.order(make.user(), [(product, 2000)], methods={product.stall_id: "vnpay"})
    assert order.stall_orders[0].payment_method == "vietqr"  # falls back to what is offered
    login(client, order.buyer)
    assert client.post(f"/don-hang/{order.code}/thanh-toan/vnpay").status_code == 404
    r = client.get("/api/v1/payments/vnpay/ipn?" + urllib.parse.urlencode(gn.vnpay_ipn("CX1", 1000)))
    assert r.get_json()["RspCode"] == "97"


def test_only_the_buyer_may_start_paying(client, make, gateways):
    order, buyer = gateway_order(make, "vnpay")
    login(client, make.user(name="Người khác"))
    assert client.post(f"/don-hang/{order.code}/thanh-toan/vnpay").status_code == 404
    anonymous = client.application.test_client()
    assert anonymous.post(f"/don-hang/{order.code}/thanh-toan/vnpay").status_code == 404
    assert db.session.query(GatewayPayment).count() == 0


def test_api_starts_a_payment_for_the_buyer_only(client, make, gateways):
    order, buyer = gateway_order(make, "zalopay")
    assert client.post(f"/api/v1/orders/{order.code}/payments", json={"provider": "zalopay"}).status_code == 401
    other = bearer(make.user(name="Người khác"))
    assert client.post(f"/api/v1/orders/{order.code}/payments", json={"provider": "zalopay"}, headers=other).status_code == 404
    r = client.post(f"/api/v1/orders/{order.code}/payments", json={"provider": "zalopay"}, headers=bearer(buyer))
    assert r.status_code == 201 and r.get_json()["redirect_url"].startswith("https://qcgateway.zalopay.vn/")
    assert r.get_json()["amount"] == order.total
    r = client.post(f"/api/v1/orders/{order.code}/payments", json={"provider": 5}, headers=bearer(buyer))
    assert r.status_code == 422


def test_unknown_reference_is_stored_for_a_person(client, gateways):
    response = gn.deliver(client, "vnpay", "CXNOPE0000-ABC", 10000)
    assert response.get_json()["RspCode"] == "01"
    assert db.session.query(PaymentEvent).one().outcome == Outcome.UNKNOWN_CODE


def test_admin_queries_status_without_marking_paid(client, make, gateways):
    order, buyer = gateway_order(make, "momo")
    payment, _ = start(client, order, buyer, "momo")
    url = f"/api/v1/gateway-payments/{payment.reference}"
    assert client.get(url, headers=bearer(buyer)).status_code == 403
    r = client.get(url, headers=bearer(make.user(name="Quản trị", admin=True)))
    assert r.status_code == 200 and r.get_json()["status"] == "created"
    assert gateways.calls[-1]["url"].endswith("/v2/gateway/api/query") and not gateways.calls[-1]["in_transaction"]
    assert statuses(order) == [st.PENDING_PAYMENT]
