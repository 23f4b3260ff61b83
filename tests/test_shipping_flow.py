"""From a confirmed order to delivered: shipment prefilled from the order, label, carrier updates
moving the stall order, COD cash and its remittance, returns and cancellations."""
import io

import pytest
from pypdf import PdfReader

from marketplace.catalog.models import Product
from marketplace.core.audit import AuditEntry
from marketplace.core.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.orders import fulfilment, status as st
from marketplace.orders.models import StallOrder
from marketplace.payments.models import PaymentEvent
from marketplace.shipping import services as shipping
from marketplace.shipping.models import Shipment
from tests.conftest import login


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "label.pdf"
    path.write_bytes(data)
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_shipment_is_prefilled_from_the_order(make):
    product = make.product(price=60000, weight_grams=1200)
    so = make.confirmed_order(product, quantity_milli=2500)
    shipment = make.shipment(so)
    assert shipment.weight_grams == 3000  # 2.5 kg of 1.2 kg units
    assert shipment.cod_amount == so.total and shipment.carrier == "vnpost" and shipment.allow_inspection
    assert "Vải thiều Phúc Hòa 2,5 kg" in shipment.content
    assert shipment.code.startswith("VD") and shipment.tracking_number == "" and shipment.barcode_value == shipment.code
    paid = make.confirmed_order(make.product(name="Mật ong"), cod=False)
    assert make.shipment(paid).cod_amount == 0  # already paid by VietQR: nothing to collect


def test_only_confirmed_orders_and_only_once(make):
    product = make.product()
    placed = make.order(make.user(), [(product, 1000)], methods={product.stall_id: "cod"}).stall_orders[0]
    with pytest.raises(Conflict):
        shipping.create_shipment(product.stall.owner, placed.code, {})
    so = make.confirmed_order(product)
    make.shipment(so)
    with pytest.raises(Conflict):
        shipping.create_shipment(product.stall.owner, so.code, {})


def test_wrong_vnpost_check_digit_is_refused_with_a_clear_message(make):
    so = make.confirmed_order()
    with pytest.raises(ValidationError) as err:
        make.shipment(so, tracking_number="EL491610888VN")
    assert "chữ số kiểm tra" in str(err.value.fields["tracking_number"])
    with pytest.raises(ValidationError) as err:
        make.shipment(so, weight_grams=0, cod_amount=-5, carrier="dhl", content=" ")
    assert set(err.value.fields) == {"weight_grams", "cod_amount", "carrier", "content"}
    shipment = make.shipment(so)
    with pytest.raises(ValidationError):
        shipping.set_tracking_number(so.stall.owner, shipment.code, "EL491610888VN")
    shipping.set_tracking_number(so.stall.owner, shipment.code, "el 4916 1088 9vn")
    assert fresh(Shipment, shipment.id).tracking_number == "EL491610889VN"
    other = make.confirmed_order(make.product(stall_obj=so.stall, name="Nhãn"))
    with pytest.raises(Conflict):  # one number, one parcel
        make.shipment(other, tracking_number="EL491610889VN")


