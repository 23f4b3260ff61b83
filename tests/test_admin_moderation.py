"""Officer moderation: the queue, approve/reject of stalls and products, the audit log,
and who may do any of it."""
import pytest
from sqlalchemy import select

from marketplace.catalog.models import Product, ProductStatus
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus
from tests.conftest import login as _login


def login(client, user):
    """Log in as another user within one test. The test app context outlives requests, so
    Flask-Login's per-request cache in `g` must be dropped when the user changes."""
    from flask import g

    g.pop("_login_user", None)
    _login(client, user)


@pytest.fixture
def world(make):
    """Commune X (Phúc Hòa) and Y (Yên Mô), each with an officer, a pending stall and a
    pending product on an approved stall."""
    x, y = make.commune(), make.commune("Yên Mô", villages=("Thôn Yên Thổ",))
    w = {"x": x, "y": y, "officer_x": make.officer(x, name="Cán bộ X"), "officer_y": make.officer(y, name="Cán bộ Y")}
    for key, commune in (("x", x), ("y", y)):
        w[f"stall_{key}"] = make.stall(commune_obj=commune, status=StallStatus.PENDING, name=f"Gian chờ {key.upper()}")
        w[f"product_{key}"] = make.product(make.stall(commune_obj=commune), name=f"Sản phẩm chờ {key.upper()}",
                                           status=ProductStatus.PENDING)
    w["admin"] = make.user(name="Quản trị", admin=True)
    w["buyer"] = make.user(name="Người mua")
    w["seller"] = w["stall_x"].owner
    return w


def _audit(action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def _status(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_).status


def test_queue_lists_only_own_communes(client, world):
    login(client, world["officer_x"])
    html = client.get("/quan-ly/duyet").get_data(as_text=True)
    assert "Gian chờ X" in html and "Sản phẩm chờ X" in html
    assert "Gian chờ Y" not in html and "Sản phẩm chờ Y" not in html
    assert "••••••••1234" in html and "024090001234" not in html  # CCCD masked
    assert "Agribank" in html and "1500205123456" in html


def test_admin_queue_lists_all(client, world):
    login(client, world["admin"])
    html = client.get("/quan-ly/duyet").get_data(as_text=True)
    assert all(n in html for n in ("Gian chờ X", "Gian chờ Y", "Sản phẩm chờ X", "Sản phẩm chờ Y"))


def test_approve_stall(client, world):
    login(client, world["officer_x"])
    stall = world["stall_x"]
    r = client.post(f"/quan-ly/duyet/gian-hang/{stall.id}/duyet")
    assert r.status_code == 302 and r.headers["Location"].endswith("/quan-ly/duyet")
    assert _status(Stall, stall.id) == StallStatus.APPROVED
    [entry] = _audit("stall.approve")
    assert (entry.actor_id, entry.target_id, entry.commune_id) == (world["officer_x"].id, stall.id, world["x"].id)
    # approving twice is a message, not an error page or a second audit row
    r = client.post(f"/quan-ly/duyet/gian-hang/{stall.id}/duyet", follow_redirects=True)
    assert r.status_code == 200 and "không ở trạng thái chờ duyệt" in r.get_data(as_text=True)
    assert len(_audit("stall.approve")) == 1


def test_reject_stall_with_reason(client, world):
    login(client, world["officer_x"])
    stall = world["stall_x"]
    r = client.post(f"/quan-ly/duyet/gian-hang/{stall.id}/tu-choi",
                    data={"reason": "identity", "details": "Tên chủ tài khoản khác tên hộ."})
    assert r.status_code == 302
    db.session.expire_all()
    stall = db.session.get(Stall, stall.id)
    assert stall.status == StallStatus.REJECTED
    assert "Tên chủ tài khoản khác tên hộ." in stall.status_reason and "không khớp" in stall.status_reason
    [entry] = _audit("stall.reject")
    assert entry.reason == stall.status_reason and entry.actor_id == world["officer_x"].id


@pytest.mark.parametrize("kind,key,model", [("gian-hang", "stall_x", Stall), ("san-pham", "product_x", Product)])
def test_reject_requires_details_and_keeps_input(client, world, kind, key, model):
    login(client, world["officer_x"])
    item = world[key]
    r = client.post(f"/quan-ly/duyet/{kind}/{item.id}/tu-choi", data={"reason": "photo", "details": "   "})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Ghi rõ điều người bán cần sửa." in html
    assert '<option selected value="photo">' in html or '<option value="photo" selected>' in html
    assert _status(model, item.id) == "pending" and _audit(f"{'stall' if model is Stall else 'product'}.reject") == []


def test_reject_keeps_long_details_on_other_error(client, world):
    login(client, world["officer_x"])
    item = world["product_x"]
    r = client.post(f"/quan-ly/duyet/san-pham/{item.id}/tu-choi", data={"reason": "other", "details": "x" * 5000})
    assert r.status_code == 422 and "x" * 5000 in r.get_data(as_text=True)
    assert _status(Product, item.id) == "pending"


def test_approve_and_reject_product(client, world, make):
    login(client, world["officer_x"])
    p = world["product_x"]
    assert client.post(f"/quan-ly/duyet/san-pham/{p.id}/duyet").status_code == 302
    assert _status(Product, p.id) == ProductStatus.APPROVED
    assert p.name in client.get("/").get_data(as_text=True)  # now on the storefront
    other = make.product(world["product_x"].stall, name="Ổi chờ", status=ProductStatus.PENDING)
    r = client.post(f"/quan-ly/duyet/san-pham/{other.id}/tu-choi", data={"reason": "origin", "details": "Ổi mua ở chợ đầu mối."})
    assert r.status_code == 302
    assert _status(Product, other.id) == ProductStatus.REJECTED
    assert [e.target_id for e in _audit("product.approve")] == [p.id]
    assert [e.reason for e in _audit("product.reject")][0].endswith("Ổi mua ở chợ đầu mối.")


def test_review_pages(client, world):
    login(client, world["officer_x"])
    html = client.get(f"/quan-ly/duyet/gian-hang/{world['stall_x'].id}").get_data(as_text=True)
    assert "Gian chờ X" in html and "••••••••1234" in html and "Thôn Đồng" in html
    html = client.get(f"/quan-ly/duyet/san-pham/{world['product_x'].id}").get_data(as_text=True)
    assert "Sản phẩm chờ X" in html and "45.000 ₫ / kg" in html
    assert client.get("/quan-ly/duyet/khac/1").status_code == 404
    assert client.get("/quan-ly/duyet/gian-hang/999999").status_code == 404
    assert client.get("/quan-ly/duyet/san-pham/999999").status_code == 404


# ---- authorization matrix -------------------------------------------------------------------

def _officer_routes(w):
    """(method, url, data, model, id) of every officer route, aimed at commune Y's items."""
    s, p = w["stall_y"], w["product_y"]
    return [
        ("get", f"/quan-ly/duyet/gian-hang/{s.id}", None, Stall, s.id),
        ("post", f"/quan-ly/duyet/gian-hang/{s.id}/duyet", {}, Stall, s.id),
        ("post", f"/quan-ly/duyet/gian-hang/{s.id}/tu-choi", {"reason": "info", "details": "Sai"}, Stall, s.id),
        ("get", f"/quan-ly/duyet/san-pham/{p.id}", None, Product, p.id),
        ("post", f"/quan-ly/duyet/san-pham/{p.id}/duyet", {}, Product, p.id),
        ("post", f"/quan-ly/duyet/san-pham/{p.id}/tu-choi", {"reason": "info", "details": "Sai"}, Product, p.id),
    ]


def test_officer_of_x_cannot_touch_y(client, world):
    login(client, world["officer_x"])
    for method, url, data, model, id_ in _officer_routes(world):
        r = getattr(client, method)(url, data=data)
        assert r.status_code in (403, 404), url
        assert _status(model, id_) == "pending", url
    assert [e.action for e in _audit() if e.action.endswith((".approve", ".reject"))] == []


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_buyer_and_seller_are_refused(client, world, who):
    login(client, world[who])
    for method, url, data, model, id_ in _officer_routes(world):
        assert getattr(client, method)(url, data=data).status_code == 403, url
        assert _status(model, id_) == "pending"
    assert client.get("/quan-ly/duyet").status_code == 403
    assert client.get("/quan-ly/nhat-ky").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    for method, url, data, model, id_ in _officer_routes(world) + [("get", "/quan-ly/duyet", None, Stall, world["stall_y"].id),
                                                                    ("get", "/quan-ly/nhat-ky", None, Stall, world["stall_y"].id)]:
        r = getattr(client, method)(url, data=data)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], url
        assert _status(model, id_) == "pending"


