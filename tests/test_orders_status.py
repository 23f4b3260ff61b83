"""The stall order state machine, the seller's actions, manual "đã nhận tiền" and expiry."""
from datetime import timedelta

import pytest

from marketplace.catalog.models import Product
from marketplace.core.audit import AuditEntry
from marketplace.core.errors import Conflict, ValidationError
from marketplace.core.timeutil import utcnow
from marketplace.extensions import db
from marketplace.orders import fulfilment, status as st
from marketplace.orders.models import StallOrder
from marketplace.payments import services as payments
from marketplace.payments.models import PaymentEvent
from marketplace.shipping import services as shipping
from tests.conftest import login


def stock(product) -> int:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock_milli


@pytest.fixture
def cod_order(make):
    product = make.product(stock_milli=10_000)
    order = make.order(make.user(), [(product, 2000)], methods={product.stall_id: "cod"})
    return order.stall_orders[0], product


def test_illegal_transitions_are_refused(make, cod_order):
    so, _ = cod_order
    assert so.status == st.PLACED
    for target in (st.PAID, st.SHIPPED, st.DELIVERED, st.COMPLETED, st.REFUNDED, st.EXPIRED):
        with pytest.raises(Conflict):
            st.set_status(so, target)
    db.session.rollback()
    assert db.session.get(StallOrder, so.id).status == st.PLACED


def test_every_status_is_in_the_table():
    reachable = {s for targets in st.TRANSITIONS.values() for s in targets}
    assert reachable <= set(st.TRANSITIONS) and set(st.TRANSITIONS) == set(st.LABELS)


def test_cod_flow_to_delivered_records_cash(make, cod_order):
    so, _ = cod_order
    seller = so.stall.owner
    for action in ("confirm", "pack"):
        fulfilment.seller_action(seller, so.code, action)
    # Shipping and delivery go through the stall order's shipment.
    shipment = shipping.create_shipment(seller, so.code, {"tracking_number": "EL491610889VN"})
    shipping.add_event(seller, shipment.code, "accepted")
    shipping.add_event(seller, shipment.code, "delivered")
    db.session.expire_all()
    so = db.session.get(StallOrder, so.id)
    assert so.status == st.DELIVERED and so.tracking_number == "EL491610889VN" and so.paid_amount == so.total
    assert [h.to_status for h in so.history] == [st.PLACED, st.CONFIRMED, st.PACKED, st.SHIPPED, st.DELIVERED]
    assert db.session.query(PaymentEvent).filter_by(kind="cash_collected").one().amount == so.total
    with pytest.raises(Conflict):
        fulfilment.seller_action(seller, so.code, "cancel", reason="đổi ý")


def test_cancel_needs_reason_returns_stock_and_is_audited(make, cod_order):
    so, product = cod_order
    assert stock(product) == 8000
    with pytest.raises(ValidationError):
        fulfilment.seller_action(so.stall.owner, so.code, "cancel", reason="  ")
    fulfilment.seller_action(so.stall.owner, so.code, "cancel", reason="Hết vải chín")
    assert stock(product) == 10_000
    assert db.session.get(StallOrder, so.id).cancel_reason == "Hết vải chín"
    assert db.session.query(AuditEntry).filter_by(action="stall_order.cancel").count() == 1


def test_manual_received_checks_amount_and_audits(make):
    product = make.product(price=40000)
    so = make.order(make.user(), [(product, 1000)]).stall_orders[0]
    seller = so.stall.owner
    with pytest.raises(ValidationError):
        payments.mark_received(seller, so.code, so.total - 1)
    payments.mark_received(seller, so.code, so.total)
    db.session.expire_all()
    so = db.session.get(StallOrder, so.id)
    assert so.status == st.PAID and so.paid_amount == so.total
    assert db.session.query(AuditEntry).filter_by(action="payment.manual_received").count() == 1
    assert db.session.query(PaymentEvent).filter_by(provider="manual").count() == 1
    with pytest.raises(Conflict):
        payments.mark_received(seller, so.code, so.total)
    # A paid order cancelled by the seller waits for a refund; its stock returns.
    fulfilment.seller_action(seller, so.code, "cancel", reason="Không giao được")
    assert db.session.get(StallOrder, so.id).status == st.REFUND_PENDING
    assert stock(product) == 100_000


def test_seller_pages_and_actions(client, make, cod_order):
    so, _ = cod_order
    login(client, so.stall.owner)
    page = client.get("/gian-hang-cua-toi/don-hang").get_data(as_text=True)
    assert so.code in page and "1 mới" in page
    assert "Xác nhận đơn" in client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").get_data(as_text=True)
    r = client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/confirm")
    assert r.status_code == 302 and db.session.get(StallOrder, so.id).status == st.CONFIRMED
    r = client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/refund", follow_redirects=True)
    assert "Không thể chuyển" in r.get_data(as_text=True)
    assert "Tạo vận đơn" in r.get_data(as_text=True)  # shipping is where a confirmed order goes next
    assert client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/explode").status_code == 302


