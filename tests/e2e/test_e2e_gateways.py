"""A buyer on a 360 px phone pays by card or e-wallet: checkout reaches each provider's redirect
URL (not followed: the provider's page is stubbed) whose parameters verify, then the provider's
simulated server notification marks the order paid and the buyer's page shows it."""
import urllib.parse

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.payments.gateways import http, vnpay
from marketplace.payments.models import GatewayPayment
from tests import gateway_notifications as gn
from tests.e2e.conftest import horizontal_overflow
from tests.e2e.test_e2e_orders import add_to_cart
from tests.gateway_notifications import gateways  # noqa: F401  (fixture)


@pytest.fixture
def providers(monkeypatch):
    from marketplace.payments import stripe_gateway

    fake = gn.FakeProviders(db)
    monkeypatch.setattr(http, "post_json", fake.post_json)
    fake.stripe = gn.StripeRecorder(db)
    monkeypatch.setattr(stripe_gateway.STRIPE, "http_client", fake.stripe)
    return fake


def checkout(page, products, choices):
    for product in products:
        add_to_cart(page, product, "1")
    commune = products[0].stall.commune
    page.goto("/thanh-toan")
    page.get_by_label("Họ tên người nhận").fill("Phạm Thị Mua")
    page.get_by_label("Số điện thoại").fill("0912 000 111")
    page.get_by_label("Tỉnh/thành phố").select_option(value=str(commune.province_code))
    page.get_by_label("Xã/phường").select_option(value=str(commune.ward_code))
    expect(page.locator(f'[data-fee="{products[0].stall_id}"]')).to_have_text("0 ₫")  # fees for the address
    page.get_by_label("Số nhà, đường, thôn/xóm").fill("Số 1, thôn Đồng")
    for product, provider in zip(products, choices):
        page.locator(f"input[name=pay_{product.stall_id}][value={provider}]").check()
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    page.wait_for_url("**/don-hang/CX*")
    return page.url.rsplit("/", 1)[1]


def capture_redirects(page) -> list:
    """The pay buttons' redirects to the providers are recorded, not followed: the app's answer
    is fetched without following redirects and the browser gets a blank page instead."""
    seen = []

    def handle(route):
        response = route.fetch(max_redirects=0)
        seen.append(response.headers.get("location", ""))
        route.fulfill(status=200, content_type="text/html", body="<title>provider</title>")

    page.route("**/thanh-toan/*", handle)
    return seen


def test_vnpay_checkout_redirect_verifies_then_ipn_marks_paid(page, make, providers):
    lychee = make.product(name="Vải thiều Phúc Hòa", unit="kg", price=45000)
    honey = make.product(name="Mật ong hoa nhãn", unit="hu", price=150000)
    code = checkout(page, [lychee, honey], ["vnpay", "vnpay"])
    button = page.get_by_role("button", name="VNPAY")
    assert button.count() == 1 and horizontal_overflow(page) <= 0  # one payment for both stalls
    redirects = capture_redirects(page)
    with page.expect_navigation():
        button.click()
    assert redirects[0].startswith(vnpay.SANDBOX_URL)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirects[0]).query))
    config = vnpay.Config(gn.SETTINGS["VNPAY_TMN_CODE"], gn.SETTINGS["VNPAY_HASH_SECRET"])
    db.session.expire_all()
    payment = db.session.query(GatewayPayment).one()
    assert vnpay.verify(config, params) and params["vnp_TxnRef"] == payment.reference
    assert int(params["vnp_Amount"]) == payment.amount * 100 and payment.order.code == code

    page.unroute("**/thanh-toan/*")
    page.goto(f"/thanh-toan/vnpay/ket-qua/{payment.reference}")  # coming back shows, never marks paid
    expect(page.get_by_text("đang chờ cổng thanh toán xác nhận")).to_be_visible()
    reply = page.request.get("/api/v1/payments/vnpay/ipn?" + urllib.parse.urlencode(gn.vnpay_ipn(payment.reference, payment.amount)))
    assert reply.json() == {"RspCode": "00", "Message": "Confirm Success"}
    page.get_by_role("link", name="Xem đơn hàng").click()
    for so in payment.order.stall_orders:
        expect(page.locator(f"#so-{so.code}").get_by_text("Đã thanh toán").first).to_be_visible()
    assert page.get_by_role("button", name="VNPAY").count() == 0


