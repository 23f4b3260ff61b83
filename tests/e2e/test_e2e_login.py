"""The harness itself, on pages every tree has: the phone-width home page and the login form
(with CSRF on, as a real browser submits it)."""
from playwright.sync_api import expect

from tests.e2e.conftest import horizontal_overflow
from tests.factories import PASSWORD


def test_home_page_fits_a_phone(page):
    response = page.goto("/")
    assert response.status == 200
    assert page.title()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert horizontal_overflow(page) <= 0


def test_household_logs_in_with_the_phone_number_as_typed(page, make):
    make.user(name="Nguyễn Văn Thành", phone="+84900000101")

    page.goto("/dang-nhap")
    page.get_by_label("Số điện thoại").fill("0900 000 101")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)

    expect(page.get_by_role("link", name="Nguyễn Văn Thành")).to_be_visible()
    assert horizontal_overflow(page) <= 0


def test_wrong_password_keeps_the_phone_and_says_why(page, make):
    make.user(phone="+84900000102")

    page.goto("/dang-nhap")
    page.get_by_label("Số điện thoại").fill("0900 000 102")
    page.get_by_label("Mật khẩu").fill("khong-dung-mat-khau")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("alert").first).to_be_visible()
    assert page.get_by_label("Số điện thoại").input_value() == "0900 000 102"
