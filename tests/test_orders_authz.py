"""Who may see and act on which order: buyers, guests (code + phone), sellers, anonymous."""
import pytest
from flask import g

from marketplace.accounts import services as accounts
from marketplace.extensions import db
from marketplace.orders.models import StallOrder
from tests.conftest import login


def as_user(client, user):
    g.pop("_login_user", None)  # requests share the test's app context, and with it flask.g
    login(client, user)


def bearer(user) -> dict:
    g.pop("api_user", None)
    return {"Authorization": f"Bearer {accounts.issue_token(user, 'test')}"}


@pytest.fixture
def setup(make):
    product = make.product(price=30000)
    buyer, other = make.user(name="Người mua"), make.user(name="Người khác")
    order = make.order(buyer, [(product, 1000)], phone="0912 000 111")
    other_stall = make.stall(owner=make.user(name="Người bán khác"))
    return {"order": order, "so": order.stall_orders[0], "buyer": buyer, "other": other,
            "seller": product.stall.owner, "other_seller": other_stall.owner}


def test_buyer_cannot_see_another_buyers_order(client, setup):
    order = setup["order"]
    as_user(client, setup["other"])
    r = client.get(f"/don-hang/{order.code}")
    assert r.status_code == 404 and order.name not in r.get_data(as_text=True)
    so = setup["so"]
    assert client.get(f"/don-hang/{order.code}/qr/{so.code}.png").status_code == 404
    assert client.get(f"/api/v1/orders/{order.code}", headers=bearer(setup["other"])).status_code == 404
    as_user(client, setup["buyer"])
    assert client.get(f"/don-hang/{order.code}").status_code == 200
    assert client.get(f"/api/v1/orders/{order.code}", headers=bearer(setup["buyer"])).status_code == 200


def test_my_orders_lists_only_mine(client, setup, make):
    as_user(client, setup["other"])
    assert setup["order"].code not in client.get("/don-hang-cua-toi").get_data(as_text=True)
    as_user(client, setup["buyer"])
    assert setup["order"].code in client.get("/don-hang-cua-toi").get_data(as_text=True)
    assert client.get("/api/v1/orders", headers=bearer(setup["other"])).get_json()["total"] == 0


def test_guest_needs_code_and_phone(client, setup):
    order = setup["order"]
    assert client.get(f"/don-hang/{order.code}").status_code == 404
    r = client.post(f"/don-hang/{order.code}", data={"code": order.code, "phone": "0912 999 999"})
    assert "không đúng" in r.get_data(as_text=True)
    assert client.get(f"/don-hang/{order.code}").status_code == 404
    r = client.post("/tra-cuu-don-hang", data={"code": order.code.lower(), "phone": "+84 912 000 111"})
    assert r.status_code == 302
    assert client.get(f"/don-hang/{order.code}").status_code == 200
    assert client.get(f"/api/v1/orders/{order.code}?phone=0912000111").status_code == 200
    assert client.get(f"/api/v1/orders/{order.code}?phone=0912000112").status_code == 404


def test_seller_sees_only_their_stall_orders(client, setup):
    so = setup["so"]
    as_user(client, setup["other_seller"])
    assert so.code not in client.get("/gian-hang-cua-toi/don-hang").get_data(as_text=True)
    assert client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").status_code == 404
    assert client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/cancel", data={"reason": "x"}).status_code == 404
    assert client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/da-nhan-tien", data={"amount": so.total}).status_code == 404
    headers = bearer(setup["other_seller"])
    assert client.get(f"/api/v1/stall/orders/{so.code}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/stall/orders/{so.code}/received", json={"amount": so.total}, headers=headers).status_code == 404
    assert client.get("/api/v1/stall/orders", headers=headers).get_json()["total"] == 0
    db.session.expire_all()
    assert db.session.get(StallOrder, so.id).status == "pending_payment"
    as_user(client, setup["seller"])
    assert client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").status_code == 200
    r = client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/da-nhan-tien", data={"amount": f"{so.total:,}".replace(",", ".")})
    assert r.status_code == 302 and db.session.get(StallOrder, so.id).status == "paid"


def test_buyer_without_stall_has_no_seller_pages(client, setup):
    as_user(client, setup["buyer"])
    assert client.get("/gian-hang-cua-toi/don-hang").status_code == 404
    assert client.get("/api/v1/stall/orders", headers=bearer(setup["buyer"])).status_code == 404


def test_anonymous_is_sent_to_login(client, setup):
    so = setup["so"]
    for path in ("/don-hang-cua-toi", "/gian-hang-cua-toi/don-hang", f"/gian-hang-cua-toi/don-hang/{so.code}",
                 "/gian-hang-cua-toi/phi-giao-hang", "/thanh-toan-can-xu-ly"):
        assert client.get(path).status_code == 302, path
    assert client.post(f"/gian-hang-cua-toi/don-hang/{so.code}/confirm").status_code == 302
    for path in ("/api/v1/cart", "/api/v1/orders", "/api/v1/stall/orders"):
        assert client.get(path).status_code == 401, path


def test_payment_events_visible_to_own_seller_and_commune_officer_only(client, make, setup):
    from marketplace.payments.models import PaymentEvent

    db.session.add(PaymentEvent(provider="sepay", event_id="1", kind="transfer_in", outcome="unknown_code",
                                stall_id=setup["so"].stall_id, amount=1000, content="tien vai XYZ"))
    db.session.commit()
    as_user(client, setup["seller"])
    assert "tien vai XYZ" in client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)
    as_user(client, setup["other"])
    assert "tien vai XYZ" not in client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)
    as_user(client, make.officer(make.commune()))
    assert "tien vai XYZ" in client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)
    as_user(client, make.officer(make.commune(name_contains="Tân Yên"), name="Cán bộ xã khác"))
    assert "tien vai XYZ" not in client.get("/thanh-toan-can-xu-ly").get_data(as_text=True)
