"""The JSON API: cart, checkout, buyer orders and the seller's stall orders."""
from flask import g

from marketplace.accounts import services as accounts


def bearer(user) -> dict:
    g.pop("api_user", None)  # requests share the test's app context, and with it flask.g
    return {"Authorization": f"Bearer {accounts.issue_token(user, 'test')}"}


def test_cart_checkout_and_seller_flow(client, make):
    kg = make.product(name="Vải thiều", unit="kg", price=40000, step_milli=500)
    jar = make.product(name="Mật ong", unit="hu", price=150000)
    buyer = make.user()
    headers = bearer(buyer)
    assert client.put(f"/api/v1/cart/items/{kg.id}", json={"quantity": "1,5"}, headers=headers).get_json()["quantity_milli"] == 1500
    assert client.put(f"/api/v1/cart/items/{jar.id}", json={"quantity": "2"}, headers=headers).status_code == 200
    r = client.put(f"/api/v1/cart/items/{jar.id}", json={"quantity": "1.5"}, headers=headers)
    assert r.status_code == 422 and "số nguyên" in r.get_json()["error"]["message"]
    commune = make.commune()
    cart = client.get(f"/api/v1/cart?ward_code={commune.ward_code}&province_code={commune.province_code}", headers=headers).get_json()
    assert cart["subtotal"] == 60000 + 300000 and len(cart["stalls"]) == 2
    body = make.delivery(payments={str(jar.stall_id): "cod"}, expected_total=cart["total"])
    r = client.post("/api/v1/checkout", json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    by_method = {so["payment_method"]: so for so in order["stall_orders"]}
    assert by_method["vietqr"]["payment"]["qr_payload"].startswith("000201010212")
    assert by_method["vietqr"]["payment"]["content"] == by_method["vietqr"]["code"]
    assert by_method["cod"]["status"] == "placed" and "payment" not in by_method["cod"]
    assert client.get("/api/v1/cart", headers=headers).get_json()["stalls"] == []
    assert client.get("/api/v1/orders", headers=headers).get_json()["items"][0]["code"] == order["code"]

    seller_headers = bearer(jar.stall.owner)
    code = by_method["cod"]["code"]
    assert client.get("/api/v1/stall/orders", headers=seller_headers).get_json()["total"] == 1
    assert client.post(f"/api/v1/stall/orders/{code}/confirm", headers=seller_headers).get_json()["status"] == "confirmed"
    r = client.post(f"/api/v1/stall/orders/{code}/cancel", json={}, headers=seller_headers)
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = client.post(f"/api/v1/stall/orders/{code}/refund", headers=seller_headers)
    assert r.status_code == 409
    assert client.post(f"/api/v1/stall/orders/{code}/nonsense", headers=seller_headers).status_code == 422


def test_checkout_empty_cart_and_bad_input(client, make):
    headers = bearer(make.user())
    r = client.post("/api/v1/checkout", json=make.delivery(), headers=headers)
    assert r.status_code == 422 and "trống" in r.get_json()["error"]["message"]
    r = client.post("/api/v1/checkout", json={"phone": "x"}, headers=headers)
    assert r.status_code == 422 and {"name", "phone", "province_code"} <= set(r.get_json()["error"]["fields"])
    assert client.post("/api/v1/checkout", data="[]", headers=headers, content_type="application/json").status_code == 422


def test_openapi_document_is_valid_and_describes_order_bodies(client):
    from openapi_spec_validator import validate

    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    mine = [p for p in doc["paths"] if p.startswith(("/cart", "/checkout", "/orders", "/stall/orders", "/payments/"))]
    assert len(mine) >= 10  # gateways add their own payment paths
    for path in mine:
        for method, op in doc["paths"][path].items():
            for code, response in op["responses"].items():
                if code.startswith("2") and code != "204":
                    assert "schema" in response["content"]["application/json"], (method, path)
            for content in op.get("requestBody", {}).get("content", {}).values():
                assert content["schema"].get("properties"), (method, path)


def test_hostile_input_is_refused_not_a_500(client, make, app):
    headers = bearer(make.user())
    assert client.put("/api/v1/cart/items/99999999999999", json={"quantity": "1"}, headers=headers).status_code == 422
    assert client.put("/api/v1/cart/items/1", json={"quantity": "1e9999"}, headers=headers).status_code == 422
    assert client.put("/api/v1/cart/items/1", json={"quantity": ["x"]}, headers=headers).status_code == 422
    assert client.delete("/api/v1/cart/items/99999999999999", headers=headers).status_code == 204
    r = client.post("/gio-hang", data={"product_id": "99999999999999", "quantity": "1", "mode": "add"})
    assert r.status_code == 302
    body = make.delivery(province_code=10**20, ward_code="x", payments={"1": ["cod"]})
    assert client.post("/api/v1/checkout", json=body, headers=headers).status_code == 422
    assert client.get("/api/v1/orders/%00'--", headers=headers).status_code == 404
    assert client.get("/don-hang/" + "X" * 500).status_code == 404
    app.config["SEPAY_API_KEY"] = "k"
    try:
        huge = {"id": 1, "transferAmount": 10**15, "transferType": "in", "accountNumber": "1", "content": "x"}
        r = client.post("/api/v1/payments/bank-webhook/sepay", json=huge, headers={"Authorization": "Apikey k"})
        assert r.status_code == 200 and r.get_json()["outcome"] == "unknown_code"
        bad = {"id": "abc", "transferAmount": "many"}
        assert client.post("/api/v1/payments/bank-webhook/sepay", json=bad, headers={"Authorization": "Apikey k"}).status_code == 401
    finally:
        app.config["SEPAY_API_KEY"] = ""
