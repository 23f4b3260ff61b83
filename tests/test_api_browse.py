"""Public API reads: communes, categories, stalls and the product list with its filters."""
from marketplace.catalog.models import ProductStatus
from marketplace.stalls.models import StallStatus


def names(response):
    return sorted(item["name"] for item in response.get_json()["items"])


def test_communes_list_with_villages_and_pagination(client, make):
    make.commune("Phúc Hòa", villages=("Thôn Đồng", "Thôn Trại"))
    make.commune("Yên Mô", villages=())
    make.commune("Chợ Lách", villages=())
    body = client.get("/api/v1/communes?per_page=2").get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 2 and len(body["items"]) == 2
    page2 = client.get("/api/v1/communes?per_page=2&page=2").get_json()
    assert len(page2["items"]) == 1
    all_names = {c["name"] for c in body["items"] + page2["items"]}
    assert all_names == {"Xã Phúc Hòa", "Xã Yên Mô", "Xã Chợ Lách"}
    phuc_hoa = next(c for c in body["items"] + page2["items"] if c["name"] == "Xã Phúc Hòa")
    assert {v["name"] for v in phuc_hoa["villages"]} == {"Thôn Đồng", "Thôn Trại"}


def test_commune_by_slug_and_unknown_slug(client, make):
    commune = make.commune()
    r = client.get(f"/api/v1/communes/{commune.slug}")
    assert r.status_code == 200 and r.get_json()["name"] == "Xã Phúc Hòa"
    r = client.get("/api/v1/communes/khong-co")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_categories(client, make):
    make.category("Trái cây")
    make.category("Mật ong")
    r = client.get("/api/v1/categories")
    assert {c["slug"] for c in r.get_json()["items"]} == {"trai-cay", "mat-ong"}


def test_stalls_list_shows_approved_only_and_filters_by_commune(client, make):
    phuc_hoa, yen_mo = make.commune("Phúc Hòa"), make.commune("Yên Mô", villages=())
    make.stall(commune_obj=phuc_hoa, name="Vườn vải A")
    make.stall(commune_obj=yen_mo, name="Gạo Yên Mô")
    make.stall(commune_obj=phuc_hoa, name="Chờ duyệt", status=StallStatus.PENDING)
    make.stall(commune_obj=phuc_hoa, name="Bị từ chối", status=StallStatus.REJECTED)
    assert names(client.get("/api/v1/stalls")) == ["Gạo Yên Mô", "Vườn vải A"]
    assert names(client.get(f"/api/v1/stalls?commune={phuc_hoa.slug}")) == ["Vườn vải A"]
    assert names(client.get(f"/api/v1/stalls?commune={yen_mo.id}")) == ["Gạo Yên Mô"]
    assert client.get("/api/v1/stalls?commune=khong-co").get_json()["total"] == 0


def test_public_stall_shows_bank_but_never_cccd(client, make):
    stall = make.stall()
    body = client.get(f"/api/v1/stalls/{stall.id}").get_json()
    assert body["bank"] == {"bin": "970405", "name": "Agribank", "account": "1500205123456",
                            "holder": "NGUYEN VAN TIEP"}
    text = client.get(f"/api/v1/stalls/{stall.id}").get_data(as_text=True)
    assert "024090001234" not in text and "id_number_masked" not in body and "password" not in text


def test_pending_stall_is_hidden_from_others(client, make):
    stall = make.stall(status=StallStatus.PENDING)
    assert client.get(f"/api/v1/stalls/{stall.id}").status_code == 404
    assert client.get(f"/api/v1/stalls/{stall.id}", headers=make.bearer(make.user())).status_code == 404
    assert client.get("/api/v1/stalls/99999999999").status_code == 404


def _catalog(make):
    phuc_hoa, yen_mo = make.commune("Phúc Hòa"), make.commune("Yên Mô", villages=())
    a, b = make.stall(commune_obj=phuc_hoa), make.stall(commune_obj=yen_mo)
    make.product(a, name="Vải thiều", price=45000)
    make.product(a, name="Mật ong hoa vải", price=180000, unit="hu", category_name="Mật ong")
    make.product(b, name="Gạo nếp", price=30000, category_name="Gạo")
    make.product(a, name="Ẩn", hidden=True)
    make.product(a, name="Chờ duyệt", status=ProductStatus.PENDING)
    make.product(a, name="Bị từ chối", status=ProductStatus.REJECTED)
    deleted = make.product(a, name="Đã xóa")
    from marketplace.core.timeutil import utcnow
    from marketplace.extensions import db

    deleted.deleted_at = utcnow()
    db.session.commit()
    make.product(make.stall(commune_obj=phuc_hoa, status=StallStatus.PENDING), name="Gian chưa duyệt")
    return phuc_hoa, yen_mo, a, b


