"""Request-wide safety: headers, CSRF, secret key, health check, language."""
import pytest
from sqlalchemy.exc import OperationalError

from marketplace import create_app
from marketplace.config import Config
from marketplace.extensions import db


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]


def test_pages_are_vietnamese_with_title(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html and "<title>" in html


def test_english_locale(client):
    client.get("/lang/en?next=/")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_forms_require_csrf(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        make.user(phone="+84912345678")
        r = app.test_client().post("/dang-nhap", data={"phone": "0912345678", "password": make.PASSWORD})
        assert r.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_stale_form_says_to_reload_the_page_as_html_or_as_json(app, make):
    """A phone left on a product page past its session posts an expired token: the buyer is
    told what to do, on the error page or, for orders.js, as JSON it shows in place."""
    product = make.product()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        form = {"csrf_token": "expired", "product_id": product.id, "mode": "add", "quantity": "1"}
        page = app.test_client().post("/gio-hang", data=form)
        assert page.status_code == 400 and "Vui lòng tải lại trang" in page.get_data(as_text=True)
        answer = app.test_client().post("/gio-hang", data=form, headers={"Accept": "application/json"})
        assert answer.status_code == 400 and "Vui lòng tải lại trang" in answer.json["error"]["message"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_flags(client, make):
    make.user(phone="+84912345678")
    r = client.post("/dang-nhap", data={"phone": "0912345678", "password": make.PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_refuses_to_start_without_secret_key_in_production(monkeypatch, tmp_path):
    class Production(Config):
        SECRET_KEY = None
        DEBUG = False
        MEDIA_DIR = str(tmp_path)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


def test_health_check_reports_database_failure(client, monkeypatch):
    assert client.get("/healthz").status_code == 200

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    r = client.get("/healthz")
    assert r.status_code == 503 and r.get_json()["status"] == "unavailable"


def test_unknown_page_is_a_friendly_404(client):
    r = client.get("/khong-co-trang-nay")
    assert r.status_code == 404 and "Không tìm thấy" in r.get_data(as_text=True)


def test_api_errors_are_json(client):
    r = client.get("/api/v1/khong-co")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_oversized_request_is_413(app, client):
    r = client.post("/dang-nhap", data={"phone": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert r.status_code == 413


def test_error_pages_and_units_speak_the_chosen_language(client, make):
    product = make.product(name="Mật ong hoa vải", unit="chai", price=180000)
    client.get("/lang/en?next=/")
    assert "wasn't found" in client.get("/khong-co-trang-nay").get_data(as_text=True)
    assert "180.000 ₫ / bottle" in client.get(f"/san-pham/{product.id}-{product.slug}").get_data(as_text=True)