def test_momo_zalopay_and_stripe_redirects_then_notifications(page, make, providers):
    products = [make.product(name=f"Đặc sản {i}", unit="hu", price=100000 + i * 1000) for i in range(3)]
    checkout(page, products, ["momo", "zalopay", "stripe"])
    redirects = capture_redirects(page)
    order_url = page.url
    expected_host = {"momo": "test-payment.momo.vn", "zalopay": "qcgateway.zalopay.vn", "stripe": "checkout.stripe.com"}
    for name, provider in (("MoMo", "momo"), ("ZaloPay", "zalopay"), ("Stripe", "stripe")):
        page.goto(order_url)
        with page.expect_navigation():
            page.get_by_role("button", name=name).click()
        assert urllib.parse.urlsplit(redirects[-1]).hostname == expected_host[provider]
        db.session.expire_all()
        payment = db.session.query(GatewayPayment).filter_by(provider=provider).one()
        assert gn.deliver_live(page, provider, payment.reference, payment.amount).ok
    # What the app sent the providers verifies as each one checks it.
    momo_body = providers.calls[0]["body"]
    raw = "&".join(f"{k}={({**momo_body, 'accessKey': gn.SETTINGS['MOMO_ACCESS_KEY']})[k]}" for k in (
        "accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerCode", "redirectUrl",
        "requestId", "requestType"))
    assert momo_body["signature"] == gn.hmac_hex(gn.SETTINGS["MOMO_SECRET_KEY"], raw, "sha256")
    zalo = providers.calls[1]["body"]
    data = "|".join(str(zalo[k]) for k in ("app_id", "app_trans_id", "app_user", "amount", "app_time", "embed_data", "item"))
    assert zalo["mac"] == gn.hmac_hex(gn.SETTINGS["ZALOPAY_KEY1"], data, "sha256")
    assert providers.stripe.calls[0]["headers"]["Idempotency-Key"].startswith("checkout-CX")
    page.unroute("**/thanh-toan/*")
    page.goto(order_url)
    assert page.get_by_text("Đã thanh toán").count() >= 3
    assert horizontal_overflow(page) <= 0


def test_seller_ledger_and_admin_payouts_fit_a_phone(page, make, client, gateways):
    from marketplace.payments import gateway_services
    from tests.e2e.test_e2e_seller import log_in

    product = make.product(name="Mật ong hoa nhãn rừng Phúc Hòa loại đặc biệt", unit="hu", price=150000)
    order = make.order(make.user(name="Người mua"), [(product, 1000)], methods={product.stall_id: "momo"})
    payment = gateway_services.start_payment(order.buyer, order.code, "momo")
    assert gn.deliver(client, "momo", payment.reference, payment.amount).status_code == 204
    make.delivered(order.stall_orders[0])
    db.session.commit()

    log_in(page, product.stall.owner)
    page.goto("/gian-hang-cua-toi/so-du")
    expect(page.get_by_text("Bán qua cổng thanh toán")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    context_admin = page.context.browser.new_context(viewport=page.viewport_size, base_url=page.url.split("/gian")[0])
    admin_page = context_admin.new_page()
    log_in(admin_page, make.user(name="Quản trị tỉnh", admin=True))
    admin_page.goto("/quan-ly/doi-soat")
    assert horizontal_overflow(admin_page) <= 0
    admin_page.get_by_label("Mã giao dịch ngân hàng").fill("FT26112200077")
    admin_page.get_by_role("button", name="Ghi nhận đã chuyển khoản").click()
    admin_page.wait_for_load_state()
    expect(admin_page.get_by_text("Đã ghi nhận khoản chi trả.")).to_be_visible()
    context_admin.close()
    page.reload()
    expect(page.get_by_text("Chợ Xã đã chuyển khoản")).to_be_visible()
