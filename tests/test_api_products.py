"""A seller's products through the API: create, edit, hide/show, delete, photos; and the
authorization matrix (another seller, anonymous, revoked token)."""
import io

import pytest

from marketplace.catalog.models import Product, ProductImage, ProductStatus
from marketplace.extensions import db


def product_data(make, **extra):
    return {"name": "Vải thiều Phúc Hòa", "category_id": make.category().id, "description": "Vải chín cây.",
            "unit": "kg", "price": 45000, "stock": "12.5", "step": "0.5", "min_quantity": 1,
            "weight_grams": 1000, **extra}


@pytest.fixture
def seller(make):
    stall = make.stall(commune_obj=make.commune(requires_product_review=True))
    return stall.owner, make.bearer(stall.owner), stall


def test_create_per_kg_product_waits_for_review(client, make, seller):
    _owner, headers, stall = seller
    r = client.post("/api/v1/products", json=product_data(make, price_display="ignored"), headers=headers)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "pending" and body["stock"] == "12.5" and body["step"] == "0.5"
    assert body["min_quantity"] == "1" and body["price_display"] == "45.000 ₫"
    product = db.session.get(Product, body["id"])
    assert (product.stock_milli, product.step_milli, product.min_milli) == (12_500, 500, 1000)
    assert product.stall_id == stall.id
    assert client.get("/api/v1/products").get_json()["total"] == 0


def test_product_of_auto_approving_commune_goes_live(client, make):
    stall = make.stall(commune_obj=make.commune("Yên Mô", requires_product_review=False, villages=()))
    r = client.post("/api/v1/products", json=product_data(make, stock=2.25, ocop_stars=4, ocop_decision="QĐ 12/UBND",
                                                          ocop_date="2025-01-10", ocop_expiry="2028-01-10",
                                                          certifications=[{"kind": "vietgap", "number": "VG-01",
                                                                           "body": "Trung tâm", "issued_on": "2025-01-01"}]),
                    headers=make.bearer(stall.owner))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "approved" and body["stock"] == "2.25"
    assert body["ocop"] == {"stars": 4, "decision": "QĐ 12/UBND", "date": "2025-01-10", "expiry": "2028-01-10"}
    assert body["certifications"][0]["number"] == "VG-01"
    listed = client.get("/api/v1/products").get_json()["items"]
    assert [p["id"] for p in listed] == [body["id"]]


def test_whole_units_refuse_decimal_stock(client, make, seller):
    r = client.post("/api/v1/products", json=product_data(make, unit="hu", stock="2.5"), headers=seller[1])
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"stock"}


@pytest.mark.parametrize("bad, fields", [
    ({"stock": "abc", "price": "45000"}, {"stock", "price"}),
    ({"stock": "1.2345"}, {"stock"}),
    ({"stock": True, "weight_grams": 1.5}, {"stock", "weight_grams"}),
    ({"price": 0, "name": ""}, {"price", "name"}),
    ({"stock": "-1"}, {"stock"}),
    ({"stock": "1e30"}, {"stock"}),
    ({"min_quantity": "0.7"}, {"min_quantity"}),
    ({"ocop_stars": 2, "ocop_decision": "QĐ 1"}, {"ocop_stars"}),
    ({"ocop_date": "10/01/2025"}, {"ocop_date"}),
    ({"category_id": 10**12}, {"category_id"}),
    ({"certifications": "VietGAP"}, {"certifications"}),
])
def test_validation_errors_name_json_fields(client, make, seller, bad, fields):
    r = client.post("/api/v1/products", json=product_data(make, **bad), headers=seller[1])
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == fields
    assert db.session.query(Product).count() == 0


def test_create_needs_an_approved_stall(client, make):
    from marketplace.stalls.models import StallStatus

    pending = make.stall(status=StallStatus.PENDING)
    for headers in (make.bearer(pending.owner), make.bearer(make.user())):
        r = client.post("/api/v1/products", json=product_data(make), headers=headers)
        assert r.status_code == 409
    assert db.session.query(Product).count() == 0


