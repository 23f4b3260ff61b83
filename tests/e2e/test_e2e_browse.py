"""A buyer on a 360 px phone browses from the home page to a product."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import horizontal_overflow

HOME_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "site" / "home.html"


def _require_storefront_pages():
    # Before the storefront pages exist the home page is a bare heading with nothing to follow.
    if "product" not in HOME_TEMPLATE.read_text(encoding="utf-8"):
        pytest.skip("the storefront pages (home, commune, product) are placeholders in this tree")


def test_buyer_browses_from_home_through_the_commune_to_a_product(page, make):
    _require_storefront_pages()
    commune = make.commune("Phúc Hòa")
    stall = make.stall(commune_obj=commune, name="Vườn vải nhà bác Thành")
    make.product(stall_obj=stall, name="Vải sớm Phúc Hòa", price=55000, unit="kg")
    make.product(stall_obj=make.stall(commune_obj=make.commune("Chợ Lách")), name="Bưởi da xanh", price=45000)

    page.goto("/")
    expect(page.get_by_text("Vải sớm Phúc Hòa").first).to_be_visible()
    assert horizontal_overflow(page) <= 0

    page.get_by_role("link", name=re.compile("Chợ Phúc Hòa")).first.click()
    page.wait_for_load_state()
    expect(page.get_by_text("Vải sớm Phúc Hòa").first).to_be_visible()
    assert page.get_by_text("Bưởi da xanh").count() == 0  # another commune's product is not listed here
    assert horizontal_overflow(page) <= 0

    page.get_by_role("link", name=re.compile("Vải sớm Phúc Hòa")).first.click()
    page.wait_for_url(re.compile(r"/san-pham/\d+-vai-som-phuc-hoa$"))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == "Vải sớm Phúc Hòa"
    expect(page.get_by_text(re.compile(r"55\.000\s₫\s*/\s*kg")).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
