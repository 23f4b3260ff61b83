"""The storefront: home, commune, category and product pages, the operating rules page."""
import re
from datetime import date, datetime, timedelta

import pytest

from marketplace.catalog.models import Certification, ProductImage, ProductStatus
from marketplace.extensions import db
from marketplace.stalls.models import StallStatus


@pytest.fixture
def market(make):
    """One visible product and one of each kind that must never be shown."""
    commune = make.commune()
    stall = make.stall(commune_obj=commune)
    items = {
        "visible": make.product(stall, name="Vải thiều hiện"),
        "pending": make.product(stall, name="Vải chờ duyệt", status=ProductStatus.PENDING),
        "rejected": make.product(stall, name="Vải bị từ chối", status=ProductStatus.REJECTED),
        "hidden": make.product(stall, name="Vải đang ẩn", hidden=True),
        "deleted": make.product(stall, name="Vải đã xóa", deleted_at=datetime(2025, 1, 1)),
        "stall_pending": make.product(make.stall(commune_obj=commune, status=StallStatus.PENDING), name="Ổi gian chờ"),
        "stall_suspended": make.product(make.stall(commune_obj=commune, status=StallStatus.SUSPENDED), name="Bưởi gian ngừng"),
    }
    return commune, items


def _image(product, position=0, width=1200, height=900):
    """A photo record (the files are not needed to render pages)."""
    img = ProductImage(product=product, key=f"img{product.id}x{position}", width=width, height=height, position=position)
    db.session.add(img)
    db.session.commit()
    return img


HIDDEN_KEYS = ("pending", "rejected", "hidden", "deleted", "stall_pending", "stall_suspended")


def _pages(client, commune, category_slug):
    return {
        "home": client.get("/").get_data(as_text=True),
        "commune": client.get(f"/cho/{commune.slug}").get_data(as_text=True),
        "category": client.get(f"/danh-muc/{category_slug}").get_data(as_text=True),
    }


def test_listings_show_only_visible_products(client, market):
    commune, items = market
    for name, html in _pages(client, commune, items["visible"].category.slug).items():
        assert "Vải thiều hiện" in html, name
        for key in HIDDEN_KEYS:
            assert items[key].name not in html, (name, key)


@pytest.mark.parametrize("key", HIDDEN_KEYS)
def test_product_page_of_invisible_product_is_404(client, market, key):
    p = market[1][key]
    assert client.get(f"/san-pham/{p.id}-{p.slug}").status_code == 404


def test_product_page_redirects_to_canonical_slug(client, make):
    p = make.product(name="Mật ong hoa vải")
    r = client.get(f"/san-pham/{p.id}-sai-ten")
    assert r.status_code == 301
    assert r.headers["Location"].endswith(f"/san-pham/{p.id}-mat-ong-hoa-vai")
    assert client.get(f"/san-pham/{p.id}-mat-ong-hoa-vai").status_code == 200


def test_home_links_communes_and_categories(client, make):
    p = make.product()
    html = client.get("/").get_data(as_text=True)
    assert "Chợ Phúc Hòa" in html
    assert f'href="/cho/{p.stall.commune.slug}"' in html
    assert f'href="/danh-muc/{p.category.slug}"' in html


def test_home_first_row_eager_rest_lazy(client, make):
    stall = make.stall()
    for i in range(6):
        make.product(stall, name=f"Sản phẩm {i}")
    imgs = re.findall(r"<img [^>]*card|<li class=\"card\">\s*<a[^>]*>\s*<img[^>]*>", client.get("/").get_data(as_text=True))
    assert len(imgs) == 6
    assert [("loading=\"lazy\"" in i) for i in imgs] == [False] * 4 + [True] * 2


def test_commune_page_shows_intro_villages_and_approved_stalls(client, make):
    commune = make.commune(villages=("Thôn Đồng", "Thôn Bãi"))
    commune.intro = "Quê hương vải thiều."
    make.stall(commune_obj=commune, name="Vườn nhà Tiệp")
    make.stall(commune_obj=commune, name="Gian chưa duyệt", status=StallStatus.PENDING)
    other = make.commune("Yên Mô")
    make.stall(commune_obj=other, name="Gian Yên Mô")
    html = client.get(f"/cho/{commune.slug}").get_data(as_text=True)
    assert "Chợ Phúc Hòa" in html and "Bắc Ninh" in html
    assert "Quê hương vải thiều." in html
    assert "Thôn Bãi" in html and "Thôn Đồng" in html
    assert "Vườn nhà Tiệp" in html and "/gian-hang/vuon-nha-tiep" in html
    assert "Gian chưa duyệt" not in html and "Gian Yên Mô" not in html