def test_patch_own_product(client, make, seller):
    owner, headers, stall = seller
    product = make.product(stall, price=45000)
    r = client.patch(f"/api/v1/products/{product.id}", json={"price": 50000, "stock": "3"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["price"] == 50000 and r.get_json()["stock"] == "3"
    assert r.get_json()["status"] == "approved"  # price and stock need no new review
    r = client.patch(f"/api/v1/products/{product.id}", json={"name": "Vải u hồng"}, headers=headers)
    assert r.get_json()["status"] == "pending"  # what it is changed: review again


def test_patch_errors_leave_product_unchanged(client, make, seller):
    product = make.product(seller[2], price=45000)
    r = client.patch(f"/api/v1/products/{product.id}", json={"price": -5}, headers=seller[1])
    assert r.status_code == 422 and "price" in r.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Product, product.id).price == 45000


def test_hide_show_and_delete(client, make, seller):
    _owner, headers, stall = seller
    product = make.product(stall)
    listed = lambda: [p["id"] for p in client.get("/api/v1/products").get_json()["items"]]  # noqa: E731
    assert listed() == [product.id]
    assert client.post(f"/api/v1/products/{product.id}/hide", headers=headers).get_json()["hidden"] is True
    assert listed() == []
    assert client.post(f"/api/v1/products/{product.id}/show", headers=headers).get_json()["hidden"] is False
    assert listed() == [product.id]
    assert client.delete(f"/api/v1/products/{product.id}", headers=headers).status_code == 204
    assert listed() == []
    assert client.get(f"/api/v1/products/{product.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/products/mine", headers=headers).get_json()["total"] == 0
    db.session.expire_all()
    assert db.session.get(Product, product.id).deleted_at is not None  # soft


def test_my_products_include_pending_and_hidden(client, make, seller):
    _owner, headers, stall = seller
    make.product(stall, name="Ẩn", hidden=True)
    make.product(stall, name="Chờ", status=ProductStatus.PENDING)
    make.product(make.stall(), name="Của người khác")
    body = client.get("/api/v1/products/mine", headers=headers).get_json()
    assert sorted(p["name"] for p in body["items"]) == ["Chờ", "Ẩn"] and body["total"] == 2


def test_photos_upload_and_delete(client, make, seller):
    _owner, headers, stall = seller
    product = make.product(stall)
    files = [(io.BytesIO(make.jpeg_bytes(exif_gps=True)), "a.jpg"), (io.BytesIO(make.jpeg_bytes()), "b.jpg")]
    r = client.post(f"/api/v1/products/{product.id}/photos", data={"photo": files}, headers=headers,
                    content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    photos = r.get_json()["photos"]
    assert len(photos) == 2 and photos[0]["thumb_url"].endswith("_320.jpg")
    image = client.get(photos[0]["large_url"].replace("http://localhost", ""))
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    r = client.delete(f"/api/v1/products/{product.id}/photos/{photos[0]['id']}", headers=headers)
    assert r.status_code == 200 and [p["id"] for p in r.get_json()["photos"]] == [photos[1]["id"]]
    assert client.get(photos[0]["large_url"].replace("http://localhost", "")).status_code == 404


def test_photo_upload_errors(client, make, seller):
    _owner, headers, stall = seller
    product, other = make.product(stall), make.product(make.stall())
    r = client.post(f"/api/v1/products/{product.id}/photos", data={}, headers=headers)
    assert r.status_code == 422 and "photo" in r.get_json()["error"]["fields"]
    r = client.post(f"/api/v1/products/{product.id}/photos", headers=headers, content_type="multipart/form-data",
                    data={"photo": (io.BytesIO(b"<script>alert(1)</script>"), "x.jpg")})
    assert r.status_code == 422 and "photo" in r.get_json()["error"]["fields"]
    other_photo = ProductImage(product=other, key="k" * 24, width=1, height=1)
    db.session.add(other_photo)
    db.session.commit()
    r = client.delete(f"/api/v1/products/{product.id}/photos/{other_photo.id}", headers=headers)
    assert r.status_code == 404
    assert db.session.get(ProductImage, other_photo.id) is not None


def _writes(client, make, product_id, photo_id, headers):
    """Every seller write on one product, as (name, response)."""
    upload = {"photo": (io.BytesIO(make.jpeg_bytes()), "x.jpg")}
    base = f"/api/v1/products/{product_id}"
    yield "patch", client.patch(base, json={"price": 1000, "name": "Của tôi"}, headers=headers)
    yield "delete", client.delete(base, headers=headers)
    yield "hide", client.post(f"{base}/hide", headers=headers)
    yield "show", client.post(f"{base}/show", headers=headers)
    yield "photos", client.post(f"{base}/photos", data=upload, content_type="multipart/form-data", headers=headers)
    yield "photo delete", client.delete(f"{base}/photos/{photo_id}", headers=headers)


def _snapshot(product_id):
    db.session.expire_all()
    p = db.session.get(Product, product_id)
    return (p.name, p.price, p.hidden, p.deleted_at, p.status, [img.id for img in p.images])


def test_other_seller_cannot_touch_a_product(client, make, seller):
    _owner, _headers, stall = seller
    product = make.product(stall, price=45000)
    photo = ProductImage(product=product, key="a" * 24, width=1, height=1)
    db.session.add(photo)
    db.session.commit()
    before = _snapshot(product.id)
    intruder = make.bearer(make.stall(owner=make.user(name="Hộ B")).owner)
    for name, r in _writes(client, make, product.id, photo.id, intruder):
        assert r.status_code in (403, 404) and "error" in r.get_json(), (name, r.status_code)
        assert _snapshot(product.id) == before, name


def test_anonymous_and_revoked_cannot_touch_a_product(client, make, seller):
    owner, headers, stall = seller
    product = make.product(stall)
    before = _snapshot(product.id)
    client.delete("/api/v1/auth/token", headers=headers)
    for auth in ({}, headers):
        r = client.post("/api/v1/products", json=product_data(make), headers=auth)
        assert r.status_code == 401
        for name, r in _writes(client, make, product.id, 1, auth):
            assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized", name
    assert _snapshot(product.id) == before
    assert client.get("/api/v1/products/mine").status_code == 401
