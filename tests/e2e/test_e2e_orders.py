"""A buyer on a 360 px phone orders from two stalls, pays one by VietQR and the other on
delivery; the bank's notification arrives and the order page shows it paid. The app is served
in a thread from the suite's database with CSRF protection on, driven by Debian's chromium."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.extensions import db
from marketplace.orders.models import StallOrder

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
SEPAY_KEY = "e2e-sepay-key"


@pytest.fixture(scope="module")
def shop_server(app):
    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        MEDIA_DIR = app.config["MEDIA_DIR"]
        WTF_CSRF_ENABLED = True
        PUBLIC_BASE_URL = "http://127.0.0.1"
        SEPAY_API_KEY = SEPAY_KEY

    server = make_server("127.0.0.1", 0, create_app(LiveConfig), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def phone_browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} not found (CI_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium for browser tests")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def phone(phone_browser, shop_server):
    context = phone_browser.new_context(viewport=PHONE, base_url=shop_server, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def add_to_cart(page, product, quantity):
    """Submit the product page's "Thêm vào giỏ" form (orders/_add_to_cart.html) with the
    session's CSRF token, as the browser does from the product page."""
    page.goto("/tra-cuu-don-hang")
    token = page.locator("input[name=csrf_token]").get_attribute("value")
    response = page.request.post("/gio-hang", form={
        "csrf_token": token, "product_id": str(product.id), "quantity": quantity, "mode": "add"})
    assert response.ok


def test_order_from_two_stalls_vietqr_and_cod_then_bank_confirms(phone, make):
    lychee = make.product(name="Vải thiều Phúc Hòa", unit="kg", price=45000, step_milli=500)
    honey = make.product(name="Mật ong hoa nhãn", unit="hu", price=150000)
    commune = lychee.stall.commune
    add_to_cart(phone, lychee, "1,5")
    add_to_cart(phone, honey, "1")

    phone.goto("/gio-hang")
    assert phone.get_by_text(lychee.stall.name).is_visible() and phone.get_by_text(honey.stall.name).is_visible()
    phone.get_by_role("link", name="Đặt hàng").click()

    phone.get_by_label("Họ tên người nhận").fill("Phạm Thị Mua")
    phone.get_by_label("Số điện thoại").fill("0912 000 111")
    with phone.expect_navigation():  # choosing the province reloads the commune list and fees
        phone.get_by_label("Tỉnh/thành phố").select_option(value=str(commune.province_code))
    with phone.expect_navigation():
        phone.get_by_label("Xã/phường").select_option(value=str(commune.ward_code))
    phone.get_by_label("Số nhà, đường, thôn/xóm").fill("Số 1, thôn Đồng")
    phone.locator(f"input[name=pay_{honey.stall_id}][value=cod]").check()
    phone.get_by_role("button", name="Xác nhận đặt hàng").click()

    phone.wait_for_url("**/don-hang/CX*")
    qr = phone.locator("img.qr")
    assert qr.count() == 1 and qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert phone.get_by_text("Trả tiền mặt khi nhận hàng").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    db.session.expire_all()
    vietqr_order = db.session.query(StallOrder).filter_by(payment_method="vietqr").one()
    assert phone.locator("input[aria-label='Nội dung chuyển khoản']").input_value() == vietqr_order.code
    response = phone.request.post("/api/v1/payments/bank-webhook/sepay", headers={"Authorization": f"Apikey {SEPAY_KEY}"},
                                  data={"id": 4242, "gateway": "Agribank", "accountNumber": lychee.stall.bank_account,
                                        "content": f"{vietqr_order.code.lower()} chuyen tien", "transferType": "in",
                                        "transferAmount": vietqr_order.total, "referenceCode": "FT1"})
    assert response.ok and response.json()["outcome"] == "applied"

    phone.reload()
    section = phone.locator(f"#so-{vietqr_order.code}")
    assert section.get_by_text("Đã thanh toán").first.is_visible()
    assert phone.locator("img.qr").count() == 0
