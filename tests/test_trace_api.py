"""JSON API for traceability: owner CRUD, stamps, sheet PDF, public GET /trace/{code}."""
from datetime import date

from flask import g

from marketplace.accounts import services as accounts
from marketplace.catalog.models import Certification
from marketplace.extensions import db


def _auth(user):
    return {"Authorization": f"Bearer {accounts.issue_token(user, 'test')}"}


def test_owner_batch_and_event_crud(client, make):
    product = make.product()
    cert = Certification(product=product, kind="vietgap", number="VG-1")
    db.session.add(cert)
    db.session.commit()
    h = _auth(product.stall.owner)
    r = client.post("/api/v1/trace/batches", headers=h, json={
        "product_id": product.id, "harvested_on": "2026-06-01", "quantity_milli": 1500,
        "certification_ids": [cert.id], "latitude": 21.3, "longitude": 106.5})
    assert r.status_code == 201, r.get_json()
    batch = r.get_json()
    assert batch["code"] == "260601" and batch["quantity_milli"] == 1500 and batch["certification_ids"] == [cert.id]
    bid = batch["id"]
    r = client.patch(f"/api/v1/trace/batches/{bid}", headers=h, json={"place": "Vườn đồi"})
    assert r.status_code == 200 and r.get_json()["place"] == "Vườn đồi" and r.get_json()["quantity_milli"] == 1500
    r = client.post(f"/api/v1/trace/batches/{bid}/events", headers=h,
                    json={"kind": "harvested", "happened_on": "2026-06-01", "note": "Sáng sớm"})
    assert r.status_code == 201
    eid = r.get_json()["id"]
    r = client.patch(f"/api/v1/trace/batches/{bid}/events/{eid}", headers=h, json={"note": "Chiều"})
    assert r.status_code == 200 and r.get_json()["note"] == "Chiều" and r.get_json()["kind"] == "harvested"
    r = client.post(f"/api/v1/trace/batches/{bid}/events", headers=h, json={"kind": "flying", "happened_on": "x"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) >= {"kind", "happened_on"}
    assert [e["id"] for e in client.get(f"/api/v1/trace/batches/{bid}/events", headers=h).get_json()["items"]] == [eid]
    assert client.get("/api/v1/trace/batches", headers=h).get_json()["total"] == 1
    r = client.post(f"/api/v1/trace/batches/{bid}/stamps", headers=h, json={"count": 3})
    assert r.status_code == 201 and r.get_json() == {"first_serial": 1, "last_serial": 3, "stamp_count": 3}
    pdf = client.get(f"/api/v1/trace/batches/{bid}/stamps.pdf?layout=roll-40", headers=h)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/api/v1/trace/batches/{bid}/stamps.pdf?layout=nope", headers=h).status_code == 422
    assert client.delete(f"/api/v1/trace/batches/{bid}", headers=h).status_code == 409  # it has stamps
    assert client.delete(f"/api/v1/trace/batches/{bid}/events/{eid}", headers=h).status_code == 204


def test_public_trace_json_and_append_only(client, make):
    batch = make.batch(events=[("harvested", date(2026, 6, 1))], stamps=2)
    code = make.stamp_codes(batch)[1]
    r = client.get(f"/api/v1/trace/{code}")
    data = r.get_json()
    assert r.status_code == 200 and data["genuine"] is True
    assert data["stamp"]["serial"] == 1 and data["stamp"]["scan_count"] == 1
    assert data["batch"]["code"] == batch.code and data["origin"]["commune"] == batch.stall.commune.name
    assert data["events"][0]["kind"] == "harvested"
    assert client.get(f"/api/v1/trace/{code[:-1]}{'0' if code[-1] != '0' else '1'}").get_json() == {"genuine": False}
    h = _auth(batch.stall.owner)
    eid = data["events"][0]["id"]
    r = client.patch(f"/api/v1/trace/batches/{batch.id}/events/{eid}", headers=h, json={"note": "khác"})
    assert r.status_code == 409
    assert client.delete(f"/api/v1/trace/batches/{batch.id}/events/{eid}", headers=h).status_code == 409
    assert client.patch(f"/api/v1/trace/batches/{batch.id}", headers=h, json={"place": "khác"}).status_code == 409
    r = client.post(f"/api/v1/trace/batches/{batch.id}/events", headers=h,
                    json={"kind": "harvested", "happened_on": "2026-06-02", "corrects_id": eid})
    assert r.status_code == 201 and r.get_json()["corrects_id"] == eid
    scans = client.get(f"/api/v1/trace/batches/{batch.id}/scans", headers=h).get_json()
    assert scans["total"] == 1 and scans["latest"][0]["serial"] == 1


def test_api_authorization(client, make):
    batch = make.batch(events=[], stamps=1)
    other = _auth(make.stall(owner=make.user(name="Hộ khác")).owner)
    routes = [
        ("get", "/api/v1/trace/batches/{id}", None), ("patch", "/api/v1/trace/batches/{id}", {"place": "x"}),
        ("delete", "/api/v1/trace/batches/{id}", None), ("get", "/api/v1/trace/batches/{id}/events", None),
        ("post", "/api/v1/trace/batches/{id}/events", {"kind": "other", "happened_on": "2026-06-01"}),
        ("post", "/api/v1/trace/batches/{id}/stamps", {"count": 2}),
        ("get", "/api/v1/trace/batches/{id}/stamps.pdf", None), ("get", "/api/v1/trace/batches/{id}/scans", None),
    ]
    for method, url, body in routes:
        url = url.format(id=batch.id)
        g.pop("api_user", None)  # requests of one test share its app context, where the token user is cached
        assert getattr(client, method)(url, json=body).status_code == 401, url
        g.pop("api_user", None)
        assert getattr(client, method)(url, json=body, headers=other).status_code == 404, url
    g.pop("api_user", None)
    r = client.post("/api/v1/trace/batches", headers=other, json={"product_id": batch.product_id})
    assert r.status_code == 404
    g.pop("api_user", None)
    assert client.post("/api/v1/trace/batches", json={"product_id": batch.product_id}).status_code == 401
    g.pop("api_user", None)
    assert client.get("/api/v1/trace/batches", headers=other).get_json()["total"] == 0
    db.session.expire_all()
    assert batch.stamp_count == 1
