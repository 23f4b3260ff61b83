"""A household on a 360 px phone opens a stall and lists a per-kg product with a photo, with
the progressive scripts on: villages narrow to the chosen commune, and photos are shrunk in
the browser before upload. The app is served in a thread from the suite's database, with
CSRF protection on, and driven by Debian's chromium through Playwright."""
import os
import re

import pytest
from playwright.sync_api import expect
from PIL import Image

from marketplace.catalog.models import Product, ProductStatus
from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus
from tests.e2e.conftest import horizontal_overflow
from tests.factories import PASSWORD



@pytest.fixture
def phone(page):
    """The shared phone-sized page of tests/e2e/conftest.py."""
    return page


def camera_photo(path, size=(3000, 2000)) -> str:
    """A few MB of JPEG, like a phone camera's: noise does not compress away."""
    Image.effect_noise(size, 60).convert("RGB").save(path, "JPEG", quality=95)
    return str(path)


def log_in(page, user):
    page.goto("/dang-nhap")
    page.get_by_label("Số điện thoại").fill(user.phone)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def shrunk_width(page, selector) -> int:
    """Width of the first file the input now holds, once photos.js has replaced it."""
    page.wait_for_selector(f"{selector}[data-downscaled]", state="attached")
    return page.evaluate(
        f"createImageBitmap(document.querySelector('{selector}').files[0]).then(b => Math.max(b.width, b.height))")


def file_size(page, selector) -> int:
    return page.evaluate(f"document.querySelector('{selector}').files[0].size")


def test_household_opens_a_stall_on_a_phone(phone, make, tmp_path):
    make.commune("Phúc Hòa", villages=("Thôn Đồng", "Thôn Trại"))
    other = make.commune("Chợ Lách", villages=("Ấp Phú Hữu",))
    user = make.user(name="Nguyễn Văn Tiệp")
    log_in(phone, user)

    phone.goto("/gian-hang-cua-toi")
    phone.get_by_role("link", name="Mở gian hàng").last.click()
    phone.wait_for_url(re.compile("/gian-hang-cua-toi/mo$"))
    assert horizontal_overflow(phone) <= 0
    phone.get_by_label("Tên gian hàng").fill("Vườn vải nhà bác Tiệp")
    phone.get_by_label("Số CCCD").fill("024090001234")
    phone.get_by_label("Xã / phường").select_option(label="Xã Phúc Hòa")
    villages = phone.get_by_label("Thôn / ấp / xóm")
    texts = villages.locator("option").all_inner_texts()
    assert "Thôn Trại" in texts and "Ấp Phú Hữu" not in texts  # only the chosen commune's villages
    villages.select_option(label="Thôn Trại")
    phone.get_by_label("Ảnh bìa").set_input_files(camera_photo(tmp_path / "bia.jpg"))
    assert shrunk_width(phone, "#cover") <= 1600
    assert file_size(phone, "#cover") < os.path.getsize(tmp_path / "bia.jpg") / 2
    phone.get_by_label("Ngân hàng nhận tiền").select_option(value="970405")
    phone.get_by_label("Số tài khoản").fill("1500 2051 23456")
    phone.get_by_label("Tên chủ tài khoản").fill("Nguyễn Văn Tiệp")
    phone.get_by_role("button", name="Gửi đăng ký").click()
    phone.wait_for_url(re.compile("/gian-hang-cua-toi$"))
    expect(phone.get_by_text("Chờ duyệt").first).to_be_visible()
    assert horizontal_overflow(phone) <= 0

    db.session.expire_all()
    stall = db.session.query(Stall).filter_by(owner_id=user.id).one()
    assert stall.village.name == "Thôn Trại" and stall.bank_holder == "NGUYEN VAN TIEP" and stall.cover_key
    assert stall.commune_id != other.id


def test_approved_seller_lists_a_per_kg_product_with_a_photo(phone, make, tmp_path):
    commune = make.commune("Chợ Lách", requires_product_review=False, villages=("Ấp Phú Hữu",))
    user = make.user()
    stall = make.stall(owner=user, commune_obj=commune, status=StallStatus.APPROVED, name="Vườn bưởi Năm Roi")
    make.category("Trái cây")
    log_in(phone, user)

    phone.goto("/gian-hang-cua-toi")
    phone.get_by_role("link", name=re.compile("Thêm sản phẩm")).click()
    phone.wait_for_url(re.compile("/gian-hang-cua-toi/san-pham/moi$"))
    assert horizontal_overflow(phone) <= 0
    phone.get_by_label("Tên sản phẩm").fill("Bưởi da xanh")
    phone.get_by_label("Danh mục").select_option(label="Trái cây")
    phone.get_by_label("Ảnh sản phẩm").set_input_files(camera_photo(tmp_path / "buoi.jpg", (2400, 3200)))
    assert shrunk_width(phone, "#photos") <= 1600
    phone.get_by_label("Đơn vị bán").select_option(value="kg")
    phone.get_by_label("Giá bán (đồng / đơn vị)").fill("45.000")
    phone.get_by_label("Số lượng còn").fill("80")
    phone.get_by_label("Bước mua (với kg, lít)").fill("0,5")
    phone.get_by_label("Mua tối thiểu").fill("1")
    phone.get_by_role("button", name="Đăng sản phẩm").click()
    phone.wait_for_url(re.compile("/gian-hang-cua-toi$"))
    expect(phone.get_by_text("Đã thêm sản phẩm.")).to_be_visible()
    assert horizontal_overflow(phone) <= 0

    db.session.expire_all()
    product = db.session.query(Product).one()
    assert (product.status, product.step_milli, product.min_milli, len(product.images)) == (
        ProductStatus.APPROVED, 500, 1000, 1)
    phone.goto(f"/gian-hang/{stall.slug}")
    expect(phone.get_by_text("Bưởi da xanh").first).to_be_visible()
    expect(phone.get_by_text(re.compile(r"45\.000\s₫\s*/\s*kg")).first).to_be_visible()
    assert horizontal_overflow(phone) <= 0