def test_commune_page_only_its_products(client, make):
    here = make.product(make.stall(commune_obj=make.commune()), name="Vải Phúc Hòa")
    there = make.product(make.stall(commune_obj=make.commune("Yên Mô")), name="Dê núi Yên Mô")
    html = client.get(f"/cho/{here.stall.commune.slug}").get_data(as_text=True)
    assert "Vải Phúc Hòa" in html and "Dê núi Yên Mô" not in html
    assert "Dê núi Yên Mô" in client.get(f"/cho/{there.stall.commune.slug}").get_data(as_text=True)


def test_communes_list_and_unknown_slugs(client, make):
    make.commune()
    make.commune("Chợ Lách")
    html = client.get("/cho").get_data(as_text=True)
    assert "Chợ Phúc Hòa" in html and "Chợ Chợ Lách" in html and "Vĩnh Long" in html
    assert client.get("/cho/khong-co").status_code == 404
    assert client.get("/danh-muc/khong-co").status_code == 404


def _names(html):
    return re.findall(r'<span class="card-name">([^<]+)</span>', html)


def test_price_filter_and_sort(client, make):
    stall = make.stall()
    for name, price in (("Rẻ", 10_000), ("Vừa", 50_000), ("Đắt", 200_000)):
        make.product(stall, name=name, price=price)
    slug = stall.commune.slug
    assert _names(client.get(f"/cho/{slug}?sort=price_asc").get_data(as_text=True)) == ["Rẻ", "Vừa", "Đắt"]
    assert _names(client.get(f"/cho/{slug}?sort=price_desc").get_data(as_text=True)) == ["Đắt", "Vừa", "Rẻ"]
    html = client.get(f"/cho/{slug}?min_price=20.000&max_price=100000").get_data(as_text=True)
    assert _names(html) == ["Vừa"]
    html = client.get(f"/danh-muc/trai-cay?max_price=50000&sort=price_desc").get_data(as_text=True)
    assert _names(html) == ["Vừa", "Rẻ"]


def test_category_filter_on_commune_page(client, make):
    stall = make.stall()
    make.product(stall, name="Vải thiều", category_name="Trái cây")
    make.product(stall, name="Mật ong", category_name="Mật ong")
    html = client.get(f"/cho/{stall.commune.slug}?category=mat-ong").get_data(as_text=True)
    assert _names(html) == ["Mật ong"]


