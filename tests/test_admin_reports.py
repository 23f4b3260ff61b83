"""Buyers' reports and what officers do about them: suspensions, officer-hidden products,
warnings; changed products back in review with before/after; bulk approval; announcements;
commune settings by officers; the audit log's filters; the admin's platform pages."""
import io
from datetime import date

from flask import g
from sqlalchemy import select

from marketplace.admin import services
from marketplace.admin.models import Report
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category, Product
from marketplace.communes.models import Commune
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.stalls.models import Stall
from tests.conftest import login as _login


def login(client, user):
    g.pop("_login_user", None)
    _login(client, user)


def _page(product):
    return f"/san-pham/{product.id}-{product.slug}"


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_report_to_suspension_removes_the_stall_from_the_storefront(client, make):
    w = make.admin_world()
    product = w["product_x"]
    assert client.get(_page(product)).status_code == 200
    login(client, w["buyer"])
    html = client.get(_page(product)).get_data(as_text=True)
    assert f"/bao-cao/san-pham/{product.id}" in html  # the report link on the product page
    r = client.post(f"/bao-cao/san-pham/{product.id}", data={
        "category": "fake_origin", "text": "Vải này không phải của Phúc Hòa",
        "photo": (io.BytesIO(make.jpeg_bytes()), "anh.jpg")}, content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/bao-cao/cua-toi")
    report = db.session.scalar(select(Report))
    assert report.commune_id == w["x"].id and report.photo_key
    assert "Đang xem xét" in client.get("/bao-cao/cua-toi").get_data(as_text=True)
    # The photo is for officers only: not a public media kind, not for the reporter.
    assert client.get(f"/media/r/{report.photo_key}_320.jpg").status_code == 404
    assert client.get(f"/quan-ly/bao-cao/{report.id}/anh/320").status_code == 403

    login(client, w["officer_x"])
    assert "Vải này không phải" in client.get("/quan-ly/bao-cao").get_data(as_text=True)
    photo = client.get(f"/quan-ly/bao-cao/{report.id}/anh/320")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and "no-store" in photo.headers["Cache-Control"]
    r = client.post(f"/quan-ly/bao-cao/{report.id}", data={"outcome": "suspend_stall", "note": "Đã xác minh: hàng nơi khác"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Stall, w["stall_x"].id).status == "suspended"
    assert client.get(_page(product)).status_code == 404
    assert "Sản phẩm X" not in client.get(f"/cho/{w['x'].slug}").get_data(as_text=True)
    assert "Sản phẩm Y" in client.get(f"/cho/{w['y'].slug}").get_data(as_text=True)
    # The stall's open order is listed for follow-up.
    html = client.get(f"/quan-ly/gian-hang/{w['stall_x'].id}").get_data(as_text=True)
    assert w["order_x"].stall_orders[0].code in html
    assert _actions()[-2:] == ["report.resolve", "stall.suspend"]

    login(client, w["buyer"])
    html = client.get("/bao-cao/cua-toi").get_data(as_text=True)
    assert "Đã xác minh: hàng nơi khác" in html and "Tạm ngừng gian hàng" in html
    login(client, w["seller_x"])
    assert "Đã xác minh: hàng nơi khác" in client.get("/gian-hang-cua-toi").get_data(as_text=True)

    login(client, w["officer_x"])
    assert client.post(f"/quan-ly/gian-hang/{w['stall_x'].id}/mo-lai", data={"reason": ""}).status_code == 422
    r = client.post(f"/quan-ly/gian-hang/{w['stall_x'].id}/mo-lai", data={"reason": "Đã khắc phục"})
    assert r.status_code == 302 and client.get(_page(product)).status_code == 200


def test_report_rules(client, make):
    w = make.admin_world()
    login(client, w["buyer"])
    url = f"/bao-cao/gian-hang/{w['stall_x'].id}"
    assert url in client.get(f"/gian-hang/{w['stall_x'].slug}").get_data(as_text=True)  # the link on the stall page
    assert client.post(url, data={"category": "other", "text": "  "}).status_code == 422
    assert client.post(url, data={"category": "nope", "text": "Lừa đảo"}).status_code == 422
    r = client.post(url, data={"category": "behaviour", "text": "Ảnh hỏng", "photo": (io.BytesIO(b"not an image"), "x.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and db.session.query(Report).count() == 0
    assert client.post(url, data={"category": "behaviour", "text": "Nói tục"}).status_code == 302
    r = client.post(url, data={"category": "behaviour", "text": "Lại nữa"})
    assert r.status_code == 422 and "đã báo cáo" in r.get_data(as_text=True)
    assert client.get(f"/bao-cao/gian-hang/{w['pending_x'].id}").status_code == 404  # not open to buyers
    assert client.post("/bao-cao/san-pham/999999", data={"category": "other", "text": "x"}).status_code == 404
    login(client, w["seller_x"])
    r = client.post(url, data={"category": "other", "text": "Tự báo cáo"})
    assert r.status_code == 422 and db.session.query(Report).count() == 1


def test_reports_are_rate_limited(client, make):
    w = make.admin_world()
    login(client, w["buyer"])
    codes = [client.post(f"/bao-cao/gian-hang/{w['stall_y'].id}", data={"category": "other", "text": f"Lần {i}"}).status_code
             for i in range(7)]
    assert codes[0] == 302 and codes[-1] == 429 and codes.count(429) == 2  # 5 per hour


def test_hide_product_outcome_cannot_be_undone_by_the_seller(client, make):
    w = make.admin_world()
    report = make.report(w["buyer"], w["product_x"])
    login(client, w["officer_x"])
    # Hiding needs a product report: on a stall report the choice is refused.
    stall_report = make.report(w["buyer"], stall_obj=w["stall_x"])
    r = client.post(f"/quan-ly/bao-cao/{stall_report.id}", data={"outcome": "hide_product", "note": "x"})
    assert r.status_code == 422
    assert client.post(f"/quan-ly/bao-cao/{report.id}", data={"outcome": "hide_product", "note": "Ảnh giả"}).status_code == 302
    db.session.expire_all()
    product = db.session.get(Product, w["product_x"].id)
    assert product.officer_hidden and product.officer_hidden_reason == "Ảnh giả"
    assert client.get(_page(product)).status_code == 404
    login(client, w["seller_x"])
    assert "Cán bộ xã đã ẩn" in client.get("/gian-hang-cua-toi").get_data(as_text=True)
    client.post(f"/gian-hang-cua-toi/san-pham/{product.id}/hien")
    db.session.expire_all()
    assert db.session.get(Product, product.id).officer_hidden and client.get(_page(product)).status_code == 404
    login(client, w["officer_x"])
    assert client.post(f"/quan-ly/san-pham/{product.id}/hien", data={"reason": "Đã sửa ảnh"}).status_code == 302
    assert client.get(_page(product)).status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "product.officer_unhide")).one()
    assert entry.data == {"before": {"officer_hidden": True}, "after": {"officer_hidden": False}}
    # Resolved reports cannot be resolved again.
    r = client.post(f"/quan-ly/bao-cao/{report.id}", data={"outcome": "dismiss", "note": "x"})
    assert r.status_code == 422 and "đã được xử lý" in r.get_data(as_text=True)


def test_warning_reaches_the_seller_and_dismiss_changes_nothing(client, make):
    w = make.admin_world()
    warn, dismiss = make.report(w["buyer"], w["product_x"]), make.report(make.user(), w["product_x"])
    login(client, w["officer_x"])
    client.post(f"/quan-ly/bao-cao/{dismiss.id}", data={"outcome": "dismiss", "note": "Không vi phạm"})
    client.post(f"/quan-ly/bao-cao/{warn.id}", data={"outcome": "warn", "note": "Ghi rõ nơi trồng"})
    db.session.expire_all()
    assert db.session.get(Stall, w["stall_x"].id).status == "approved"
    assert "stall.warn" in _actions()
    login(client, w["seller_x"])
    html = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Ghi rõ nơi trồng" in html and "Không vi phạm" not in html


def test_reports_over_the_threshold_are_flagged(client, make):
    w = make.admin_world()
    w["x"].report_threshold = 2
    db.session.commit()
    make.report(w["buyer"], w["product_x"])
    login(client, w["officer_x"])
    assert "báo cáo đang mở" not in client.get("/quan-ly/bao-cao").get_data(as_text=True)
    make.report(make.user(), stall_obj=w["stall_x"])
    assert "2 báo cáo đang mở" in client.get("/quan-ly/bao-cao").get_data(as_text=True)


def test_price_jump_and_name_change_send_a_product_back_with_before_and_after(client, make):
    w = make.admin_world()
    product, seller = w["product_x"], w["seller_x"]
    catalog.update_product(seller, product.id, {"price": 54000})  # +20 %: under the commune's 30 %
    assert product.status == "approved" and product.approved_snapshot is None
    catalog.update_product(seller, product.id, {"price": 72000})  # +33 %
    assert product.status == "pending" and product.approved_snapshot["price"] == 54000
    catalog.update_product(seller, product.id, {"name": "Vải thiều loại 1"})  # still pending, first snapshot kept
    assert product.approved_snapshot["name"] == "Sản phẩm X"
    login(client, w["officer_x"])
    html = client.get(f"/quan-ly/duyet/san-pham/{product.id}").get_data(as_text=True)
    assert "Thay đổi so với lần duyệt trước" in html and "54.000" in html and "72.000" in html
    assert "Vải thiều loại 1" in html and "Lịch sử người bán" in html
    assert "vừa được sửa" in client.get("/quan-ly/duyet").get_data(as_text=True)
    client.post(f"/quan-ly/duyet/san-pham/{product.id}/duyet")
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert product.status == "approved" and product.approved_snapshot is None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "product.approve")).one()
    assert entry.data["before"]["price"] == 54000 and entry.data["after"]["price"] == 72000


def test_price_jump_threshold_follows_the_commune_setting(make, app):
    w = make.admin_world()
    w["x"].price_jump_pct = 10
    db.session.commit()
    catalog.update_product(w["seller_x"], w["product_x"].id, {"price": 50000})  # +11 %
    assert w["product_x"].status == "pending"
    assert catalog.price_jumped(100, 130, 30) is False and catalog.price_jumped(100, 69, 30) is True


def test_bulk_approve(client, make):
    w = make.admin_world()
    other = make.stall(commune_obj=w["x"], status="pending", name="Gian chờ X2")
    login(client, w["officer_x"])
    html = client.get("/quan-ly/duyet").get_data(as_text=True)
    assert 'form="bulk-gian-hang"' in html
    r = client.post("/quan-ly/duyet/gian-hang/duyet-nhieu",
                    data={"ids": [str(w["pending_x"].id), str(other.id), str(w["pending_y"].id), "abc"]})
    assert r.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Stall, s.id).status for s in (w["pending_x"], other, w["pending_y"])] == [
        "approved", "approved", "pending"]
    assert _actions().count("stall.approve") == 2


