"""Public pages rendered once and shared by the workers: what a visitor sees is never stale, never
another visitor's, and a repeat visit costs no SQL."""
import multiprocessing
import os
import re
import uuid

import pytest
from flask import g
from sqlalchemy import update

from marketplace import create_app, pagecache
from marketplace.catalog.models import Product
from marketplace.config import TestConfig
from marketplace.extensions import db
from tests.conftest import login
from tests.factories import product as make_product
from tests.search_fixtures import catalogue, search_backend  # noqa: F401  (fixtures)
from tests.test_perf_queries import counting

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _url(product):
    return f"/san-pham/{product.id}-{product.slug}"


def test_a_repeat_visit_is_served_without_sql(app, make):
    product = make.product(name="Bưởi Diễn")
    first = app.test_client().get(_url(product)).get_data(as_text=True)
    db.session.remove()
    with counting() as statements:
        again = app.test_client().get(_url(product))
    assert again.status_code == 200 and statements == []
    strip = lambda html: TOKEN.sub("", html)  # noqa: E731  (each visitor has a token of their own)
    assert strip(again.get_data(as_text=True)) == strip(first) and "Bưởi Diễn" in first
    assert "[[hole:" not in first + again.get_data(as_text=True)


def test_a_change_shows_at_once_on_every_cached_page(app, make, client):
    product = make.product(name="Vải thiều sớm", price=45000)
    pages = [_url(product), "/", f"/danh-muc/{product.category.slug}", f"/gian-hang/{product.stall.slug}",
             f"/cho/{product.stall.commune.slug}"]
    for url in pages:
        assert "45.000 ₫" in client.get(url).get_data(as_text=True), url
    product.price = 52000
    db.session.commit()
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "52.000 ₫" in html and "45.000 ₫" not in html, url


def test_stock_taken_by_an_order_shows_on_the_product_page(app, make, client):
    product = make.product(stock_milli=10_000)
    assert "10 kg" in client.get(_url(product)).get_data(as_text=True)
    # Checkout reserves stock with a conditional UPDATE, which the ORM's flush never sees.
    db.session.execute(update(Product).where(Product.id == product.id).values(stock_milli=Product.stock_milli - 3000))
    db.session.commit()
    assert "7 kg" in client.get(_url(product)).get_data(as_text=True)


def test_a_rolled_back_change_keeps_the_cached_page(app, make):
    product = make.product()
    app.test_client().get(_url(product))
    before = pagecache.generation(app)
    product.price = 1
    db.session.flush()
    db.session.rollback()
    assert pagecache.generation(app) == before


def test_private_rows_keep_the_cached_pages(app, make):
    """A new user or a scan changes no public page: the cache stays warm under them."""
    product = make.product()
    batch = make.batch(product, stamps=1)
    app.test_client().get(_url(product))
    before = pagecache.generation(app)
    make.user(name="Khách mới")
    app.test_client().get("/t/" + next(iter(make.stamp_codes(batch).values())))
    assert pagecache.generation(app) == before


def _change_price_elsewhere(app, product_id, price):
    """Another worker process: its own connections, its own commit."""
    db.engine.dispose(close=False)
    with app.app_context():
        db.session.get(Product, product_id).price = price
        db.session.commit()


def test_a_commit_in_another_worker_reaches_this_one(app, make, client):
    product = make.product(price=45000)
    assert "45.000 ₫" in client.get(_url(product)).get_data(as_text=True)
    db.session.remove()
    worker = multiprocessing.get_context("fork").Process(target=_change_price_elsewhere, args=(app, product.id, 61000))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    assert "61.000 ₫" in client.get(_url(product)).get_data(as_text=True)


def test_each_visitor_gets_their_own_token_and_cart(app, make):
    product = make.product()
    ann, bao = app.test_client(), app.test_client()
    tokens = [TOKEN.search(c.get(_url(product)).get_data(as_text=True)).group(1) for c in (ann, bao)]
    assert tokens[0] != tokens[1]
    ann.post("/gio-hang", data={"csrf_token": tokens[0], "product_id": product.id, "mode": "add", "quantity": "2"})
    ann_page = ann.get(_url(product)).get_data(as_text=True)
    bao_page = bao.get(_url(product)).get_data(as_text=True)
    assert re.search(r'class="count"[^>]*>1<', ann_page)
    assert 'class="count"' not in bao_page
    assert TOKEN.search(bao_page).group(1) != tokens[0]  # never Ann's token