# ---- audit log ------------------------------------------------------------------------------

def test_audit_log_is_scoped_and_newest_first(client, world):
    login(client, world["officer_x"])
    client.post(f"/quan-ly/duyet/gian-hang/{world['stall_x'].id}/duyet")
    client.post(f"/quan-ly/duyet/san-pham/{world['product_x'].id}/tu-choi", data={"reason": "photo", "details": "Ảnh mờ X"})
    login(client, world["officer_y"])
    client.post(f"/quan-ly/duyet/san-pham/{world['product_y'].id}/tu-choi", data={"reason": "photo", "details": "Ảnh mờ Y"})

    login(client, world["officer_x"])
    html = client.get("/quan-ly/nhat-ky").get_data(as_text=True)
    assert "Ảnh mờ X" in html and "Ảnh mờ Y" not in html
    assert html.index("Từ chối sản phẩm") < html.index("Duyệt gian hàng")  # newest first
    assert "Cán bộ X" in html
    assert f'href="/quan-ly/duyet/gian-hang/{world["stall_x"].id}"' in html

    login(client, world["admin"])
    html = client.get("/quan-ly/nhat-ky").get_data(as_text=True)
    assert "Ảnh mờ X" in html and "Ảnh mờ Y" in html


def test_audit_log_paginates(client, app, world, make):
    from marketplace.core import audit

    for i in range(app.config["PER_PAGE"] * 2 + 1):
        audit.record(world["admin"], "stall.approve", world["stall_x"], commune_id=world["x"].id, reason=f"r{i:03d}")
    db.session.commit()
    login(client, world["officer_x"])
    first = client.get("/quan-ly/nhat-ky").get_data(as_text=True)
    assert "r048" in first and "r000" not in first and 'rel="next"' in first
    second = client.get("/quan-ly/nhat-ky?page=2").get_data(as_text=True)
    assert "r000" in second
    assert client.get("/quan-ly/nhat-ky?page=abc").status_code == 200


def test_ids_beyond_the_column_range_are_404(client, world):
    login(client, world["admin"])
    huge = "99999999999999999999"
    assert client.get(f"/quan-ly/duyet/gian-hang/{huge}").status_code == 404
    assert client.post(f"/quan-ly/duyet/san-pham/{huge}/duyet").status_code == 404
    assert client.get(f"/san-pham/{huge}-x").status_code == 404


def test_decisions_need_the_csrf_token(client, app, world):
    login(client, world["officer_x"])
    stall = world["stall_x"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/quan-ly/duyet/gian-hang/{stall.id}/duyet").status_code == 400
        r = client.post(f"/quan-ly/duyet/gian-hang/{stall.id}/tu-choi", data={"reason": "info", "details": "x"})
        assert r.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _status(Stall, stall.id) == "pending"