def test_full_flow_on_the_seller_pages(client, make, tmp_path):
    product = make.product(price=350_000, name="Vải thiều Phúc Hòa")
    buyer = make.user(name="Nguyễn Thị Hương")
    order = make.order(buyer, [(product, 1000)], methods={product.stall_id: "cod"}, name="Nguyễn Thị Hương")
    so = order.stall_orders[0]
    seller = product.stall.owner
    login(client, seller)
    client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/confirm")
    page = client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").get_data(as_text=True)
    assert f"/gian-hang-cua-toi/don-hang/{so.code}/van-don" in page
    form = client.get(f"/gian-hang-cua-toi/don-hang/{so.code}/van-don").get_data(as_text=True)
    assert 'value="350000"' in form and 'value="1000"' in form  # COD and weight prefilled

    r = client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/van-don", data={
        "carrier": "vnpost", "service": "standard", "tracking_number": "EL491610888VN", "weight_grams": "1000",
        "cod_amount": "350000", "allow_inspection": "y", "freight_payer": "sender", "content": "Vải thiều 1 kg"})
    assert r.status_code == 200 and "chữ số kiểm tra" in r.get_data(as_text=True)
    assert 'value="Vải thiều 1 kg"' in r.get_data(as_text=True)  # the input is kept
    r = client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/van-don", data={
        "carrier": "vnpost", "service": "express", "tracking_number": "", "weight_grams": "1000",
        "cod_amount": "350000", "allow_inspection": "y", "freight_payer": "sender", "content": "Vải thiều 1 kg"})
    shipment = db.session.query(Shipment).one()
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/gian-hang-cua-toi/van-don/{shipment.code}")

    label = client.get(f"/van-don/{shipment.code}/label.pdf?format=a6")
    assert label.status_code == 200 and label.mimetype == "application/pdf"
    text = pdf_text(label.data, tmp_path)
    assert "Nguyễn Thị Hương" in text and "350.000 ₫" in text and shipment.code in text
    assert so.order.full_address.split(", ")[-1] in text  # the province
    assert client.get(f"/van-don/{shipment.code}/label.pdf?format=letter").status_code == 422

    client.post(f"/gian-hang-cua-toi/van-don/{shipment.code}/cap-nhat", data={"kind": "accepted", "note": "Bưu cục xã"})
    assert fresh(StallOrder, so.id).status == st.SHIPPED and fresh(StallOrder, so.id).tracking_number == shipment.code
    r = client.post(f"/gian-hang-cua-toi/van-don/{shipment.code}/ma-van-don", data={"tracking_number": "EL491610888VN"},
                    follow_redirects=True)
    assert "chữ số kiểm tra" in r.get_data(as_text=True)
    client.post(f"/gian-hang-cua-toi/van-don/{shipment.code}/ma-van-don", data={"tracking_number": "EL491610889VN"})
    assert fresh(StallOrder, so.id).tracking_number == "EL491610889VN"
    for kind in ("in_transit", "out_for_delivery"):
        client.post(f"/gian-hang-cua-toi/van-don/{shipment.code}/cap-nhat", data={"kind": kind})
    assert fresh(StallOrder, so.id).status == st.SHIPPED
    client.post(f"/gian-hang-cua-toi/van-don/EL491610889VN/cap-nhat", data={"kind": "delivered"})
    so = fresh(StallOrder, so.id)
    assert so.status == st.DELIVERED and so.paid_amount == 350_000  # COD: delivered = cash collected
    assert [h.to_status for h in so.history] == [st.PLACED, st.CONFIRMED, st.PACKED, st.SHIPPED, st.DELIVERED]
    assert db.session.query(PaymentEvent).filter_by(kind="cash_collected").one().amount == 350_000
    assert [e.kind for e in fresh(Shipment, shipment.id).events] == ["accepted", "in_transit", "out_for_delivery", "delivered"]

    r = client.post(f"/gian-hang-cua-toi/van-don/{shipment.code}/cap-nhat", data={"kind": "returned"}, follow_redirects=True)
    assert "Không thể ghi" in r.get_data(as_text=True) and fresh(StallOrder, so.id).status == st.DELIVERED
    client.post(f"/gian-hang-cua-toi/van-don/{shipment.code}/doi-soat", data={"amount": "350000"})
    assert fresh(Shipment, shipment.id).cod_remitted_amount == 350_000
    with pytest.raises(Conflict):
        shipping.record_remittance(seller, shipment.code, 350_000)
    actions = {a for (a,) in db.session.query(AuditEntry.action)}
    assert {"shipment.create", "shipment.cod_collected", "shipment.cod_remitted"} <= actions

    login(client, buyer)
    page = client.get(f"/don-hang/{order.code}").get_data(as_text=True)
    assert "/track/EL491610889VN" in page and "Đã giao hàng" in page


def test_returned_parcel_cancels_or_refunds_and_restocks(make):
    product = make.product(stock_milli=10_000)
    cod = make.confirmed_order(product, quantity_milli=2000)
    shipment = make.shipment(cod)
    seller = product.stall.owner
    with pytest.raises(Conflict):  # not handed over yet: nothing to return
        shipping.add_event(seller, shipment.code, "returned")
    shipping.add_event(seller, shipment.code, "accepted")
    with pytest.raises(Conflict):  # on its way: only its shipment can record a return
        fulfilment.seller_action(seller, cod.code, "cancel", reason="đổi ý")
    shipping.add_event(seller, shipment.code, "returned")
    assert fresh(StallOrder, cod.id).status == st.CANCELLED and fresh(Product, product.id).stock_milli == 10_000  # the goods came back

    paid = make.confirmed_order(product, cod=False)
    paid_shipment = make.shipment(paid)
    shipping.add_event(seller, paid_shipment.code, "in_transit")
    shipping.add_event(seller, paid_shipment.code, "returned")
    assert fresh(StallOrder, paid.id).status == st.REFUND_PENDING
    assert fresh(Shipment, paid_shipment.id).status == "returned"


