"""No N+1: each page runs a bounded number of SQL statements, the same for 3 items as for 30."""
import re
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from marketplace.catalog.models import Product
from marketplace.extensions import db
from tests.conftest import login

FEW, MANY = 3, 30


@pytest.fixture(autouse=True)
def _render_every_time(app, monkeypatch):
    """These count what rendering a page costs: a page served from the page cache costs nothing
    (tests/test_pagecache.py)."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)


@contextmanager
def counting():
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        # Savepoints and pragmas are not queries a page chose to run.
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|PRAGMA)", statement, re.I):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def count(client, url, expect=200) -> int:
    client.get(url)  # warm up: first-request work (sessions, caches) is not per item
    db.session.expire_all()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == expect, url
    return len(statements)


@pytest.fixture(autouse=True)
def _wide_pages(app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 50)


def catalogue(make, n, commune=None):
    """n approved products in one stall (the stall pages) and n more each in its own stall (so
    per-stall lookups would show), all in one commune and one category."""
    commune = commune or make.commune()
    seller = make.user(name="Người bán chính")
    main = make.stall(owner=seller, commune_obj=commune)
    for i in range(n):
        make.product(main, name=f"Sản phẩm nhà {i}")
    products = [make.product(make.stall(commune_obj=commune), name=f"Sản phẩm {i}") for i in range(n)]
    return commune, main, products


def page_counts(make, client, n):
    commune, stall, products = catalogue(make, n)
    product = main_product = db.session.query(Product).filter_by(stall_id=stall.id).first()
    batch = make.batch(product, events=[("harvested", date(2026, 6, d % 28 + 1)) for d in range(n)], stamps=1)
    code = next(iter(make.stamp_codes(batch).values()))
    buyer = make.user(name="Người mua")
    order = make.order(buyer, [(p, 1000) for p in products[:n]],
                       methods={p.stall_id: "cod" for p in products[:n]})
    seller_orders = [make.order(make.user(name=f"Khách {i}"), [(main_product, 1000)], methods={stall.id: "cod"})
                     for i in range(n)]
    assert seller_orders
    anonymous = {
        "home": "/",
        "category": f"/danh-muc/{product.category.slug}",
        "commune": f"/cho/{commune.slug}",
        "commune stalls": f"/cho/{commune.slug}/gian-hang",
        "stall": f"/gian-hang/{stall.slug}",
        "product": f"/san-pham/{product.id}-{product.slug}",
        "trace": f"/t/{code}",
    }
    counts = {name: count(client, url) for name, url in anonymous.items()}
    login(client, stall.owner)
    counts["seller stall home"] = count(client, "/gian-hang-cua-toi")
    counts["seller orders"] = count(client, "/gian-hang-cua-toi/don-hang")
    login(client, buyer)
    counts["buyer order"] = count(client, f"/don-hang/{order.code}")
    counts["buyer orders"] = count(client, "/don-hang-cua-toi")
    return counts


def test_pages_run_the_same_number_of_queries_for_3_and_30_items(app, make):
    few = page_counts(make, app.test_client(), FEW)
    # Start again from empty tables so both runs see the same shape of data.
    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
    many = page_counts(make, app.test_client(), MANY)
    grew = {name: (few[name], many[name]) for name in few if many[name] != few[name]}
    assert not grew, f"queries grow with the number of items (3 items, 30 items): {grew}"


def test_pages_stay_under_a_small_bound(app, make, client):
    counts = page_counts(make, client, FEW)
    too_many = {name: n for name, n in counts.items() if n > 15}
    assert not too_many, too_many


def test_the_lean_page_count_counts_what_the_page_lists(make):
    from sqlalchemy import select

    from marketplace.catalog import services as catalog
    from marketplace.stalls.models import StallStatus

    stall = make.stall()
    for i in range(5):
        make.product(stall, name=f"Bưởi {i}")
    make.product(stall, name="Bưởi ẩn", hidden=True)
    make.product(make.stall(status=StallStatus.PENDING), name="Bưởi chưa duyệt")
    page = db.paginate(catalog.browse(commune_id=stall.commune_id), page=1, per_page=2)
    assert page.total == 5 and page.pages == 3 and len(page.items) == 2
    # Queries the lean count must not shortcut still count what they list.
    grouped = select(Product.stall_id).group_by(Product.stall_id)
    assert db.paginate(grouped, page=1, per_page=10).total == 2
    assert db.paginate(select(Product.stall_id).distinct(), page=1, per_page=10).total == 2


def test_the_product_page_is_two_statements(app, make):
    """The product with its stall, place, category, photos and certificates in one statement,
    the current batch with its journey in a second: each statement costs the page more ORM
    work than its rows, and this is the most visited page."""
    stall = make.stall()
    product = make.product(stall, name="Mật ong hoa vải")
    make.batch(product, stamps=1)
    url = f"/san-pham/{product.id}-{product.slug}"
    db.session.remove()  # a request starts with an empty session
    client = app.test_client()
    client.get(url)
    db.session.remove()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200 and "Mật ong hoa vải" in response.get_data(as_text=True)
    assert len(statements) == 2, statements


def test_adding_to_the_cart_reads_the_product_and_its_stall_in_one_statement(app, make):
    """The rules of a cart line read the product and its stall (on sale, open): one statement,
    as every "Thêm vào giỏ" on a busy market day runs it."""
    product_id = make.product(name="Vải thiều", stock_milli=10_000).id
    db.session.remove()  # a request starts with an empty session
    client = app.test_client()
    with counting() as statements:
        response = client.post("/gio-hang", data={"product_id": product_id, "quantity": "1", "mode": "add"},
                               headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["count"] == 1
    assert len(statements) == 1, statements
