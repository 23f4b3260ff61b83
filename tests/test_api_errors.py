"""Hostile or sloppy input to the API gets a JSON error with the right status, never a 500."""
import io

import pytest


@pytest.fixture
def seller_headers(make):
    return make.bearer(make.stall().owner)


@pytest.mark.parametrize("kwargs", [
    {"data": "name=x", "content_type": "application/x-www-form-urlencoded"},
    {"data": "{not json", "content_type": "application/json"},
    {"json": ["a", "list"]},
    {"json": "a string"},
    {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
    {"data": b"\xff\xfe{", "content_type": "application/json"},
    {},
])
def test_non_object_bodies_are_422(client, make, seller_headers, kwargs):
    r = client.post("/api/v1/products", headers=seller_headers, **kwargs)
    assert r.status_code == 422 and r.is_json
    assert r.get_json()["error"]["code"] == "validation_error"


def test_huge_json_body_is_413_json(client, make, seller_headers):
    r = client.post("/api/v1/products", json={"name": "x" * (10 * 1024 * 1024)}, headers=seller_headers)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "request_entity_too_large"


def test_huge_upload_is_413_json(app, client, make, seller_headers, monkeypatch):
    product = make.product(make.stall())
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    r = client.post(f"/api/v1/products/{product.id}/photos", headers=seller_headers,
                    data={"photo": (io.BytesIO(make.jpeg_bytes((1200, 1200))), "a.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and r.is_json


def test_scripts_and_emoji_are_kept_as_text(client, make):
    stall = make.stall(commune_obj=make.commune(requires_product_review=False))
    name = "<script>alert(1)</script> Vải 🍒"
    r = client.post("/api/v1/products", headers=make.bearer(stall.owner), json={
        "name": name, "category_id": make.category().id, "unit": "kg", "price": 45000, "stock": "1",
        "weight_grams": 1000, "description": "🍒" * 6000})
    assert r.status_code == 201
    body = r.get_json()
    assert body["name"] == name and len(body["description"]) == 5000
    assert r.headers["Content-Type"].startswith("application/json")


def test_unknown_route_and_method_are_json(client):
    r = client.get("/api/v1/khong-co")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = client.put("/api/v1/products")
    assert r.status_code == 405 and r.is_json


def test_token_creation_is_rate_limited(client, make):
    make.user(phone="+84912345678")
    codes = [client.post("/api/v1/auth/token", json={"phone": "0912345678", "password": "sai"}).status_code
             for _ in range(12)]
    assert codes[0] == 401 and codes[-1] == 429


def test_tokens_die_with_password_change_and_deactivation(client, make):
    from marketplace.accounts.services import change_password
    from marketplace.extensions import db

    user = make.user()
    headers = make.bearer(user)
    assert client.get("/api/v1/products/mine", headers=headers).status_code == 404  # authenticated, no stall
    change_password(user, make.PASSWORD, "matkhaumoi456")
    assert client.get("/api/v1/products/mine", headers=headers).status_code == 401
    headers = make.bearer(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/products/mine", headers=headers).status_code == 401