def test_cancelled_order_voids_its_waiting_shipment_and_edits_stop_at_hand_over(make):
    so = make.confirmed_order()
    shipment = make.shipment(so)
    seller = so.stall.owner
    shipping.update_shipment(seller, shipment.code, {"weight_grams": 2500, "cod_amount": 0})
    assert fresh(Shipment, shipment.id).weight_grams == 2500
    assert db.session.query(AuditEntry).filter_by(action="shipment.cod_change").count() == 1
    shipping.add_event(seller, shipment.code, "accepted")
    with pytest.raises(Conflict):
        shipping.update_shipment(seller, shipment.code, {"cod_amount": 5})
    with pytest.raises(Conflict):
        shipping.delete_shipment(seller, shipment.code)

    other = make.confirmed_order(make.product(stall_obj=so.stall, name="Nhãn lồng"))
    waiting = make.shipment(other)
    fulfilment.seller_action(seller, other.code, "cancel", reason="Hết hàng")
    assert fresh(Shipment, waiting.id).status == "cancelled"
    with pytest.raises(Conflict):
        shipping.add_event(seller, waiting.code, "accepted")


def test_batch_print_of_the_days_shipments(client, make):
    so = make.confirmed_order()
    stall = so.stall
    shipments = [make.shipment(so)] + [make.shipment(make.confirmed_order(make.product(stall_obj=stall, name=f"Gạo {n}")))
                                       for n in range(4)]
    login(client, stall.owner)
    page = client.get("/gian-hang-cua-toi/van-don").get_data(as_text=True)
    assert all(s.code in page for s in shipments)
    query = "&".join(f"code={s.code}" for s in shipments)
    r = client.get(f"/gian-hang-cua-toi/van-don/in-nhan?{query}&format=a4x4")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(r.data)).pages) == 2  # 5 labels, 4 per A4 page
    assert client.get("/gian-hang-cua-toi/van-don/in-nhan").status_code == 422


def test_demo_sends_and_delivers_the_demo_cod_order(make):
    from marketplace.orders.demo import seed_demo as seed_orders
    from marketplace.shipping.demo import seed_demo as seed_shipping

    p1, p2 = make.product(), make.product(name="Mật ong", unit="hu")
    created = {"products": [p1, p2], "stalls": [p1.stall, p2.stall], "users": {}}
    seed_orders(created)
    made = seed_shipping(created)
    assert set(made) == {"delivered", "waiting"}
    statuses = sorted(so.status for so in db.session.query(StallOrder))
    assert statuses == sorted([st.CONFIRMED, st.DELIVERED, st.PENDING_PAYMENT, st.EXPIRED])
    delivered = db.session.query(Shipment).filter_by(tracking_number=made["delivered"]).one()
    assert delivered.cod_remitted_amount == delivered.cod_amount > 0
    assert seed_shipping(created) == {}  # a second run makes nothing


def test_racing_delivered_updates_record_one_delivery(app, make):
    from marketplace.accounts.models import User
    from marketplace.shipping.models import TrackingEvent
    from tests.test_orders_concurrency import run_threads

    so = make.confirmed_order()
    shipment = make.shipment(so)
    shipping.add_event(so.stall.owner, shipment.code, "accepted")
    seller_id, code = so.stall.owner.id, shipment.code

    results = run_threads(app, 6, lambda i: shipping.add_event(db.session.get(User, seller_id), code, "delivered").status)
    assert [r for r in results if r[0] == "error"] == []
    assert sorted(r[0] for r in results) == ["conflict"] * 5 + ["ok"]
    db.session.expire_all()
    assert db.session.query(TrackingEvent).filter_by(kind="delivered").count() == 1
    assert db.session.query(PaymentEvent).filter_by(kind="cash_collected").count() == 1
    assert db.session.query(AuditEntry).filter_by(action="shipment.cod_collected").count() == 1


def test_racing_creates_make_one_shipment(app, make):
    from marketplace.accounts.models import User
    from tests.test_orders_concurrency import run_threads

    so = make.confirmed_order()
    seller_id, code = so.stall.owner.id, so.code
    results = run_threads(app, 5, lambda i: shipping.create_shipment(db.session.get(User, seller_id), code, {}).code)
    assert [r for r in results if r[0] == "error"] == []
    assert sorted(r[0] for r in results) == ["conflict"] * 4 + ["ok"]
    db.session.expire_all()
    assert db.session.query(Shipment).count() == 1
    assert db.session.query(AuditEntry).filter_by(action="shipment.create").count() == 1