def test_csrf_protected_add_to_cart_works_from_a_cached_page(app, make):
    product = make.product()
    app.test_client().get(_url(product))  # someone else's visit fills the cache
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        visitor = app.test_client()
        token = TOKEN.search(visitor.get(_url(product)).get_data(as_text=True)).group(1)
        added = visitor.post("/gio-hang", data={"csrf_token": token, "product_id": product.id, "mode": "add",
                                                "quantity": "1", "next": _url(product)})
        assert added.status_code == 302
        assert re.search(r'class="count"[^>]*>1<', visitor.get(_url(product)).get_data(as_text=True))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_signed_in_visitors_and_flashed_messages_are_never_cached(app, make):
    product = make.product()
    member = app.test_client()
    login(member, make.user(name="Lò Thị Mai"))
    assert "Lò Thị Mai" in member.get(_url(product)).get_data(as_text=True)
    assert "Lò Thị Mai" not in app.test_client().get(_url(product)).get_data(as_text=True)
    flashed = app.test_client()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("success", "Đã lưu thay đổi.")]
    assert "Đã lưu thay đổi." in flashed.get(_url(product)).get_data(as_text=True)
    assert "Đã lưu thay đổi." not in app.test_client().get(_url(product)).get_data(as_text=True)


def test_each_language_has_its_own_page(app, make):
    product = make.product()
    english = app.test_client()
    english.get("/lang/en?next=/")
    for client, word, other in ((app.test_client(), "Thêm vào giỏ", "Add to cart"),
                                (english, "Add to cart", "Thêm vào giỏ")):
        g.pop("_flask_babel", None)  # a test's requests share one app context, and Flask-Babel keeps the locale on g
        html = client.get(_url(product)).get_data(as_text=True)
        assert word in html and other not in html


def test_stamps_of_a_batch_share_one_rendered_journey(app, make, client):
    from datetime import date

    from marketplace.trace import services as trace

    batch = make.batch(events=[("harvested", date(2026, 6, 1))], stamps=2)
    codes, owner, batch_id = make.stamp_codes(batch), batch.product.stall.owner, batch.id
    assert "harvested note" in client.get(f"/t/{codes[1]}").get_data(as_text=True)
    db.session.remove()
    with counting() as statements:
        second = client.get(f"/t/{codes[2]}").get_data(as_text=True)
    assert "Tem số 2" in second and "harvested note" in second and "Đã quét 1 lần" in second
    assert not [s for s in statements if "FROM trace_events" in s or "FROM product_images" in s]
    # A correction added after the first scan is on the next scan's page at once.
    trace.add_event(db.session.merge(owner), batch_id, {"kind": "packed", "happened_on": date(2026, 6, 2),
                                                           "note": "đóng thùng lại"})
    again = client.get(f"/t/{codes[1]}").get_data(as_text=True)
    assert "đóng thùng lại" in again and "Đã quét 2 lần" in again


def test_an_order_refreshes_its_products_page_and_keeps_listings_cached(app, make, client):
    product = make.product(stock_milli=10_000)
    other = make.product(name="Nhãn lồng", stall_obj=product.stall)
    listing, page, other_page = f"/gian-hang/{product.stall.slug}", _url(product), _url(other)
    client.get(listing), client.get(other_page)
    assert "10 kg" in client.get(page).get_data(as_text=True)
    before = pagecache.generation(app)
    make.order(make.user(), [(product, 3000)])
    assert pagecache.generation(app) == before  # still in stock: the listings stay as they were
    assert "7 kg" in client.get(page).get_data(as_text=True)
    db.session.remove()
    with counting() as statements:
        client.get(listing), client.get(other_page)
    assert statements == []
    # Selling out changes what listings show.
    make.order(make.user(), [(db.session.merge(product), 7000)])
    assert pagecache.generation(app) != before
    assert "Hết hàng" in client.get(listing).get_data(as_text=True)


