"""The seller's product management: add, edit, hide/show, delete; review rules; authorization."""
import io

import pytest

from marketplace.catalog.models import Product, ProductStatus
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.stalls.models import StallStatus
from tests.conftest import login


def product_form(category, **overrides):
    data = {
        "name": "Vải thiều Phúc Hòa",
        "category_id": str(category.id),
        "description": "Vải chín cây, hái buổi sáng.",
        "unit": "kg",
        "price": "45.000",
        "stock": "120,5",
        "step": "0,5",
        "minimum": "1",
        "weight_grams": "1000",
        "gtin": "",
        "ocop_stars": "",
        "ocop_decision": "",
        "ocop_date": "",
        "ocop_expiry": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def seller(client, make):
    """An approved stall in a commune that reviews products, its owner logged in."""
    user = make.user(name="Hộ Nguyễn Văn Tiệp")
    stall = make.stall(owner=user)
    login(client, user)
    return stall


def _post(client, path, data, **kwargs):
    return client.post(path, data=data, content_type="multipart/form-data", **kwargs)


def test_create_per_kg_product_with_step_and_minimum(client, make, seller):
    category = make.category()
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(
        category, photos=[(io.BytesIO(make.jpeg_bytes()), "vai.jpg"), (io.BytesIO(make.jpeg_bytes()), "vai2.jpg")]))
    assert r.status_code == 302
    p = db.session.query(Product).one()
    assert (p.unit, p.price, p.stock_milli, p.step_milli, p.min_milli) == ("kg", 45000, 120_500, 500, 1000)
    assert p.status == ProductStatus.PENDING  # the commune reviews products
    assert len(p.images) == 2
    assert db.session.query(AuditEntry).filter_by(action="product.create", target_id=p.id).count() == 1
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Vải thiều Phúc Hòa" in page and "Chờ duyệt" in page and "120,5 kg" in page


def test_price_and_decimal_point_forms(client, make, seller):
    category = make.category()
    _post(client, "/gian-hang-cua-toi/san-pham/moi",
          product_form(category, price="45000", stock="3.25", step="0.25", minimum="0.5"))
    p = db.session.query(Product).one()
    assert (p.price, p.stock_milli, p.step_milli, p.min_milli) == (45000, 3250, 250, 500)


def test_create_per_item_product_takes_whole_numbers(client, make, seller):
    category = make.category("Đặc sản")
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi",
              product_form(category, name="Mật ong hoa vải", unit="hu", stock="2,5", step="0,5", minimum=""))
    assert r.status_code == 200
    assert '<small class="error" role="alert">Sản phẩm bán theo hũ chỉ nhận số nguyên.</small>' in r.get_data(
        as_text=True)
    assert db.session.query(Product).count() == 0
    _post(client, "/gian-hang-cua-toi/san-pham/moi",
          product_form(category, name="Mật ong hoa vải", unit="hu", stock="30", step="0,5", minimum=""))
    p = db.session.query(Product).one()
    assert (p.stock_milli, p.step_milli, p.min_milli) == (30_000, 1000, 1000)  # item units step by one


def test_minimum_must_be_a_multiple_of_the_step(client, make, seller):
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(make.category(), step="0,5", minimum="0,7"))
    assert '<small class="error" role="alert">Số lượng tối thiểu phải là bội số của bước.</small>' in r.get_data(
        as_text=True)


def test_errors_are_next_to_fields_and_input_is_kept(client, make, seller):
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(
        make.category(), name="Bưởi da xanh", price="bốn lăm nghìn", stock="nhiều", weight_grams="-5",
        gtin="123", ocop_stars="4", ocop_date="31/02/2025",
        photos=[(io.BytesIO(make.jpeg_bytes()), "buoi.jpg")]))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    for message in ("Nhập giá bằng số đồng, ví dụ 45.000.", "Nhập số, ví dụ 0,5 hoặc 2.",
                    "Nhập số nguyên, ví dụ 500.", "Mã vạch GTIN không hợp lệ", "Nhập số quyết định công nhận OCOP.",
                    "Nhập ngày dạng ngày/tháng/năm.", "chọn lại ảnh"):
        assert message in page, message
    assert 'value="Bưởi da xanh"' in page and 'value="bốn lăm nghìn"' in page and 'value="nhiều"' in page
    assert db.session.query(Product).count() == 0