def test_announcements_reach_sellers_and_the_commune_page(client, make):
    w = make.admin_world()
    login(client, w["officer_x"])
    assert client.post(f"/quan-ly/thong-bao?xa={w['x'].id}", data={"title": "", "body": "x"}).status_code == 422
    r = client.post(f"/quan-ly/thong-bao?xa={w['x'].id}", data={"title": "Phiên chợ quê 15/12", "body": "Tại UBND xã"})
    assert r.status_code == 302
    login(client, w["seller_x"])
    assert "Phiên chợ quê 15/12" in client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Phiên chợ quê 15/12" in client.get(f"/cho/{w['x'].slug}").get_data(as_text=True)
    assert "Phiên chợ quê 15/12" not in client.get(f"/cho/{w['y'].slug}").get_data(as_text=True)


def test_officer_edits_own_commune_settings_with_audit(client, make):
    w = make.admin_world()
    login(client, w["officer_x"])
    r = client.post(f"/quan-ly/cai-dat-xa/{w['x'].id}", data={
        "intro": "", "requires_product_review": "y", "household_count": "1200", "contact": "0204 3 123 456",
        "price_jump_pct": "15", "report_threshold": "0"})
    assert r.status_code == 422  # threshold below 1
    r = client.post(f"/quan-ly/cai-dat-xa/{w['x'].id}", data={
        "intro": "", "requires_product_review": "y", "household_count": "1200", "contact": "0204 3 123 456",
        "price_jump_pct": "15", "report_threshold": "4"})
    assert r.status_code == 302
    db.session.expire_all()
    commune = db.session.get(Commune, w["x"].id)
    assert (commune.household_count, commune.price_jump_pct, commune.report_threshold) == (1200, 15, 4)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "commune.update")).one()
    assert entry.actor_id == w["officer_x"].id
    assert entry.data["before"]["price_jump_pct"] == 30 and entry.data["after"]["price_jump_pct"] == 15
    html = client.get("/quan-ly/nhat-ky?action=commune.").get_data(as_text=True)
    assert "Sửa cài đặt xã" in html and "price_jump_pct=30" in html and "price_jump_pct=15" in html


