"""A seller on a 360 px phone turns a confirmed COD order into a shipment, prints its label,
records the carrier's updates up to delivered, and the public tracking page follows."""
import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.orders.models import StallOrder
from tests.e2e.conftest import horizontal_overflow
from tests.factories import PASSWORD


@pytest.fixture
def phone(page):
    return page


def test_seller_ships_a_cod_order_from_a_phone(phone, make):
    so = make.confirmed_order(make.product(price=350_000))
    phone.goto("/dang-nhap")
    phone.get_by_label("Số điện thoại").fill(so.stall.owner.phone)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(lambda url: "/dang-nhap" not in url)

    phone.goto(f"/gian-hang-cua-toi/don-hang/{so.code}")
    phone.get_by_role("link", name="Tạo vận đơn và in nhãn").click()
    assert phone.get_by_label("Tiền thu hộ COD (đồng, 0 nếu không thu)").input_value() == "350000"
    assert horizontal_overflow(phone) <= 0
    phone.get_by_label("Mã vận đơn của hãng (nếu đã có)").fill("EL491610888VN")
    phone.get_by_role("button", name="Tạo vận đơn").click()
    expect(phone.get_by_text("sai chữ số kiểm tra").first).to_be_visible()
    phone.get_by_label("Mã vận đơn của hãng (nếu đã có)").fill("EL491610889VN")
    phone.get_by_role("button", name="Tạo vận đơn").click()
    phone.wait_for_url("**/gian-hang-cua-toi/van-don/VD*")
    assert horizontal_overflow(phone) <= 0

    label = phone.request.get(phone.get_by_role("link", name="In Nhãn 100×150").get_attribute("href"))
    assert label.ok and label.body().startswith(b"%PDF")
    for kind in ("Bưu cục đã nhận hàng", "Đã giao hàng"):
        phone.get_by_label("Cập nhật từ hãng vận chuyển").select_option(label=kind)
        phone.get_by_role("button", name="Ghi cập nhật").click()
        phone.wait_for_load_state()
    db.session.expire_all()
    assert db.session.get(StallOrder, so.id).status == "delivered"

    phone.goto("/track/EL491610889VN")
    expect(phone.get_by_text("Đã giao hàng").first).to_be_visible()
    assert horizontal_overflow(phone) <= 0