@pytest.mark.parametrize("query", [
    "min_price=abc", "max_price=-5", "min_price=99999999999999999999999", "sort=<script>", "category=%00",
    "page=-3", "page=abc", "page=999999999999999999999",
])
def test_nonsense_filters_never_500(client, make, query):
    p = make.product()
    for url in (f"/cho/{p.stall.commune.slug}?{query}", f"/danh-muc/{p.category.slug}?{query}"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "<script>" not in r.get_data(as_text=True).split("<main", 1)[1]


def test_bad_price_is_reported_next_to_the_field(client, make):
    p = make.product()
    html = client.get(f"/cho/{p.stall.commune.slug}?min_price=abc").get_data(as_text=True)
    assert "Nhập giá bằng số" in html and 'value="abc"' in html
    assert p.name in html  # the invalid filter is ignored, not applied


def test_pagination_keeps_filters(client, app, make):
    stall = make.stall()
    per_page = app.config["PER_PAGE"]
    for i in range(per_page + 3):
        make.product(stall, name=f"Bưởi số {i:02d}", price=10_000 + i * 1000)
    make.product(stall, name="Quá rẻ", price=1_000)
    slug = stall.commune.slug
    first = client.get(f"/cho/{slug}?min_price=5000&sort=price_asc").get_data(as_text=True)
    assert len(_names(first)) == per_page
    assert _names(first)[0] == "Bưởi số 00"
    next_href = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "min_price=5000" in next_href and "sort=price_asc" in next_href and "page=2" in next_href
    second = client.get(next_href).get_data(as_text=True)
    assert _names(second) == [f"Bưởi số {i:02d}" for i in range(per_page, per_page + 3)]
    assert "Quá rẻ" not in second
    assert 'rel="prev"' in second


def test_product_page_details_per_kg_and_origin(client, make):
    commune = make.commune(villages=("Thôn Đồng",))
    stall = make.stall(commune_obj=commune, name="Vườn vải Tiệp")
    p = make.product(stall, name="Vải thiều", price=120_000, unit="kg", step_milli=500, min_milli=1000,
                     stock_milli=25_500, description="Vải chín cây, hái buổi sáng.")
    html = client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    assert "120.000 ₫ / kg" in html
    assert "Còn hàng" in html and "25,5 kg" in html
    assert "Mua tối thiểu 1 kg, tăng theo bước 0,5 kg." in html
    assert f'href="/gian-hang/{stall.slug}"' in html
    assert stall.household_name in html
    assert "Thôn Đồng" in html and "Xã Phúc Hòa" in html and "Bắc Ninh" in html
    assert "Vải chín cây, hái buổi sáng." in html
    assert "<title>Vải thiều" in html


def test_product_page_out_of_stock_and_per_item(client, make):
    p = make.product(name="Kẹo dừa", unit="hop", price=35_000, stock_milli=0)
    html = client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    assert "35.000 ₫ / hộp" in html and "Hết hàng" in html
    assert "tăng theo bước" not in html


def test_product_page_ocop_and_certifications_expiry(client, make, app):
    today = date.today()
    p = make.product(name="Mật ong hoa vải", ocop_stars=4, ocop_decision="1234/QĐ-UBND",
                     ocop_date=today - timedelta(days=1200), ocop_expiry=today - timedelta(days=30))
    p.certifications.append(Certification(kind="vietgap", number="VG-01-23", body="Trung tâm Chứng nhận A",
                                          issued_on=today - timedelta(days=100), expires_on=today + timedelta(days=300)))
    p.certifications.append(Certification(kind="organic", number="HC-99", body="Tổ chức B",
                                          expires_on=today - timedelta(days=1)))
    db.session.commit()
    html = client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    assert "OCOP" in html and "★★★★" in html and "1234/QĐ-UBND" in html
    assert (today - timedelta(days=30)).strftime("%d/%m/%Y") in html
    assert "Chứng nhận OCOP đã hết hiệu lực." in html
    assert "VG-01-23" in html and "Trung tâm Chứng nhận A" in html
    assert "HC-99" in html and html.count("Đã hết hiệu lực") == 1


def test_product_page_valid_ocop_not_marked_expired(client, make):
    p = make.product(ocop_stars=3, ocop_decision="55/QĐ", ocop_expiry=date.today() + timedelta(days=10))
    html = client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    assert "55/QĐ" in html and "hết hiệu lực" not in html


def test_product_page_opengraph(client, make):
    p = make.product(name="Bưởi da xanh", price=60_000, description="Bưởi ruột hồng Chợ Lách.")
    img = _image(p)
    _image(p, position=1)
    html = client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    og = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)"', html))
    assert og["og:type"] == "product"
    assert og["og:title"].startswith("Bưởi da xanh")
    assert og["og:description"] == "Bưởi ruột hồng Chợ Lách."
    assert og["og:image"] == f"http://localhost/media/p/{img.key}_1200.jpg"
    assert og["og:url"] == f"http://localhost/san-pham/{p.id}-{p.slug}"
    assert og["product:price:amount"] == "60000" and og["product:price:currency"] == "VND"
    assert f'src="/media/p/{img.key}_1200.jpg" width="1200" height="900"' in html
    assert html.count(f"/media/p/{img.key}_320.jpg") == 1  # thumbnail strip