def test_a_well_stocked_product_shows_a_round_figure_and_its_page_outlives_orders(app, make, client):
    product = make.product(stock_milli=800_000)  # 800 kg
    page = _url(product)
    assert "Còn hàng: hơn 500 kg" in client.get(page).get_data(as_text=True)
    make.order(make.user(), [(product, 3000)])
    db.session.remove()
    with counting() as statements:
        again = client.get(page).get_data(as_text=True)
    assert statements == [] and "Còn hàng: hơn 500 kg" in again  # 797 kg: the same page, still cached
    make.order(make.user(), [(db.session.merge(product), 298_000)])  # 499 kg
    assert "Còn hàng: hơn 200 kg" in client.get(page).get_data(as_text=True)
    make.order(make.user(), [(db.session.merge(product), 400_000)])  # 99 kg: low, so exact
    assert "Còn hàng: 99 kg" in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize("milli, shown", [
    (100_000, "100 kg"), (100_500, "hơn 100 kg"), (200_000, "hơn 100 kg"), (200_001, "hơn 200 kg"),
    (1_000_000, "hơn 500 kg"), (12_345_000, "hơn 10000 kg"),
])
def test_stock_above_100_units_shows_the_round_figure_below_it(app, milli, shown):
    from marketplace.catalog.units import format_stock

    with app.test_request_context():
        assert format_stock(milli, "kg") == shown


# ---- several machines: pages and the generation in Redis ------------------------------------------

def _redis_url() -> str:
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url} (TEST_REDIS_URL): the page cache shared by several machines is not tested")
    return url


@pytest.fixture
def two_machines(app, tmp_path):
    """Two app servers on separate disks sharing the database and Redis."""
    import redis

    url, prefix = _redis_url(), f"choxa-test:{uuid.uuid4().hex}:"
    machines = []
    for name in ("a", "b"):
        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
            MEDIA_DIR = app.config["MEDIA_DIR"]
            SEARCH_INDEX_DIR = app.config["SEARCH_INDEX_DIR"]
            PAGE_CACHE_DIR = str(tmp_path / name)
            PAGE_CACHE_REDIS, PAGE_CACHE_PREFIX = url, prefix
        machines.append(create_app(Config))
    yield machines
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    for machine in machines:
        with machine.app_context():
            db.engine.dispose()


def test_a_change_made_on_one_machine_shows_on_the_other(app, make, two_machines):
    one, other = two_machines
    product = make.product(name="Cam Cao Phong", price=30000)
    product_id, url = product.id, _url(product)
    visitor = other.test_client()
    assert "30.000 ₫" in visitor.get(url).get_data(as_text=True)
    db.session.remove()
    with counting() as statements:
        assert "30.000 ₫" in visitor.get(url).get_data(as_text=True)
    assert statements == []  # served from the shared cache
    with one.app_context():
        db.session.get(Product, product_id).price = 33000
        db.session.commit()
    html = visitor.get(url).get_data(as_text=True)
    assert "33.000 ₫" in html and "30.000 ₫" not in html


def test_flask_pages_clear_renders_every_page_afresh(app, make, client):
    """For rows changed with raw SQL, which the application never sees."""
    from sqlalchemy import text

    product = make.product(price=45000)
    client.get(_url(product))
    db.session.execute(text("UPDATE products SET price = 47000"))
    db.session.commit()  # a textual statement: no table the ORM could see
    assert "45.000 ₫" in client.get(_url(product)).get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["pages", "clear"])
    assert result.exit_code == 0, result.output
    assert "47.000 ₫" in client.get(_url(product)).get_data(as_text=True)


def test_a_cached_search_page_follows_the_index(app, catalogue, search_backend):
    client = app.test_client()
    url = "/tim-kiem?q=mut+vai"
    for _ in range(2):  # kept when asked a second time
        assert "Mứt vải" in client.get(url).get_data(as_text=True)
    db.session.remove()
    with counting() as statements:
        assert "Mứt vải" in client.get(url).get_data(as_text=True)
    assert statements == []
    stall = db.session.merge(catalogue["Mứt vải"]).stall
    make_product(stall, name="Mứt vải dẻo Thanh Hà", category_name="Bánh kẹo", price=95000)
    assert "Mứt vải dẻo Thanh Hà" in client.get(url).get_data(as_text=True)


