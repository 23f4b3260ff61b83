"""Authorization matrix over the admin module: an officer of commune Y on commune X's stall,
product, report, announcement, settings, figures and exports is refused (403/404) and nothing
changes; sellers and buyers get 403; anonymous visitors are sent to log in (401 on the API)."""
import io

import pytest
from flask import g
from sqlalchemy import func, select

from marketplace.admin.models import Announcement, Report
from marketplace.catalog.models import Product
from marketplace.communes.models import Commune
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.stalls.models import Stall
from tests.conftest import login as _login


def login(client, user):
    g.pop("_login_user", None)
    _login(client, user)


@pytest.fixture
def w(make):
    from marketplace.admin import reports, services

    w = make.admin_world()
    w["report_x"] = reports.create_report(w["buyer"], "fake_origin", "Không phải vải Phúc Hòa",
                                           product_id=w["product_x"].id, photo=io.BytesIO(make.jpeg_bytes()))
    w["announcement_x"] = services.post_announcement(w["officer_x"], w["x"], "Tập huấn", "Sáng thứ Hai")
    w["seller"] = w["seller_x"]
    return w


def state():
    """Everything an admin action could change."""
    return (
        db.session.execute(select(Stall.id, Stall.status, Stall.status_reason).order_by(Stall.id)).all(),
        db.session.execute(select(Product.id, Product.status, Product.officer_hidden).order_by(Product.id)).all(),
        db.session.execute(select(Report.id, Report.status, Report.outcome).order_by(Report.id)).all(),
        db.session.execute(select(Commune.id, Commune.intro, Commune.household_count, Commune.price_jump_pct,
                                  Commune.report_threshold, Commune.requires_product_review)).all(),
        db.session.scalar(select(func.count(Announcement.id))),
        db.session.scalar(select(func.count(AuditEntry.id))),
    )


def x_routes(w):
    """(method, url, form) of every officer route, aimed at commune X's things."""
    x, s, p, r, pend = w["x"].id, w["stall_x"].id, w["product_x"].id, w["report_x"].id, w["pending_x"].id
    reason = {"reason": "Vi phạm"}
    routes = [
        ("GET", f"/quan-ly/bao-cao/{r}", None),
        ("POST", f"/quan-ly/bao-cao/{r}", {"outcome": "suspend_stall", "note": "Đình chỉ"}),
        ("GET", f"/quan-ly/bao-cao/{r}/anh/320", None),
        ("GET", f"/quan-ly/gian-hang/{s}", None),
        ("POST", f"/quan-ly/gian-hang/{s}/tam-ngung", reason),
        ("POST", f"/quan-ly/gian-hang/{s}/mo-lai", reason),
        ("POST", f"/quan-ly/san-pham/{p}/an", reason),
        ("POST", f"/quan-ly/san-pham/{p}/hien", reason),
        ("GET", f"/quan-ly/duyet/gian-hang/{pend}", None),
        ("POST", f"/quan-ly/duyet/gian-hang/{pend}/duyet", {}),
        ("POST", f"/quan-ly/duyet/gian-hang/{pend}/tu-choi", {"reason": "info", "details": "Thiếu"}),
        ("GET", f"/quan-ly/so-lieu?xa={x}", None),
        ("GET", f"/quan-ly/so-lieu/bao-cao-thang?xa={x}", None),
        ("GET", f"/quan-ly/cai-dat-xa/{x}", None),
        ("POST", f"/quan-ly/cai-dat-xa/{x}", {"intro": "Bị sửa", "household_count": "1", "price_jump_pct": "5"}),
        ("GET", f"/quan-ly/thong-bao?xa={x}", None),
        ("POST", f"/quan-ly/thong-bao?xa={x}", {"title": "Giả mạo", "body": "x"}),
        ("POST", f"/quan-ly/thong-bao/{w['announcement_x'].id}/xoa", {}),
    ]
    for kind in ("gian-hang", "san-pham", "don-hang", "so-lieu", "cac-xa"):
        for ext in ("csv", "xlsx"):
            routes.append(("GET", f"/quan-ly/so-lieu/xuat/{kind}.{ext}?xa={x}", None))
    return routes


def admin_only_routes(w):
    return [
        ("GET", "/quan-ly/danh-muc", None),
        ("POST", "/quan-ly/danh-muc", {"name": "Hải sản", "position": "1"}),
        ("GET", f"/quan-ly/danh-muc/{w['product_x'].category_id}", None),
        ("POST", f"/quan-ly/danh-muc/{w['product_x'].category_id}", {"name": "Đổi tên"}),
        ("POST", f"/quan-ly/danh-muc/{w['product_x'].category_id}/xoa", {}),
        ("GET", "/quan-ly/ngan-hang", None),
        ("GET", "/quan-ly/thanh-toan", None),
        ("POST", f"/quan-ly/xa/{w['y'].id}/thon-csv", {}),
    ]


def officer_list_routes():
    return [("GET", u, None) for u in ("/quan-ly/bao-cao", "/quan-ly/gian-hang", "/quan-ly/so-lieu",
                                       "/quan-ly/thong-bao", "/quan-ly/so-lieu/bao-cao-thang",
                                       "/quan-ly/so-lieu/xuat/don-hang.csv")]


def _call(client, method, url, form):
    return client.get(url) if method == "GET" else client.post(url, data=form or {})


def test_officer_of_another_commune_is_refused_and_nothing_changes(client, w):
    login(client, w["officer_y"])
    before = state()
    for method, url, form in x_routes(w) + admin_only_routes(w):
        r = _call(client, method, url, form)
        assert r.status_code in (403, 404), (method, url, r.status_code)
    db.session.expire_all()
    assert state() == before