def test_product_list_shows_only_visible_products(client, make):
    _catalog(make)
    body = client.get("/api/v1/products").get_json()
    assert sorted(p["name"] for p in body["items"]) == ["Gạo nếp", "Mật ong hoa vải", "Vải thiều"]
    assert body["total"] == 3


def test_product_list_filters(client, make):
    phuc_hoa, yen_mo, a, b = _catalog(make)
    q = "/api/v1/products?"
    assert names(client.get(q + f"commune={phuc_hoa.slug}")) == ["Mật ong hoa vải", "Vải thiều"]
    assert names(client.get(q + f"commune={yen_mo.id}")) == ["Gạo nếp"]
    assert names(client.get(q + "category=mat-ong")) == ["Mật ong hoa vải"]
    gao = client.get("/api/v1/categories").get_json()["items"]
    gao_id = next(c["id"] for c in gao if c["slug"] == "gao")
    assert names(client.get(q + f"category={gao_id}")) == ["Gạo nếp"]
    assert names(client.get(q + f"stall={b.id}")) == ["Gạo nếp"]
    assert names(client.get(q + "min_price=40000&max_price=100000")) == ["Vải thiều"]
    assert client.get(q + "category=khong-co").get_json()["total"] == 0
    assert client.get(q + "commune=khong-co").get_json()["total"] == 0
    prices = [p["price"] for p in client.get(q + "sort=price_asc").get_json()["items"]]
    assert prices == [30000, 45000, 180000]
    prices = [p["price"] for p in client.get(q + "sort=price_desc").get_json()["items"]]
    assert prices == [180000, 45000, 30000]


def test_product_list_pagination(client, make):
    stall = make.stall()
    for i in range(5):
        make.product(stall, name=f"Bưởi {i}", price=10000 + i)
    first = client.get("/api/v1/products?per_page=2&sort=price_asc").get_json()
    third = client.get("/api/v1/products?per_page=2&page=3&sort=price_asc").get_json()
    assert (first["total"], first["per_page"], len(first["items"])) == (5, 2, 2)
    assert [p["price"] for p in third["items"]] == [10004]
    far = client.get("/api/v1/products?page=99999999999999999999&per_page=-5").get_json()
    assert far["items"] == [] and far["per_page"] == 1


def test_product_list_rejects_malformed_filters(client, make):
    r = client.get("/api/v1/products?min_price=abc&sort=cheap&stall=x&max_price=%C2%B2")
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"min_price", "max_price", "sort", "stall"}
    r = client.get("/api/v1/products?stall=" + "9" * 5000)
    assert r.status_code == 422 and "stall" in r.get_json()["error"]["fields"]


def test_absurd_ids_in_filters_match_nothing(client, make):
    make.product(make.stall())
    for query in ("commune=99999999999", "category=%C2%B2", "commune=" + "9" * 5000, "stall=999999999999",
                  "category=%EF%BC%91"):
        r = client.get(f"/api/v1/products?{query}")
        assert r.status_code == 200 and r.get_json()["total"] == 0, query
    assert client.get("/api/v1/products?max_price=999999999999").get_json()["total"] == 1
    assert client.get("/api/v1/products?min_price=999999999999").get_json()["total"] == 0
    r = client.get("/api/v1/stalls?commune=" + "9" * 5000)
    assert r.status_code == 200 and r.get_json()["total"] == 0


def test_product_shows_quantities_as_decimal_strings_and_price_display(client, make):
    product = make.product(make.stall(), price=45000, unit="kg", stock_milli=12_500, step_milli=500, min_milli=1000)
    body = client.get(f"/api/v1/products/{product.id}").get_json()
    assert body["stock"] == "12.5" and body["step"] == "0.5" and body["min_quantity"] == "1"
    assert body["unit"] == "kg" and body["decimal_quantities"] is True
    assert body["price"] == 45000 and body["price_display"] == "45.000 ₫"
    assert body["stall"]["commune"]["name"] == "Xã Phúc Hòa"
    assert "status" not in body and "status_reason" not in body


def test_hidden_or_pending_product_is_404_for_the_public(client, make):
    stall = make.stall()
    hidden = make.product(stall, hidden=True)
    pending = make.product(stall, status=ProductStatus.PENDING)
    other = make.bearer(make.user())
    for product in (hidden, pending):
        assert client.get(f"/api/v1/products/{product.id}").status_code == 404
        assert client.get(f"/api/v1/products/{product.id}", headers=other).status_code == 404
    # ...but its seller sees it, with its status.
    body = client.get(f"/api/v1/products/{pending.id}", headers=make.bearer(stall.owner)).get_json()
    assert body["status"] == "pending"