def test_ocop_and_certifications_are_stored(client, make, seller):
    data = product_form(make.category(), ocop_stars="4", ocop_decision="123/QĐ-UBND", ocop_date="2024-05-10",
                        ocop_expiry="10/05/2027")
    data.update({"certifications-0-kind": "vietgap", "certifications-0-number": "VietGAP-TT-19-01-24-0012",
                 "certifications-0-body": "Trung tâm Chứng nhận Phù hợp", "certifications-0-issued_on": "2024-01-01",
                 "certifications-0-expires_on": "2027-01-01", "certifications-1-kind": "organic",
                 "certifications-1-number": ""})
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", data)
    assert r.status_code == 302
    p = db.session.query(Product).one()
    assert p.ocop_stars == 4 and p.ocop_decision == "123/QĐ-UBND" and p.ocop_expiry.year == 2027
    assert [(c.kind, c.number) for c in p.certifications] == [("vietgap", "VietGAP-TT-19-01-24-0012")]
    page = client.get(f"/gian-hang-cua-toi/san-pham/{p.id}").get_data(as_text=True)
    assert 'value="VietGAP-TT-19-01-24-0012"' in page and 'value="2027-05-10"' in page


def test_certification_dates_are_checked(client, make, seller):
    data = product_form(make.category())
    data.update({"certifications-0-kind": "organic", "certifications-0-number": "HC-01",
                 "certifications-0-issued_on": "2025-01-01", "certifications-0-expires_on": "2024-01-01"})
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", data)
    assert '<small class="error" role="alert">Ngày hết hạn phải sau ngày cấp.</small>' in r.get_data(as_text=True)
    assert db.session.query(Product).count() == 0


def test_commune_without_product_review_puts_product_live_at_once(client, make):
    commune = make.commune("Chợ Lách", requires_product_review=False, villages=("Ấp Phú Hữu",))
    user = make.user()
    stall = make.stall(owner=user, commune_obj=commune)
    login(client, user)
    _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(make.category(), name="Dừa sáp Cầu Kè"))
    p = db.session.query(Product).one()
    assert p.status == ProductStatus.APPROVED
    assert "Dừa sáp Cầu Kè" in client.get(f"/gian-hang/{stall.slug}").get_data(as_text=True)


def test_pending_stall_cannot_list_products(client, make):
    user = make.user()
    make.stall(owner=user, status=StallStatus.PENDING)
    login(client, user)
    r = client.get("/gian-hang-cua-toi/san-pham/moi")
    assert r.status_code == 302 and r.headers["Location"].endswith("/gian-hang-cua-toi")
    _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(make.category()))
    assert db.session.query(Product).count() == 0


def test_edit_of_approved_product_in_reviewing_commune_reenters_review(client, make, seller):
    p = make.product(stall_obj=seller, name="Vải thiều")
    form = product_form(p.category, name="Vải thiều", description="", stock="50", price="50.000")
    _post(client, f"/gian-hang-cua-toi/san-pham/{p.id}", form)
    db.session.refresh(p)
    assert p.price == 50000 and p.status == ProductStatus.APPROVED  # price/stock need no review
    _post(client, f"/gian-hang-cua-toi/san-pham/{p.id}", {**form, "name": "Vải thiều hữu cơ"})
    db.session.refresh(p)
    assert p.name == "Vải thiều hữu cơ" and p.status == ProductStatus.PENDING


def test_rejected_product_shows_reason_and_edit_resubmits(client, make, seller):
    p = make.product(stall_obj=seller, status=ProductStatus.REJECTED, status_reason="Ảnh không đúng sản phẩm.")
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Cần chú ý" in page and "Ảnh không đúng sản phẩm." in page
    _post(client, f"/gian-hang-cua-toi/san-pham/{p.id}", product_form(p.category, name=p.name))
    db.session.refresh(p)
    assert p.status == ProductStatus.PENDING and p.status_reason == ""


def test_edit_removes_chosen_photos(client, make, seller, app):
    _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(
        make.category(), photos=[(io.BytesIO(make.jpeg_bytes()), "a.jpg"), (io.BytesIO(make.jpeg_bytes()), "b.jpg")]))
    p = db.session.query(Product).one()
    first, second = p.images
    removed_file = f"{app.config['MEDIA_DIR']}/p/{first.key}_320.jpg"
    assert client.get(f"/media/p/{first.key}_320.jpg").status_code == 200
    _post(client, f"/gian-hang-cua-toi/san-pham/{p.id}", {**product_form(p.category), "remove_photos": str(first.id)})
    db.session.expire_all()
    assert [img.id for img in db.session.get(Product, p.id).images] == [second.id]
    import os

    assert not os.path.exists(removed_file)


