"""The public stall page: only approved stalls, their visible products, OpenGraph tags."""
import io

from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.stalls import services as stalls
from marketplace.stalls.models import StallStatus
from tests.conftest import login


def test_approved_stall_page_shows_stall_place_story_and_products(client, make, app):
    stall = make.stall(name="Vườn vải nhà Tiệp")
    make.product(stall_obj=stall, name="Vải thiều loại 1")
    make.product(stall_obj=stall, name="Mật ong hoa vải", unit="hu", status=ProductStatus.PENDING)
    r = client.get(f"/gian-hang/{stall.slug}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<title>Vườn vải nhà Tiệp — Phúc Hòa — Chợ Xã</title>" in page
    assert "Vải thiều loại 1" in page and "Mật ong hoa vải" not in page  # pending is not on sale
    assert "Thôn Đồng" in page and "Xã Phúc Hòa" in page and "Bắc Ninh" in page
    assert f'<a href="/cho/{stall.commune.slug}">Xã Phúc Hòa</a>' in page
    assert "Vườn vải gia đình ba đời." in page


def test_opengraph_tags_use_absolute_urls(client, make, app):
    user = make.user()
    stall = make.stall(owner=user)
    login(client, user)
    stalls.update_stall(user, stall, {}, cover=io.BytesIO(make.jpeg_bytes()))
    stall.status = StallStatus.APPROVED
    db.session.commit()
    page = client.get(f"/gian-hang/{stall.slug}").get_data(as_text=True)
    base = app.config["PUBLIC_BASE_URL"]
    assert f'<meta property="og:title" content="{stall.name} — Xã Phúc Hòa">' in page
    assert f'<meta property="og:url" content="{base}/gian-hang/{stall.slug}">' in page
    assert f'<meta property="og:image" content="{base}/media/s/{stall.cover_key}_1200.jpg">' in page
    assert '<meta property="og:type" content="website">' in page
    assert '<meta property="og:description" content="Vườn vải gia đình ba đời.">' in page


def test_stall_pages_that_are_not_approved_are_404(client, make):
    for status in (StallStatus.PENDING, StallStatus.REJECTED, StallStatus.SUSPENDED):
        stall = make.stall(status=status)
        assert client.get(f"/gian-hang/{stall.slug}").status_code == 404
    assert client.get("/gian-hang/khong-co").status_code == 404


def test_script_in_names_is_escaped(client, make):
    stall = make.stall(name="<script>alert('gian')</script>")
    make.product(stall_obj=stall, name="<img src=x onerror=alert(1)>")
    page = client.get(f"/gian-hang/{stall.slug}").get_data(as_text=True)
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page


def test_products_paginate(client, make, app):
    stall = make.stall()
    for i in range(app.config["PER_PAGE"] + 3):
        make.product(stall_obj=stall, name=f"Sản phẩm {i:02d}")
    first = client.get(f"/gian-hang/{stall.slug}").get_data(as_text=True)
    second = client.get(f"/gian-hang/{stall.slug}?page=2").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "Trang 2 / 2" in second
    assert second.count('class="card"') == 3
    assert client.get(f"/gian-hang/{stall.slug}?page=abc").status_code == 200
    assert client.get(f"/gian-hang/{stall.slug}?page=999").status_code == 200