def test_audit_log_filters(client, make):
    w = make.admin_world()
    stalls_service = __import__("marketplace.stalls.services", fromlist=["x"])
    stalls_service.suspend_stall(w["officer_x"], w["stall_x"], "Vi phạm")
    login(client, w["admin"])
    html = client.get("/quan-ly/nhat-ky?action=stall.suspend").get_data(as_text=True)
    assert "Tạm ngừng gian hàng" in html and "Vi phạm" in html
    assert "Vi phạm" not in client.get("/quan-ly/nhat-ky?action=product.").get_data(as_text=True)
    assert "Vi phạm" in client.get("/quan-ly/nhat-ky?who=Cán bộ X").get_data(as_text=True)
    assert "Vi phạm" not in client.get("/quan-ly/nhat-ky?who=Cán bộ Y").get_data(as_text=True)
    today = date.today()
    assert "Vi phạm" not in client.get("/quan-ly/nhat-ky?to=2020-01-01").get_data(as_text=True)
    assert "Vi phạm" in client.get(f"/quan-ly/nhat-ky?from=2020-01-01&to={today.replace(year=today.year + 1)}").get_data(as_text=True)
    assert client.get("/quan-ly/nhat-ky?from=garbage&target_id=99999999999999").status_code == 200


def test_categories_crud(client, make):
    admin = make.user(admin=True)
    used = make.product().category
    login(client, admin)
    assert client.post("/quan-ly/danh-muc", data={"name": "Hải sản khô", "position": "3"}).status_code == 302
    new = db.session.scalar(select(Category).where(Category.slug == "hai-san-kho"))
    assert new.position == 3
    assert client.post("/quan-ly/danh-muc", data={"name": "hải sản KHÔ"}).status_code == 422  # same slug
    assert client.post(f"/quan-ly/danh-muc/{new.id}", data={"name": "Hải sản", "position": "1"}).status_code == 302
    client.post(f"/quan-ly/danh-muc/{used.id}/xoa")
    assert db.session.get(Category, used.id) is not None  # in use: kept
    client.post(f"/quan-ly/danh-muc/{new.id}/xoa")
    db.session.expire_all()
    assert db.session.get(Category, new.id) is None
    assert {"category.save", "category.delete"} <= set(_actions())