def test_bulk_approve_skips_other_communes(client, w):
    login(client, w["officer_y"])
    before = state()
    r = client.post("/quan-ly/duyet/gian-hang/duyet-nhieu", data={"ids": [str(w["pending_x"].id)]})
    assert r.status_code == 302
    db.session.expire_all()
    assert state() == before


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_sellers_and_buyers_get_403(client, w, who):
    login(client, w[who])
    before = state()
    routes = x_routes(w) + admin_only_routes(w) + officer_list_routes()
    routes.append(("POST", "/quan-ly/duyet/gian-hang/duyet-nhieu", {"ids": [str(w["pending_x"].id)]}))
    for method, url, form in routes:
        assert _call(client, method, url, form).status_code == 403, (who, method, url)
    db.session.expire_all()
    assert state() == before


def test_anonymous_is_sent_to_login(client, w):
    before = state()
    routes = x_routes(w) + admin_only_routes(w) + officer_list_routes() + [
        ("GET", "/bao-cao/cua-toi", None), ("GET", f"/bao-cao/san-pham/{w['product_x'].id}", None),
        ("POST", f"/bao-cao/gian-hang/{w['stall_x'].id}", {"category": "other", "text": "x"})]
    for method, url, form in routes:
        r = _call(client, method, url, form)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], (method, url, r.status_code)
    db.session.expire_all()
    assert state() == before


def test_lists_show_only_the_officers_communes(client, w, make):
    make.report(w["buyer"], w["product_y"], text="Báo cáo ở Yên Mô")
    login(client, w["officer_y"])
    html = client.get("/quan-ly/bao-cao").get_data(as_text=True)
    assert "Báo cáo ở Yên Mô"[:20] in html or "Sản phẩm Y" in html
    assert "Sản phẩm X" not in html
    html = client.get("/quan-ly/gian-hang").get_data(as_text=True)
    assert "Gian Y" in html and "Gian X" not in html
    html = client.get("/quan-ly/thong-bao").get_data(as_text=True)
    assert "Tập huấn" not in html
    csv_text = client.get("/quan-ly/so-lieu/xuat/don-hang.csv").get_data().decode("utf-8-sig")
    assert "Gian Y" in csv_text and "Gian X" not in csv_text
    csv_text = client.get("/quan-ly/so-lieu/xuat/gian-hang.csv").get_data().decode("utf-8-sig")
    assert "Gian Y" in csv_text and "Gian X" not in csv_text


def test_admin_reaches_everything(client, w):
    login(client, w["admin"])
    for method, url, _form in x_routes(w) + admin_only_routes(w) + officer_list_routes():
        if method == "GET":
            assert client.get(url).status_code == 200, url


# ---- API ----------------------------------------------------------------------------------------

def api_routes(w):
    s, p, r = w["stall_x"].id, w["product_x"].id, w["report_x"].id
    reason = {"reason": "Vi phạm"}
    return [
        ("GET", f"/api/v1/dashboard?commune_id={w['x'].id}", None),
        ("POST", f"/api/v1/moderation/reports/{r}/resolve", {"outcome": "dismiss", "note": "Không"}),
        ("POST", f"/api/v1/moderation/stalls/{s}/suspend", reason),
        ("POST", f"/api/v1/moderation/stalls/{s}/reinstate", reason),
        ("POST", f"/api/v1/moderation/products/{p}/hide", reason),
        ("POST", f"/api/v1/moderation/products/{p}/unhide", reason),
    ]


def _api(client, method, url, body, headers):
    return client.get(url, headers=headers) if method == "GET" else client.post(url, json=body, headers=headers)


def test_api_officer_of_another_commune_is_refused(client, w, make):
    headers = make.bearer(w["officer_y"])
    before = state()
    for method, url, body in api_routes(w):
        r = _api(client, method, url, body, headers)
        assert r.status_code in (403, 404), (url, r.status_code)
        assert r.get_json()["error"]["code"] in ("forbidden", "not_found")
    listed = client.get("/api/v1/moderation/reports", headers=headers).get_json()
    assert listed["total"] == 0
    db.session.expire_all()
    assert state() == before


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_api_sellers_and_buyers_get_403(client, w, make, who):
    headers = make.bearer(w[who])
    before = state()
    for method, url, body in api_routes(w) + [("GET", "/api/v1/moderation/reports", None)]:
        assert _api(client, method, url, body, headers).status_code == 403, url
    db.session.expire_all()
    assert state() == before


def test_api_anonymous_gets_401(client, w):
    for method, url, body in api_routes(w) + [("GET", "/api/v1/moderation/reports", None),
                                               ("POST", "/api/v1/reports", {"category": "other", "text": "x",
                                                                            "stall_id": w["stall_x"].id}),
                                               ("GET", "/api/v1/reports/mine", None)]:
        assert _api(client, method, url, body, {}).status_code == 401, url


def test_out_of_range_ids_in_query_strings_are_404_not_500(client, w, make):
    login(client, w["admin"])
    for url in ("/quan-ly/so-lieu?xa=99999999999", "/quan-ly/thong-bao?xa=99999999999",
                "/quan-ly/so-lieu/xuat/don-hang.csv?xa=-5", "/quan-ly/so-lieu/bao-cao-thang?xa=4294967296"):
        assert client.get(url).status_code == 404, url
    r = client.get("/api/v1/dashboard?commune_id=9999999999", headers=make.bearer(w["admin"]))
    assert r.status_code == 404
