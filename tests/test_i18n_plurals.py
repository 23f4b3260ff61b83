"""Counts read right in English ("1 product", "2 products", "3 bottles") while Vietnamese, which
has a single plural form and is the source text, reads exactly as before."""
import pytest

from marketplace.extensions import db
from marketplace.stalls.models import StallStatus
from tests.conftest import login
from tests.search_fixtures import search_backend  # noqa: F401  (fixture)


def in_english(client):
    client.get("/lang/en?next=/")


def html(client, url, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def add_to_cart(client, product, quantity="1"):
    return client.post("/gio-hang", data={"product_id": product.id, "quantity": quantity, "mode": "add"},
                       follow_redirects=True).get_data(as_text=True)


def test_cart_badge_says_product_or_products(client, make):
    stall = make.stall()
    honey = make.product(stall, name="Mật ong hoa vải", unit="chai")
    lychee = make.product(stall, name="Vải thiều")
    in_english(client)
    add_to_cart(client, honey)
    assert 'aria-label="1 product"' in html(client, "/")
    add_to_cart(client, lychee)
    page = html(client, "/")
    assert 'aria-label="2 products"' in page and "1 products" not in page


def test_cart_badge_in_vietnamese_is_unchanged(client, make):
    stall = make.stall()
    add_to_cart(client, make.product(stall, name="Mật ong hoa vải", unit="chai"))
    assert 'aria-label="1 sản phẩm"' in html(client, "/")
    add_to_cart(client, make.product(stall, name="Vải thiều"))
    assert 'aria-label="2 sản phẩm"' in html(client, "/")


def test_search_result_count(client, make, search_backend):  # noqa: F811
    stall = make.stall()
    make.product(stall, name="Mật ong hoa vải", unit="chai")
    make.product(stall, name="Mật ong rừng", unit="chai")
    make.product(stall, name="Vải thiều")
    in_english(client)
    assert 'role="status">1 product</p>' in html(client, "/tim-kiem?q=vai+thieu")
    assert 'role="status">2 products</p>' in html(client, "/tim-kiem?q=mat+ong")
    client.get("/lang/vi?next=/")
    assert 'role="status">1 sản phẩm</p>' in html(client, "/tim-kiem?q=vai+thieu")
    assert 'role="status">2 sản phẩm</p>' in html(client, "/tim-kiem?q=mat+ong")


def test_stock_and_minimum_read_in_the_units_number(client, make):
    stall = make.stall()
    one = make.product(stall, name="Mật ong hoa vải", unit="chai", stock_milli=1000)
    three = make.product(stall, name="Mật ong rừng", unit="chai", stock_milli=3000, min_milli=2000)
    oil = make.product(stall, name="Dầu lạc", unit="lit", stock_milli=1500, min_milli=500, step_milli=500)
    in_english(client)
    assert "In stock: 1 bottle<" in html(client, f"/san-pham/{one.id}-{one.slug}")
    page = html(client, f"/san-pham/{three.id}-{three.slug}")
    assert "In stock: 3 bottles<" in page and "Minimum purchase: 2 bottles." in page
    page = html(client, f"/san-pham/{oil.id}-{oil.slug}")
    assert "In stock: 1,5 litres<" in page and "Minimum purchase: 0,5 litres, in steps of 0,5 litres." in page
    client.get("/lang/vi?next=/")
    page = html(client, f"/san-pham/{three.id}-{three.slug}")
    assert "Còn hàng: 3 chai<" in page and "Mua tối thiểu 2 chai." in page
    page = html(client, f"/san-pham/{oil.id}-{oil.slug}")
    assert "Mua tối thiểu 0,5 lít, tăng theo bước 0,5 lít." in page


def test_not_enough_stock_message(client, make):
    stall = make.stall()
    one = make.product(stall, name="Mật ong hoa vải", unit="chai", stock_milli=1000)
    three = make.product(stall, name="Mật ong rừng", unit="chai", stock_milli=3000)
    in_english(client)
    assert "Only 1 bottle left." in add_to_cart(client, one, "2")
    assert "Only 3 bottles left." in add_to_cart(client, three, "5")
    client.get("/lang/vi?next=/")
    assert "Chỉ còn 3 chai." in add_to_cart(client, three, "5")


def test_stall_page_heading_is_plural(client, make):
    stall = make.stall()
    make.product(stall, name="Mật ong hoa vải", unit="chai")
    in_english(client)
    assert "<h2>Products (1)</h2>" in html(client, f"/gian-hang/{stall.slug}")
    client.get("/lang/vi?next=/")
    assert "<h2>Sản phẩm (1)</h2>" in html(client, f"/gian-hang/{stall.slug}")


def test_orders_count_products_and_bottles(client, make):
    stall = make.stall()
    buyer = make.user(name="Người mua")
    honey = make.product(stall, name="Mật ong hoa vải", unit="chai")
    lychee = make.product(stall, name="Vải thiều")
    one = make.order(buyer, [(honey, 1000)], {stall.id: "cod"})
    two = make.order(buyer, [(honey, 2000), (lychee, 1500)], {stall.id: "cod"})
    in_english(client)
    login(client, buyer)
    assert "Mật ong hoa vải × 1 bottle —" in html(client, f"/don-hang/{one.code}")
    page = html(client, f"/don-hang/{two.code}")
    assert "Mật ong hoa vải × 2 bottles —" in page and "Vải thiều × 1,5 kg —" in page
    login(client, stall.owner)
    page = html(client, "/gian-hang-cua-toi/don-hang")
    assert " · 1 product · " in page and " · 2 products · " in page
    client.get("/lang/vi?next=/")
    page = html(client, "/gian-hang-cua-toi/don-hang")
    assert " · 1 sản phẩm · " in page and " · 2 sản phẩm · " in page
    assert "Mật ong hoa vải × 2 chai —" in html(client, f"/gian-hang-cua-toi/don-hang/{two.stall_orders[0].code}")


def test_commune_list_counts_villages(client, make):
    make.commune(villages=("Thôn Đồng",))
    make.commune("Yên Mô", villages=("Thôn Yên Thổ", "Thôn Yên Bình"))
    in_english(client)
    page = html(client, "/cho")
    assert " · 1 village<" in page and " · 2 villages<" in page
    client.get("/lang/vi?next=/")
    page = html(client, "/cho")
    assert " · 1 thôn/ấp<" in page and " · 2 thôn/ấp<" in page


@pytest.mark.parametrize("pending, wording", [(1, "Approved 1 item."), (2, "Approved 2 items.")])
def test_bulk_approval_says_item_or_items(client, make, pending, wording):
    commune = make.commune()
    officer = make.officer(commune)
    stalls = [make.stall(commune_obj=commune, status=StallStatus.PENDING) for _ in range(pending)]
    in_english(client)
    login(client, officer)
    page = client.post("/quan-ly/duyet/gian-hang/duyet-nhieu", data={"ids": [str(s.id) for s in stalls]},
                       follow_redirects=True).get_data(as_text=True)
    assert wording in page
    db.session.expire_all()
    assert all(s.status == StallStatus.APPROVED for s in stalls)


def test_trace_page_says_once_then_times(client, make):
    batch = make.batch(stamps=1)
    code = make.stamp_codes(batch)[1]
    in_english(client)
    assert "Scanned once" in html(client, f"/t/{code}")
    assert "Scanned 2 times" in html(client, f"/t/{code}")
    client.get("/lang/vi?next=/")
    assert "Đã quét 3 lần" in html(client, f"/t/{code}")


def test_sellers_trace_summary(client, make):
    batch = make.batch(stamps=1)
    owner = batch.stall.owner
    in_english(client)
    login(client, owner)
    assert "1 batch · 1 stamp · 0 scans" in html(client, "/gian-hang-cua-toi")
    client.get(f"/t/{make.stamp_codes(batch)[1]}")
    make.batch(batch.product, stamps=2)
    assert "2 batches · 3 stamps · 1 scan<" in html(client, "/gian-hang-cua-toi")
    client.get("/lang/vi?next=/")
    assert "2 lô · 3 tem · 1 lượt quét<" in html(client, "/gian-hang-cua-toi")