def test_buyer_sees_seller_changes(client, make):
    product = make.product()
    buyer = make.user()
    order = make.order(buyer, [(product, 1000)], methods={product.stall_id: "cod"})
    fulfilment.seller_action(product.stall.owner, order.stall_orders[0].code, "confirm")
    login(client, buyer)
    page = client.get(f"/don-hang/{order.code}").get_data(as_text=True)
    assert "Đã xác nhận" in page and "Chờ xác nhận" in page  # the timeline


def test_expiry_returns_stock_is_idempotent_and_runs_from_cli(app, make):
    product = make.product(stock_milli=10_000)
    so = make.order(make.user(), [(product, 3000)]).stall_orders[0]
    assert stock(product) == 7000
    assert st.expire_overdue() == 0  # not due yet
    db.session.execute(db.update(StallOrder).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert "expired 1" in result.output
    assert st.expire_overdue() == 0
    assert stock(product) == 10_000
    assert db.session.get(StallOrder, so.id).status == st.EXPIRED
    assert db.session.query(PaymentEvent).filter_by(kind="expired").count() == 1


def test_expiry_applies_lazily_on_the_order_page(client, make):
    product = make.product(stock_milli=10_000)
    buyer = make.user()
    order = make.order(buyer, [(product, 1000)])
    db.session.execute(db.update(StallOrder).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    login(client, buyer)
    assert "Quá hạn thanh toán" in client.get(f"/don-hang/{order.code}").get_data(as_text=True)
    assert stock(product) == 10_000


def test_seller_is_notified_after_commit(app, make):
    sent = []

    class Capture:
        def send(self, to, subject, body):
            sent.append((to, subject, body))

    app.extensions["notifier"] = Capture()
    try:
        stall_owner = make.user(name="Chủ gian")
        stall_owner.email = "tiep@example.vn"
        db.session.commit()
        product = make.product(stall_obj=make.stall(owner=stall_owner))
        so = make.order(make.user(), [(product, 1000)]).stall_orders[0]
    finally:
        app.extensions.pop("notifier")
    assert sent and sent[0][0] == "tiep@example.vn" and so.code in sent[0][1]


def test_demo_orders(make):
    from marketplace.orders.demo import seed_demo

    p1, p2 = make.product(), make.product(name="Mật ong", unit="hu")
    codes = seed_demo({"products": [p1, p2], "stalls": [p1.stall, p2.stall], "users": {}})
    assert set(codes) == {"mixed", "waiting", "expired"}
    statuses = sorted(so.status for so in db.session.query(StallOrder))
    # The COD stall order waits packed for its shipment (tests/test_shipping_flow.py sends it).
    assert statuses == sorted([st.PAID, st.PACKED, st.PENDING_PAYMENT, st.EXPIRED])


def test_buyer_cancels_unconfirmed_and_confirms_received(client, make):
    product = make.product(stock_milli=10_000)
    buyer = make.user()
    order = make.order(buyer, [(product, 2000)])
    so = order.stall_orders[0]
    login(client, buyer)
    r = client.post(f"/don-hang/{order.code}/{so.code}/cancel")
    assert r.status_code == 302 and db.session.get(StallOrder, so.id).status == st.CANCELLED
    assert stock(product) == 10_000
    assert db.session.query(PaymentEvent).filter_by(kind="cancelled_unpaid").count() == 1

    cod = make.order(buyer, [(product, 1000)], methods={product.stall_id: "cod"}).stall_orders[0]
    seller = product.stall.owner
    fulfilment.seller_action(seller, cod.code, "confirm")
    r = client.post(f"/don-hang/{cod.order.code}/{cod.code}/cancel", follow_redirects=True)
    assert "liên hệ người bán" in r.get_data(as_text=True)
    shipment = shipping.create_shipment(seller, cod.code, {})
    shipping.add_event(seller, shipment.code, "delivered")  # self delivery: handed to the buyer
    client.post(f"/don-hang/{cod.order.code}/{cod.code}/received")
    db.session.expire_all()
    assert db.session.get(StallOrder, cod.id).status == st.COMPLETED


def test_stranger_cannot_act_on_an_order(client, make):
    product = make.product()
    order = make.order(make.user(), [(product, 1000)])
    so = order.stall_orders[0]
    login(client, make.user(name="Người lạ"))
    assert client.post(f"/don-hang/{order.code}/{so.code}/cancel").status_code == 404
    assert db.session.get(StallOrder, so.id).status == st.PENDING_PAYMENT


def test_refund_after_paid_cancel_is_audited(make):
    product = make.product()
    so = make.order(make.user(), [(product, 1000)]).stall_orders[0]
    seller = so.stall.owner
    payments.mark_received(seller, so.code, so.total)
    fulfilment.seller_action(seller, so.code, "cancel", reason="Mất mùa")
    fulfilment.seller_action(seller, so.code, "refund")
    assert db.session.get(StallOrder, so.id).status == st.REFUNDED
    assert db.session.query(AuditEntry).filter_by(action="stall_order.refund").count() == 1
    assert db.session.query(PaymentEvent).filter_by(kind="refunded").count() == 1


def test_seller_sees_the_full_delivery_address(client, make, cod_order):
    so, _ = cod_order
    login(client, so.stall.owner)
    page = client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").get_data(as_text=True)
    assert f"Số 1, thôn Đồng, {so.stall.commune.name}, {so.stall.commune.province_name}" in page