def test_villages_csv_import(client, make):
    admin, commune = make.user(admin=True), make.commune()
    login(client, admin)
    data = "Tên thôn,Ghi chú\nThôn Đông,\nThôn Tây,x\nThôn Đồng,\n".encode("utf-8-sig")
    r = client.post(f"/quan-ly/xa/{commune.id}/thon-csv", data={"file": (io.BytesIO(data), "thon.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    db.session.expire_all()
    assert sorted(v.name for v in db.session.get(Commune, commune.id).villages) == ["Thôn Tây", "Thôn Đông", "Thôn Đồng"]
    r = client.post(f"/quan-ly/xa/{commune.id}/thon-csv", data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "UTF-8" in r.get_data(as_text=True)


def test_payment_providers_show_status_never_secrets(client, make, app):
    admin = make.user(admin=True)
    login(client, admin)
    app.config.update(SEPAY_API_KEY="sepay-secret-123", VNPAY_TMN_CODE="", VNPAY_HASH_SECRET="vnp-secret")
    try:
        html = client.get("/quan-ly/thanh-toan").get_data(as_text=True)
    finally:
        app.config.update(SEPAY_API_KEY="")
        app.config.pop("VNPAY_TMN_CODE")
        app.config.pop("VNPAY_HASH_SECRET")
    assert "sepay-secret-123" not in html and "vnp-secret" not in html
    assert "SEPAY_API_KEY" in html and "VNPAY_TMN_CODE" in html and "VNPay" in html
    rows = {p["name"]: p for p in services.payment_providers(
        {"SEPAY_API_KEY": "k", "CASSO_CHECKSUM_KEY": "", "VNPAY_TMN_CODE": "X", "VNPAY_HASH_SECRET": ""})}
    assert rows["SePay"]["configured"] and not rows["Casso"]["configured"] and not rows["VNPay"]["configured"]
    assert "MoMo" not in rows
    assert "970405" in client.get("/quan-ly/ngan-hang").get_data(as_text=True)


# ---- API ----------------------------------------------------------------------------------------

def test_api_report_flow(client, make):
    w = make.admin_world()
    buyer = make.bearer(w["buyer"])
    r = client.post("/api/v1/reports", json={"category": "wrong_price", "text": "Giá khác", "product_id": w["product_x"].id},
                    headers=buyer)
    assert r.status_code == 201 and r.get_json()["status"] == "open"
    rid = r.get_json()["id"]
    assert client.post("/api/v1/reports", json={"category": "other", "text": "x"}, headers=buyer).status_code == 422
    assert client.post("/api/v1/reports", json={"category": "other", "text": 5, "stall_id": 1},
                       headers=buyer).status_code == 422
    officer = make.bearer(w["officer_x"])
    listed = client.get("/api/v1/moderation/reports", headers=officer).get_json()
    assert [i["id"] for i in listed["items"]] == [rid] and listed["items"][0]["commune_id"] == w["x"].id
    r = client.post(f"/api/v1/moderation/reports/{rid}/resolve", json={"outcome": "hide_product", "note": "Sai giá"},
                    headers=officer)
    assert r.status_code == 200 and r.get_json()["outcome"] == "hide_product"
    assert client.get(_page(w["product_x"])).status_code == 404
    mine = client.get("/api/v1/reports/mine", headers=buyer).get_json()
    assert mine["items"][0]["note"] == "Sai giá" and "reporter_id" not in mine["items"][0]
    r = client.post(f"/api/v1/moderation/reports/{rid}/resolve", json={"outcome": "dismiss", "note": "x"}, headers=officer)
    assert r.status_code == 409


def test_api_suspend_and_hide(client, make):
    w = make.admin_world()
    officer = make.bearer(w["officer_x"])
    url = f"/api/v1/moderation/stalls/{w['stall_x'].id}"
    assert client.post(f"{url}/suspend", json={"reason": ""}, headers=officer).status_code == 422
    r = client.post(f"{url}/suspend", json={"reason": "Hàng giả"}, headers=officer)
    assert r.status_code == 200 and r.get_json()["status"] == "suspended"
    assert client.post(f"{url}/suspend", json={"reason": "Lần hai"}, headers=officer).status_code == 409
    assert client.get(_page(w["product_x"])).status_code == 404
    assert client.post(f"{url}/reinstate", json={"reason": "OK"}, headers=officer).get_json()["status"] == "approved"
    purl = f"/api/v1/moderation/products/{w['product_x'].id}"
    r = client.post(f"{purl}/hide", json={"reason": "Ảnh giả"}, headers=officer)
    assert r.status_code == 200 and r.get_json()["officer_hidden"] is True
    assert client.post(f"{purl}/unhide", json={"reason": "Đã sửa"}, headers=officer).get_json()["officer_hidden"] is False


def test_api_reports_are_rate_limited(client, make):
    w = make.admin_world()
    buyer = make.bearer(w["buyer"])
    codes = [client.post("/api/v1/reports", json={"category": "other", "text": f"{i}", "stall_id": w["stall_y"].id},
                         headers=buyer).status_code for i in range(6)]
    assert codes[0] == 201 and codes[-1] == 429


def test_two_officers_resolve_one_report_at_once(app, make):
    """Real threads against the real database: exactly one resolution wins."""
    import threading

    from marketplace.admin import reports
    from marketplace.core.errors import Conflict

    w = make.admin_world()
    second = make.officer(w["x"], name="Cán bộ X2")
    report_id = make.report(w["buyer"], w["product_x"]).id
    officer_ids = [w["officer_x"].id, second.id]
    barrier, results = threading.Barrier(2), [None, None]

    def resolve(i):
        from marketplace.accounts.models import User

        with app.app_context():
            try:
                officer = db.session.get(User, officer_ids[i])
                report = reports.get_report(officer, report_id)
                barrier.wait()
                reports.resolve_report(officer, report, ("dismiss", "suspend_stall")[i], f"Quyết định {i}")
                results[i] = "ok"
            except Conflict:
                results[i] = "conflict"
            except Exception as exc:  # a crash must fail the test, not vanish in the thread
                results[i] = repr(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=resolve, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    db.session.expire_all()
    report = db.session.get(Report, report_id)
    winner = results.index("ok")
    assert report.note == f"Quyết định {winner}" and report.resolved_by_id == officer_ids[winner]
    assert _actions().count("report.resolve") == 1
    assert db.session.get(Stall, w["stall_x"].id).status == ("approved", "suspended")[winner]
