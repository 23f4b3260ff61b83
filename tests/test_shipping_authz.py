"""Who may do what with a shipment: its seller everything; officers of the stall's commune print
labels read-only; other sellers, other officers, buyers and anonymous visitors nothing but the
public tracking page. The tracking page shows no personal data."""
import pytest

from marketplace.extensions import db
from marketplace.shipping.models import Shipment
from tests.conftest import login
from tests.factories import bearer


@pytest.fixture
def setup(make):
    so = make.confirmed_order(buyer=make.user(name="Lê Thị Mai"), name="Lê Thị Mai", phone="0987 654 321",
                              address_line="Số 12 ngõ 34 thôn Hạ")
    shipment = make.shipment(so, note="Gọi trước khi giao")
    other_commune = make.commune("Láng")
    return {
        "so": so, "shipment": shipment, "seller": so.stall.owner, "buyer": so.order.buyer,
        "other_seller": make.stall(commune_obj=other_commune, name="Gian khác").owner,
        "officer": make.officer(so.stall.commune), "other_officer": make.officer(other_commune, name="Cán bộ Láng"),
    }


def seller_urls(s):
    code = s["shipment"].code
    return [("get", f"/gian-hang-cua-toi/van-don/{code}"), ("post", f"/gian-hang-cua-toi/van-don/{code}"),
            ("post", f"/gian-hang-cua-toi/van-don/{code}/cap-nhat"), ("post", f"/gian-hang-cua-toi/van-don/{code}/ma-van-don"),
            ("post", f"/gian-hang-cua-toi/van-don/{code}/doi-soat"), ("post", f"/gian-hang-cua-toi/van-don/{code}/xoa"),
            ("get", f"/gian-hang-cua-toi/van-don/in-nhan?code={code}"),
            ("get", f"/gian-hang-cua-toi/don-hang/{s['so'].code}/van-don")]


def test_owner_may_do_everything(client, setup):
    login(client, setup["seller"])
    for method, url in seller_urls(setup)[:1] + seller_urls(setup)[6:]:
        assert getattr(client, method)(url).status_code in (200, 302), url
    assert client.get(f"/van-don/{setup['shipment'].code}/label.pdf").status_code == 200


@pytest.mark.parametrize("who,label_status", [("other_seller", 403), ("officer", 200), ("other_officer", 403), ("buyer", 403)])
def test_others_get_nothing_but_officers_of_the_commune_read_labels(client, setup, who, label_status):
    login(client, setup[who])
    for method, url in seller_urls(setup):
        assert getattr(client, method)(url, data={"kind": "accepted", "tracking_number": "EL491610889VN",
                                                  "amount": "1"}).status_code == 404, (who, url)
    assert client.get(f"/van-don/{setup['shipment'].code}/label.pdf").status_code == label_status
    shipment = db.session.get(Shipment, setup["shipment"].id)
    assert shipment.status == "created" and shipment.tracking_number == "" and not shipment.events
    assert client.get(f"/track/{shipment.code}").status_code == 200


def test_anonymous_is_sent_to_login_but_may_track(client, setup):
    code = setup["shipment"].code
    for method, url in seller_urls(setup) + [("get", f"/van-don/{code}/label.pdf")]:
        r = getattr(client, method)(url)
        assert r.status_code in (302, 400) and "/dang-nhap" in r.headers.get("Location", "/dang-nhap"), url
    assert client.get(f"/track/{code}").status_code == 200
    assert client.get("/track/VD00000000X").status_code == 404


def test_api_matrix(client, setup):
    code = setup["shipment"].code
    assert client.get(f"/api/v1/stall/shipments/{code}").status_code == 401
    assert client.get(f"/api/v1/stall/shipments/{code}/label.pdf").status_code == 401
    for who in ("other_seller", "buyer", "officer"):
        headers = bearer(setup[who])
        assert client.get(f"/api/v1/stall/shipments/{code}", headers=headers).status_code == 404
        assert client.patch(f"/api/v1/stall/shipments/{code}", json={"cod_amount": 1}, headers=headers).status_code == 404
        assert client.post(f"/api/v1/stall/shipments/{code}/events", json={"kind": "accepted"}, headers=headers).status_code == 404
        assert client.delete(f"/api/v1/stall/shipments/{code}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/stall/shipments/{code}/label.pdf", headers=bearer(setup["officer"])).status_code == 200
    assert client.get(f"/api/v1/stall/shipments/{code}/label.pdf", headers=bearer(setup["other_officer"])).status_code == 403
    r = client.post("/api/v1/stall/shipments", json={"stall_order_code": setup["so"].code}, headers=bearer(setup["other_seller"]))
    assert r.status_code == 404
    assert client.get(f"/api/v1/track/{code}").status_code == 200


def test_tracking_page_and_json_leak_no_personal_data(client, setup, make):
    so, shipment, seller = setup["so"], setup["shipment"], setup["seller"]
    from marketplace.shipping import services as shipping

    shipping.add_event(seller, shipment.code, "accepted", note="Anh Tiệp gửi ở bưu cục, SĐT 0912345678")
    page = client.get(f"/track/{shipment.code}").get_data(as_text=True)
    body = client.get(f"/api/v1/track/{shipment.code}").get_data(as_text=True)
    from marketplace.core.phone import display_phone

    private = ["Lê Thị Mai", "0987", "987654321", display_phone(so.order.phone), "Số 12 ngõ 34", "thôn Hạ",
               "Gọi trước khi giao", "Anh Tiệp", "0912345678", so.stall.household_name, so.stall.phone[3:],
               so.order.code, so.code]
    import json
    raw_json = json.loads(body)
    flat = json.dumps(raw_json, ensure_ascii=False)
    for secret in private:
        assert secret not in page and secret not in flat, secret
    commune = so.stall.commune
    assert commune.name in page and commune.province_name in page
    assert "Bưu cục đã nhận hàng" in page and raw_json["status"] == "accepted"
    assert set(raw_json["to"]) == {"commune", "province"}
