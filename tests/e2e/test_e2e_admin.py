"""The commune officer on a 360 px phone: approves a stall from the queue, and acts on a
buyer's report by suspending the stall, which takes its products off the storefront at once.
Served from the suite's database with CSRF on, driven by Debian's chromium."""
import re

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus
from tests.e2e.conftest import horizontal_overflow
from tests.factories import PASSWORD


def log_in(page, user):
    page.goto("/dang-nhap")
    page.get_by_label("Số điện thoại").fill(user.phone)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def log_out(page):
    page.context.clear_cookies()


def test_officer_approves_a_stall_from_the_queue(page, make):
    commune = make.commune()
    officer = make.officer(commune, name="Cán bộ Bình")
    pending = make.stall(commune_obj=commune, status=StallStatus.PENDING, name="Mật ong nhà Hà")
    log_in(page, officer)
    page.goto("/quan-ly/duyet")
    assert horizontal_overflow(page) <= 0
    section = page.locator("section.review", has_text="Mật ong nhà Hà")
    section.get_by_role("button", name="Duyệt", exact=True).click()
    page.wait_for_url(re.compile("/quan-ly/duyet$"))
    expect(page.get_by_text("Đã duyệt “Mật ong nhà Hà”")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Stall, pending.id).status == StallStatus.APPROVED
    page.goto("/quan-ly/so-lieu")
    assert horizontal_overflow(page) <= 0 and page.locator("svg.chart-svg").count() == 2
    # The officer's other pages fit the phone too (wide tables scroll inside their box).
    for url in ("/quan-ly/nhat-ky", "/quan-ly/gian-hang", f"/quan-ly/gian-hang/{pending.id}", "/quan-ly/thong-bao",
                f"/quan-ly/cai-dat-xa/{commune.id}", "/quan-ly/so-lieu/bao-cao-thang", "/quan-ly/bao-cao"):
        page.goto(url)
        assert horizontal_overflow(page) <= 0, url


def test_buyer_report_leads_to_a_suspension(page, make):
    commune = make.commune()
    officer = make.officer(commune, name="Cán bộ Bình")
    stall = make.stall(commune_obj=commune, name="Vải giả Phúc Hòa")
    product = make.product(stall, name="Vải thiều chính gốc")
    buyer = make.user(name="Người mua Lan")

    page.goto(f"/cho/{commune.slug}")
    assert page.get_by_text("Vải thiều chính gốc").count() >= 1  # on sale before the report
    log_in(page, buyer)
    page.goto(f"/san-pham/{product.id}-{product.slug}")
    page.get_by_role("link", name=re.compile("Báo cáo vi phạm")).click()
    page.get_by_label("Loại vi phạm").select_option("fake_origin")
    page.get_by_label("Mô tả").fill("Vải mua ở chợ đầu mối, không phải của xã")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(re.compile("/bao-cao/cua-toi$"))
    expect(page.get_by_text("Đang xem xét")).to_be_visible()
    log_out(page)

    log_in(page, officer)
    page.goto("/quan-ly/bao-cao")
    assert horizontal_overflow(page) <= 0
    page.get_by_role("link", name=re.compile("Vải thiều chính gốc")).click()
    page.get_by_label("Cách xử lý").select_option("suspend_stall")
    page.get_by_label("Ghi chú").fill("Đã kiểm tra: hàng không sản xuất tại xã")
    page.get_by_role("button", name="Xác nhận xử lý").click()
    page.wait_for_url(re.compile("/quan-ly/bao-cao$"))
    log_out(page)

    # Gone from the storefront: the commune's listing, the home page and the product page.
    page.goto(f"/cho/{commune.slug}")
    assert page.get_by_text("Vải thiều chính gốc").count() == 0
    page.goto("/")
    assert page.get_by_text("Vải thiều chính gốc").count() == 0
    response = page.goto(f"/san-pham/{product.id}-{product.slug}")
    assert response.status == 404

    log_in(page, buyer)
    page.goto("/bao-cao/cua-toi")
    expect(page.get_by_text("Đã kiểm tra: hàng không sản xuất tại xã")).to_be_visible()
