"""A buyer on a 360 px phone orders from two stalls, pays one by VietQR and the other on
delivery; the bank's notification arrives and the order page shows it paid. The app is served
in a thread from the suite's database with CSRF protection on, driven by Debian's chromium."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from pyzbar.pyzbar import decode

from marketplace.core import address
from marketplace.extensions import db
from marketplace.orders import methods
from marketplace.orders.models import StallOrder
from tests.e2e.conftest import SEPAY_KEY, horizontal_overflow


@pytest.fixture
def phone(page):
    """The shared phone-sized page of tests/e2e/conftest.py."""
    return page


def add_to_cart(page, product, quantity):
    """Type the quantity on the product page and tap "Thêm vào giỏ", as a buyer does: the page
    stays, says so and counts the lines on the cart link."""
    page.goto(f"/san-pham/{product.id}-{product.slug}")
    page.evaluate("window.samePage = true")
    page.get_by_label(f"Số lượng ({product.unit_info.label})").fill(quantity)
    page.get_by_role("button", name="Thêm vào giỏ").click()
    expect(page.get_by_role("status")).to_have_text("Đã thêm vào giỏ hàng.")
    assert page.evaluate("window.samePage") is True


def test_order_from_two_stalls_vietqr_and_cod_then_bank_confirms(phone, make):
    lychee = make.product(name="Vải thiều Phúc Hòa", unit="kg", price=45000, step_milli=500)
    honey = make.product(name="Mật ong hoa nhãn", unit="hu", price=150000)
    commune = lychee.stall.commune
    add_to_cart(phone, lychee, "1,5")
    add_to_cart(phone, honey, "1")
    expect(phone.locator("a[data-cart] .count")).to_have_text("2")

    phone.goto("/gio-hang")
    expect(phone.get_by_text(lychee.stall.name)).to_be_visible()
    expect(phone.get_by_text(honey.stall.name)).to_be_visible()
    phone.get_by_role("link", name="Đặt hàng").click()

    phone.get_by_label("Họ tên người nhận").fill("Phạm Thị Mua")
    phone.get_by_label("Số điện thoại").fill("0912 000 111")
    expect(phone.locator(f'[data-fee="{lychee.stall_id}"]')).to_have_text("35.000 ₫")  # no address yet
    phone.evaluate("window.samePage = true")
    # Choosing the province brings its communes and wards, choosing the ward the fees: in place.
    phone.get_by_label("Tỉnh/thành phố").select_option(value=str(commune.province_code))
    phone.get_by_label("Xã/phường").select_option(value=str(commune.ward_code))
    expect(phone.locator(f'[data-fee="{lychee.stall_id}"]')).to_have_text("0 ₫")  # same commune: free
    assert phone.evaluate("window.samePage") is True
    phone.get_by_label("Số nhà, đường, thôn/xóm").fill("Số 1, thôn Đồng")
    phone.locator(f"input[name=pay_{honey.stall_id}][value=cod]").check()
    phone.get_by_role("button", name="Xác nhận đặt hàng").click()

    phone.wait_for_url("**/don-hang/CX*")
    expect(phone.get_by_text("Trả tiền mặt khi nhận hàng")).to_be_visible()
    assert horizontal_overflow(phone) <= 0

    db.session.expire_all()
    vietqr_order = db.session.query(StallOrder).filter_by(payment_method="vietqr").one()
    assert phone.locator("input[aria-label='Nội dung chuyển khoản']").input_value() == vietqr_order.code
    # The QR drawn in the page, as the phone shows it, scans to the transfer of this order.
    qr = phone.get_by_role("img", name=f"Mã VietQR thanh toán đơn {vietqr_order.code}")
    scanned = [d.data.decode() for d in decode(Image.open(io.BytesIO(qr.screenshot())))]
    assert scanned == [methods.get("vietqr").instructions(vietqr_order)["qr_payload"]]
    response = phone.request.post("/api/v1/payments/bank-webhook/sepay", headers={"Authorization": f"Apikey {SEPAY_KEY}"},
                                  data={"id": 4242, "gateway": "Agribank", "accountNumber": lychee.stall.bank_account,
                                        "content": f"{vietqr_order.code.lower()} chuyen tien", "transferType": "in",
                                        "transferAmount": vietqr_order.total, "referenceCode": "FT1"})
    assert response.ok and response.json()["outcome"] == "applied"

    phone.reload()
    section = phone.locator(f"#so-{vietqr_order.code}")
    expect(section.get_by_text("Đã thanh toán").first).to_be_visible()
    assert phone.locator("svg.qr").count() == 0


def test_a_product_page_left_open_too_long_says_to_reload_instead_of_adding(phone, make):
    honey = make.product(name="Mật ong hoa nhãn", unit="hu", price=150000)
    phone.goto(f"/san-pham/{honey.id}-{honey.slug}")
    phone.evaluate("document.querySelector('form.add-to-cart [name=csrf_token]').value = 'expired'")
    phone.get_by_role("button", name="Thêm vào giỏ").click()
    expect(phone.get_by_role("alert")).to_contain_text("Vui lòng tải lại trang")
    assert phone.locator("a[data-cart] .count").count() == 0


def test_a_late_answer_for_an_earlier_address_does_not_overwrite_the_fees(phone, make):
    """Over 3G the fees for the province alone can arrive after those for the ward chosen next:
    the page keeps the ward's fees and the order is placed with the total it shows."""
    lychee = make.product(name="Vải thiều Phúc Hòa", unit="kg", price=45000, step_milli=500)
    commune = lychee.stall.commune
    add_to_cart(phone, lychee, "1")
    phone.goto("/thanh-toan")
    phone.get_by_label("Họ tên người nhận").fill("Phạm Thị Mua")
    phone.get_by_label("Số điện thoại").fill("0912 000 111")
    phone.get_by_label("Số nhà, đường, thôn/xóm").fill("Số 1, thôn Đồng")
    held = []
    phone.route(lambda url: "phi-giao-hang" in url and "ward_code=0" in url, lambda route: held.append(route))
    phone.get_by_label("Tỉnh/thành phố").select_option(value=str(commune.province_code))
    phone.get_by_label("Xã/phường").select_option(value=str(commune.ward_code))
    fee = phone.locator(f'[data-fee="{lychee.stall_id}"]')
    expect(fee).to_have_text("0 ₫")
    assert len(held) == 1  # the province's answer, held back until now
    with phone.expect_response(lambda r: "ward_code=0" in r.url) as late:
        held[0].continue_()
    late.value.finished()
    expect(fee).to_have_text("0 ₫")
    phone.get_by_role("button", name="Xác nhận đặt hàng").click()
    phone.wait_for_url("**/don-hang/CX*")


def test_the_ward_list_is_the_last_chosen_provinces_even_if_an_earlier_one_answers_last(phone, make):
    lychee = make.product(name="Vải thiều Phúc Hòa", unit="kg", price=45000, step_milli=500)
    commune = lychee.stall.commune
    other = next(code for code, _name in address.provinces() if code != commune.province_code)
    add_to_cart(phone, lychee, "1")
    phone.goto("/thanh-toan")
    held = []
    phone.route(lambda url: f"xa-phuong?province_code={other}" in url, lambda route: held.append(route))
    phone.get_by_label("Tỉnh/thành phố").select_option(value=str(other))  # a slip, corrected at once
    phone.get_by_label("Tỉnh/thành phố").select_option(value=str(commune.province_code))
    phone.get_by_label("Xã/phường").select_option(value=str(commune.ward_code))
    assert len(held) == 1
    with phone.expect_response(lambda r: f"province_code={other}" in r.url) as late:
        held[0].continue_()
    late.value.finished()
    expect(phone.get_by_label("Xã/phường").locator(f'option[value="{commune.ward_code}"]')).to_have_count(1)
    assert phone.get_by_label("Xã/phường").input_value() == str(commune.ward_code)