def test_listing_cards_show_each_products_first_photo(client, make):
    p = make.product(name="Bưởi da xanh")
    second = _image(p, position=1)  # added first, shown second
    first = _image(p)
    bare = make.product(p.stall, name="Bưởi Năm Roi")
    category = f"/danh-muc/{p.category.slug}"
    for url in ("/", category, f"/gian-hang/{p.stall.slug}", "/tim-kiem?q=buoi"):
        html = client.get(url).get_data(as_text=True)
        card = html[html.index('alt="Bưởi da xanh"') - 200:html.index('alt="Bưởi da xanh"')]
        assert f"/media/p/{first.key}_320.jpg" in card, url
        assert f"/media/p/{second.key}_320" not in html, url
        other = html[html.index('alt="Bưởi Năm Roi"') - 200:html.index('alt="Bưởi Năm Roi"')]
        assert "/media/p/" not in other, url  # no photo: the placeholder
    assert bare.cover is None


def test_product_page_without_photo_has_no_og_image(client, make):
    p = make.product()
    html = client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    assert 'property="og:title"' in html and 'property="og:image"' not in html


def test_names_are_escaped(client, make):
    p = make.product(name="<script>alert(1)</script>")
    assert "<script>alert(1)" not in client.get(f"/san-pham/{p.id}-{p.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in client.get("/").get_data(as_text=True)


def test_rules_page(client, app):
    html = client.get("/quy-che-hoat-dong").get_data(as_text=True)
    for text in ("52/2013/NĐ-CP", "85/2021/NĐ-CP", "13/2023/NĐ-CP", "VietQR", "OCOP", "Giải quyết tranh chấp",
                 app.config["OPERATOR_NAME"], app.config["OPERATOR_EMAIL"]):
        assert text in html
    assert "<title>Quy chế hoạt động" in html


def test_base_layout(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert 'class="skip" href="#main"' in html and 'id="main"' in html
    assert 'href="/quy-che-hoat-dong"' in html
    assert "style=" not in html and "<script>" not in html


def test_commune_stalls_are_paginated(client, app, make):
    commune = make.commune()
    total = app.config["PER_PAGE"] + 2
    for i in range(total):
        make.stall(commune_obj=commune, name=f"Gian {i:02d}")
    make.stall(commune_obj=commune, name="Gian bị ngừng", status=StallStatus.SUSPENDED)
    html = client.get(f"/cho/{commune.slug}").get_data(as_text=True)
    assert "Gian 00" in html and "Gian 12" not in html
    assert f'href="/cho/{commune.slug}/gian-hang"' in html and f"Xem tất cả {total} gian hàng" in html
    first = client.get(f"/cho/{commune.slug}/gian-hang").get_data(as_text=True)
    assert "Gian 23" in first and "Gian 24" not in first and "Gian bị ngừng" not in first
    second = client.get(f"/cho/{commune.slug}/gian-hang?page=2").get_data(as_text=True)
    assert "Gian 24" in second and "Gian 25" in second and "Gian 00" not in second
    assert client.get("/cho/khong-co/gian-hang").status_code == 404


def test_a_long_listing_counts_ahead_of_the_page_not_to_the_end(client, app, make, monkeypatch):
    """A category of many thousands says '1000+' rather than counting every product per view;
    paging on always finds the next page, and near the end the count is exact again."""
    from marketplace.catalog import filters
    from marketplace.extensions import _Pagination

    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    monkeypatch.setattr(filters, "COUNT_AT_MOST", 4)
    monkeypatch.setattr(_Pagination, "COUNT_AHEAD_PAGES", 1)
    stall = make.stall()
    category = make.category("Gạo")
    for i in range(7):
        make.product(stall, name=f"Gạo số {i}", category_name="Gạo")

    def visit(page):
        html = client.get(f"/danh-muc/{category.slug}?page={page}").get_data(as_text=True)
        heading = re.search(r"<h1>.*?\((.*?)\)</span></h1>", html).group(1)
        pager = re.search(r"Trang (\d+) / ([\d+]+)", html).groups()
        return heading, pager, 'rel="next"' in html, _names(html)

    assert visit(1) == ("4+", ("1", "2+"), True, ["Gạo số 6", "Gạo số 5"])
    assert visit(2) == ("6+", ("2", "3+"), True, ["Gạo số 4", "Gạo số 3"])
    assert visit(3) == ("7", ("3", "4"), True, ["Gạo số 2", "Gạo số 1"])
    assert visit(4) == ("7", ("4", "4"), False, ["Gạo số 0"])