def test_hide_show_delete_change_the_public_stall_page(client, make, seller):
    p = make.product(stall_obj=seller, name="Chuối tây sấy dẻo")
    public = f"/gian-hang/{seller.slug}"
    assert "Chuối tây sấy dẻo" in client.get(public).get_data(as_text=True)
    client.post(f"/gian-hang-cua-toi/san-pham/{p.id}/an")
    assert "Chuối tây sấy dẻo" not in client.get(public).get_data(as_text=True)
    assert "Đang ẩn" in client.get("/gian-hang-cua-toi").get_data(as_text=True)
    client.post(f"/gian-hang-cua-toi/san-pham/{p.id}/hien")
    assert "Chuối tây sấy dẻo" in client.get(public).get_data(as_text=True)
    assert "Xoá sản phẩm?" in client.get(f"/gian-hang-cua-toi/san-pham/{p.id}/xoa").get_data(as_text=True)
    r = client.post(f"/gian-hang-cua-toi/san-pham/{p.id}/xoa", follow_redirects=True)
    assert "Đã xoá sản phẩm Chuối tây sấy dẻo." in r.get_data(as_text=True)
    assert "Chuối tây sấy dẻo" not in client.get(public).get_data(as_text=True)
    assert "Chuối tây sấy dẻo" not in client.get("/gian-hang-cua-toi").get_data(as_text=True)
    db.session.refresh(p)
    assert p.deleted_at is not None  # soft delete: orders keep their history
    assert client.get(f"/gian-hang-cua-toi/san-pham/{p.id}").status_code == 404


def test_other_seller_cannot_touch_my_product(client, make, app):
    owner = make.user(name="Chủ A")
    stall_a = make.stall(owner=owner)
    p = make.product(stall_obj=stall_a, name="Bưởi của A")
    other = make.user(name="Chủ B")
    make.stall(owner=other)
    login(client, other)
    base = f"/gian-hang-cua-toi/san-pham/{p.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/xoa").status_code == 404
    assert _post(client, base, product_form(p.category, name="Đổi tên")).status_code == 404
    for action in ("an", "hien", "xoa"):
        assert client.post(f"{base}/{action}").status_code == 404
    db.session.expire_all()
    p = db.session.get(Product, p.id)
    assert p.name == "Bưởi của A" and not p.hidden and p.deleted_at is None
    assert client.get("/gian-hang-cua-toi/san-pham/999999").status_code == 404


def test_anonymous_is_sent_to_login_for_every_manage_route(client, make):
    p = make.product()
    for method, path in (("get", "/gian-hang-cua-toi/san-pham/moi"), ("post", "/gian-hang-cua-toi/san-pham/moi"),
                         ("get", f"/gian-hang-cua-toi/san-pham/{p.id}"), ("post", f"/gian-hang-cua-toi/san-pham/{p.id}"),
                         ("post", f"/gian-hang-cua-toi/san-pham/{p.id}/an"),
                         ("post", f"/gian-hang-cua-toi/san-pham/{p.id}/hien"),
                         ("get", f"/gian-hang-cua-toi/san-pham/{p.id}/xoa"),
                         ("post", f"/gian-hang-cua-toi/san-pham/{p.id}/xoa")):
        r = getattr(client, method)(path)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], path
    db.session.refresh(p)
    assert not p.hidden and p.deleted_at is None


def test_huge_numbers_and_text_do_not_500(client, make, seller):
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(
        make.category(), name="🍊" * 5000, description="<b>" * 300_000, stock="9" * 30, price="9" * 40,
        step="1e9999", minimum="-1", weight_grams="99999999999"))
    assert r.status_code == 200
    assert db.session.query(Product).count() == 0
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(make.category(), stock="5000000"))
    assert r.status_code == 200
    assert '<small class="error" role="alert">Số lượng tồn kho không hợp lệ.</small>' in r.get_data(as_text=True)


def test_script_in_product_name_is_escaped_on_seller_home(client, make, seller):
    make.product(stall_obj=seller, name="<script>alert(1)</script>")
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_ten_megabytes_of_text_is_refused_politely(client, make, seller):
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(make.category(), description="x" * 10_000_000))
    assert r.status_code == 413
    assert "quá lớn" in r.get_data(as_text=True)
    assert db.session.query(Product).count() == 0


def test_out_of_stock_product_needs_attention(client, make, seller):
    make.product(stall_obj=seller, name="Ổi lê Phúc Hòa", stock_milli=500, min_milli=1000)
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Cần chú ý" in page and "hết hàng, khách không đặt được" in page


def test_officer_and_admin_do_not_manage_a_sellers_products_here(client, make):
    """Moderation has its own pages; the seller's management pages are the owner's only."""
    stall = make.stall()
    p = make.product(stall_obj=stall)
    for user in (make.officer(stall.commune), make.user(admin=True)):
        login(client, user)
        assert client.get(f"/gian-hang-cua-toi/san-pham/{p.id}").status_code == 404
        assert client.post(f"/gian-hang-cua-toi/san-pham/{p.id}/an").status_code == 404
    db.session.refresh(p)
    assert not p.hidden


def test_flash_says_whether_the_product_is_live_or_waiting(client, make, seller):
    r = _post(client, "/gian-hang-cua-toi/san-pham/moi", product_form(make.category()), follow_redirects=True)
    assert "chờ cán bộ xã duyệt" in r.get_data(as_text=True)
