"""The shipments API: the seller's CRUD, carrier updates, remittance, label PDF; public tracking JSON."""
from marketplace.extensions import db
from marketplace.orders import status as st
from marketplace.orders.models import StallOrder
from tests.factories import bearer


def test_seller_crud_events_and_tracking(client, make):
    so = make.confirmed_order(make.product(price=120_000))
    headers = bearer(so.stall.owner)
    r = client.post("/api/v1/stall/shipments", json={"stall_order_code": so.code, "tracking_number": "EL491610888VN"},
                    headers=headers)
    assert r.status_code == 422 and "chữ số kiểm tra" in r.get_json()["error"]["fields"]["tracking_number"]
    r = client.post("/api/v1/stall/shipments", json={"stall_order_code": so.code, "weight_grams": "heavy"}, headers=headers)
    assert r.status_code == 422 and "weight_grams" in r.get_json()["error"]["fields"]
    r = client.post("/api/v1/stall/shipments", json={"stall_order_code": so.code, "service": "express"}, headers=headers)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    code = body["code"]
    assert body["cod_amount"] == so.total and body["weight_grams"] == 1000 and body["status"] == "created"
    assert body["tracking_url"].endswith(f"/track/{code}")
    assert client.post("/api/v1/stall/shipments", json={"stall_order_code": so.code}, headers=headers).status_code == 409

    r = client.patch(f"/api/v1/stall/shipments/{code}", json={"tracking_number": "EL491610889VN", "allow_inspection": False},
                     headers=headers)
    assert r.status_code == 200 and r.get_json()["barcode"] == "EL491610889VN" and r.get_json()["allow_inspection"] is False
    assert client.get("/api/v1/stall/shipments", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/stall/shipments/EL491610889VN", headers=headers).get_json()["code"] == code

    r = client.get(f"/api/v1/stall/shipments/{code}/label.pdf?format=a6", headers=headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert client.post(f"/api/v1/stall/shipments/{code}/events", json={"kind": "lost"}, headers=headers).status_code == 422
    for kind in ("accepted", "delivered"):
        assert client.post(f"/api/v1/stall/shipments/{code}/events", json={"kind": kind}, headers=headers).status_code == 201
    assert db.session.get(StallOrder, so.id).status == st.DELIVERED
    r = client.post(f"/api/v1/stall/shipments/{code}/remittance", json={"amount": "lots"}, headers=headers)
    assert r.status_code == 422
    r = client.post(f"/api/v1/stall/shipments/{code}/remittance", json={"amount": so.total}, headers=headers)
    assert r.status_code == 200 and r.get_json()["cod_remitted_amount"] == so.total
    assert client.delete(f"/api/v1/stall/shipments/{code}", headers=headers).status_code == 409

    tracking = client.get("/api/v1/track/EL491610889VN").get_json()
    assert tracking["status"] == "delivered" and [e["kind"] for e in tracking["events"]] == ["created", "accepted", "delivered"]
    assert tracking["events"][0]["at"].endswith("Z")
    assert client.get("/api/v1/track/EL000000000VN").status_code == 404


def test_a_shipment_made_by_mistake_can_be_withdrawn(client, make):
    so = make.confirmed_order()
    shipment = make.shipment(so)
    headers = bearer(so.stall.owner)
    assert client.delete(f"/api/v1/stall/shipments/{shipment.code}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/stall/shipments/{shipment.code}", headers=headers).status_code == 404
    assert client.post("/api/v1/stall/shipments", json={"stall_order_code": so.code}, headers=headers).status_code == 201