def test_a_search_asked_once_is_not_kept_and_a_search_asked_again_is(app, catalogue, search_backend):
    """Most searches are asked once: keeping each would cost a write and push product pages out."""
    client, url = app.test_client(), "/tim-kiem?q=mat+ong"
    product_url = _url(db.session.merge(catalogue["Mật ong hoa vải"]))
    client.get(product_url)  # a product page is kept at its first visit
    client.get("/tim-kiem?q=cam")  # what every search shares (the facets' names) is kept too
    pages = lambda: {n for n in os.listdir(app.config["PAGE_CACHE_DIR"]) if not n.startswith("__")}  # noqa: E731
    before = pages()
    assert "Mật ong" in client.get(url).get_data(as_text=True)
    assert pages() == before  # nothing written for a search asked once
    db.session.remove()
    with counting() as statements:
        assert "Mật ong" in client.get(url).get_data(as_text=True)
        assert "Mật ong" in client.get(url).get_data(as_text=True)
    assert statements and len(pages()) == len(before) + 1  # rendered once more, then kept
    with counting() as statements:
        assert "Mật ong" in client.get(url).get_data(as_text=True)
        client.get(product_url)
    assert statements == []


def test_a_search_page_waits_for_the_index_not_just_the_commit(app, catalogue, search_backend):
    """With Whoosh, a change committed while another process writes the index is queued for that
    writer: the results page must follow the index, whenever it catches up."""
    if search_backend.name != "whoosh":
        pytest.skip("only the Whoosh index is written after the commit, by whichever process holds its lock")
    client, url = app.test_client(), "/tim-kiem?q=mut+vai"
    client.get(url)
    stall = db.session.merge(catalogue["Mứt vải"]).stall
    with search_backend.queue.lock(wait=1) as held:  # another worker is writing the index
        assert held
        make_product(stall, name="Mứt vải dẻo Thanh Hà", category_name="Bánh kẹo", price=95000)
        assert "Mứt vải dẻo Thanh Hà" not in client.get(url).get_data(as_text=True)
    search_backend.flush_pending()  # that worker finds the queued change
    assert "Mứt vải dẻo Thanh Hà" in client.get(url).get_data(as_text=True)


def test_a_full_cache_makes_room_for_many_pages_at_once(tmp_path):
    """Pruning frees a fifth of the entries: a full cache does not read every entry again for
    each new page."""
    store = pagecache.PageFiles(str(tmp_path), threshold=50, default_timeout=3600)
    kept = lambda n: sum(store.has(f"page {i}") for i in range(n))  # noqa: E731
    for i in range(52):  # the 52nd finds 51 entries, over the threshold
        store.set(f"page {i}", "<p>…</p>")
    assert kept(52) <= 42 and store.get("page 51") == "<p>…</p>"  # the oldest went, the newest stays
    files = len(os.listdir(tmp_path))
    for i in range(52, 57):  # the next pages are stored without another prune
        store.set(f"page {i}", "<p>…</p>")
    assert len(os.listdir(tmp_path)) == files + 5


def test_pages_of_an_earlier_release_are_not_served(app, make, client, monkeypatch):
    product = make.product()
    client.get(_url(product))
    before = pagecache.generation(app)
    # A process of the next release finds a template changed (only its time, put back after).
    template = os.path.join(app.root_path, app.template_folder, "catalog", "product.html")
    st = os.stat(template)
    monkeypatch.setitem(app.extensions, "pagecache_release", None)
    try:
        os.utime(template, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert pagecache.generation(app) != before
    finally:
        os.utime(template, ns=(st.st_atime_ns, st.st_mtime_ns))
    db.session.remove()
    with counting() as statements:
        assert client.get(_url(product)).status_code == 200
    assert statements  # rendered afresh


def test_nothing_is_cached_while_developing(app, make, client, monkeypatch):
    """With FLASK_DEBUG an edited template shows at the next reload."""
    product = make.product()
    monkeypatch.setattr(app, "debug", True)
    client.get(_url(product))
    db.session.remove()
    with counting() as statements:
        client.get(_url(product))
    assert statements


def test_a_signed_in_seller_scanning_a_stamp_never_shares_their_page(app, make):
    batch = make.batch(stamps=2)
    codes, owner = make.stamp_codes(batch), batch.product.stall.owner
    seller = app.test_client()
    login(seller, owner)
    mine = "Gian hàng của tôi"  # the signed-in header's link
    assert mine in seller.get(f"/t/{codes[1]}").get_data(as_text=True)
    buyer_page = app.test_client().get(f"/t/{codes[2]}").get_data(as_text=True)
    assert mine not in buyer_page and "Đăng nhập" in buyer_page and "Tem số 2" in buyer_page
    # And the other way round: the page kept for buyers is not the seller's.
    again = seller.get(f"/t/{codes[2]}").get_data(as_text=True)
    assert mine in again and "Đăng nhập" not in again and "Đã quét 2 lần" in again
