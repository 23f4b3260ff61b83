"""The scan log: counting under concurrent scans, suspicious-copy warnings, what the trace page
shows, and who sees scans."""
import re
import threading
from datetime import date, timedelta

import pytest
from flask import g
from sqlalchemy import event, func, select, update

from marketplace.catalog.models import Certification
from marketplace.extensions import db
from marketplace.trace import services as trace
from marketplace.trace.demo import seed_demo
from marketplace.trace.models import Scan, Stamp
from tests.conftest import login as _login


def login(client, user):
    g.pop("_login_user", None)  # requests of one test share its app context (and Flask-Login's cache)
    _login(client, user)


def _code(make, batch, serial=1):
    return make.stamp_codes(batch)[serial]


def test_concurrent_scans_are_all_counted(app, make):
    batch = make.batch(stamps=2)
    code = _code(make, batch)
    threads_n, per_thread = 8, 5
    barrier = threading.Barrier(threads_n)
    errors = []

    def scan(i):
        client = app.test_client()
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(per_thread):
                    r = client.get(f"/t/{code}", environ_base={"REMOTE_ADDR": f"10.{i}.0.1"})
                    assert r.status_code == 200
        except Exception as exc:  # surfaced below: a thread's assertion must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    db.session.expire_all()
    stamp = db.session.scalar(select(Stamp).where(Stamp.batch_id == batch.id, Stamp.serial == 1))
    assert stamp.scan_count == threads_n * per_thread
    assert db.session.scalar(select(func.count(Scan.id))) == threads_n * per_thread
    assert stamp.first_scanned_at is not None


def test_the_first_scan_of_any_stamp_locks_the_batch_once(client, make):
    batch = make.batch(stamps=2)
    place = batch.place
    client.get(f"/t/{_code(make, batch, 2)}", environ_base={"REMOTE_ADDR": "203.113.45.67"})
    db.session.refresh(batch)
    first = batch.first_scanned_at
    second = db.session.scalar(select(Stamp).where(Stamp.batch_id == batch.id, Stamp.serial == 2))
    assert batch.locked and first == second.first_scanned_at
    assert place and batch.place == place  # the scanner's network is logged, never the batch's place
    # Stamp 1's own first scan, later, keeps the batch's first scan time.
    client.get(f"/t/{_code(make, batch, 1)}")
    client.get(f"/t/{_code(make, batch, 1)}")
    db.session.refresh(batch)
    one = db.session.scalar(select(Stamp).where(Stamp.batch_id == batch.id, Stamp.serial == 1))
    assert batch.first_scanned_at == first and one.scan_count == 2 and one.first_scanned_at >= first


def test_scan_log_keeps_no_raw_ip(client, make):
    batch = make.batch(stamps=1)
    client.get(f"/t/{_code(make, batch)}", environ_base={"REMOTE_ADDR": "203.113.45.67"},
               headers={"User-Agent": "Mozilla/5.0 (Linux; Android 13) Chrome/120 Mobile"})
    scan = db.session.scalar(select(Scan))
    assert "203" not in scan.place and "45.67" not in scan.place and len(scan.place) == 16
    assert scan.client == "Android · Chrome"
    # Same /16 network -> same coarse place; a different network -> another place.
    client.get(f"/t/{_code(make, batch)}", environ_base={"REMOTE_ADDR": "203.113.9.9"})
    client.get(f"/t/{_code(make, batch)}", environ_base={"REMOTE_ADDR": "14.160.1.1"})
    assert db.session.scalar(select(func.count(func.distinct(Scan.place)))) == 2


def test_scan_count_and_first_scan_time_are_shown(client, make):
    batch = make.batch(stamps=1)
    code = _code(make, batch)
    client.get(f"/t/{code}")
    text = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Đã quét 2 lần" in text and "lần đầu lúc" in text
    assert "Cảnh báo" not in text


def test_warning_when_scanned_too_often(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "TRACE_SUSPICIOUS_SCANS", 3)
    batch = make.batch(stamps=1)
    code = _code(make, batch)
    for _ in range(2):
        assert "Cảnh báo" not in client.get(f"/t/{code}").get_data(as_text=True)
    assert "Cảnh báo" in client.get(f"/t/{code}").get_data(as_text=True)


def test_warning_when_scanned_from_many_places(app, client, make):
    assert app.config["TRACE_SUSPICIOUS_PLACES"] == 3 and app.config["TRACE_SUSPICIOUS_SCANS"] == 20
    batch = make.batch(stamps=1)
    code = _code(make, batch)
    for ip in ("1.2.3.4", "5.6.7.8"):
        assert "Cảnh báo" not in client.get(f"/t/{code}", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    text = client.get(f"/t/{code}", environ_base={"REMOTE_ADDR": "9.9.9.9"}).get_data(as_text=True)
    assert "Cảnh báo" in text and "sao chép" in text


def test_on_postgresql_a_scan_and_its_places_are_one_round_trip(app, client, make):
    """A stamp scanned a few times (where its places are counted) is the usual case in a market."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no UPDATE inside WITH: it runs a scan's steps one by one")
    code = _code(make, make.batch(stamps=1))
    for ip in ("1.2.3.4", "5.6.7.8"):
        client.get(f"/t/{code}", environ_base={"REMOTE_ADDR": ip})
    statements = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        text = client.get(f"/t/{code}", environ_base={"REMOTE_ADDR": "9.9.9.9"}).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert "sao chép" in text  # the third place was counted, its own included
    assert len([s for s in statements if re.search(r"\bscans\b", s)]) == 1


def test_forged_codes_are_not_counted(client, make):
    batch = make.batch(stamps=1)
    code = _code(make, batch)
    client.get(f"/t/{code[:-1]}{'0' if code[-1] != '0' else '1'}")
    assert db.session.scalar(select(func.count(Scan.id))) == 0


def test_trace_page_shows_origin_certifications_and_buy_button(client, make):
    product = make.product(ocop_stars=4, ocop_decision="QĐ 123/UBND", ocop_expiry=date.today() - timedelta(days=1))
    valid = Certification(product=product, kind="vietgap", number="VG-001", body="Trung tâm KN",
                          expires_on=date.today() + timedelta(days=300))
    expired = Certification(product=product, kind="organic", number="HC-9", expires_on=date.today() - timedelta(days=5))
    unused = Certification(product=product, kind="globalgap", number="GG-7")
    db.session.add_all([valid, expired, unused])
    db.session.commit()
    batch = make.batch(product, code="L7", certification_ids=[valid.id, expired.id],
                       events=[("harvested", date(2026, 6, 1)), ("packed", date(2026, 6, 2))], stamps=1)
    text = client.get(f"/t/{_code(make, batch)}").get_data(as_text=True)
    assert product.name in text and product.stall.name in text and product.stall.household_name in text
    assert f'href="/gian-hang/{product.stall.slug}"' in text
    assert "Thôn Đồng" in text and product.stall.commune.name in text and product.stall.commune.province_name in text
    assert "VG-001" in text and "HC-9" in text and "GG-7" not in text and "QĐ 123/UBND" in text
    assert text.count("Đã hết hạn") == 2  # the organic certificate and the OCOP decision
    assert text.index("Thu hoạch") < text.index("Đóng gói")
    assert "Mua sản phẩm này" in text
    product.hidden = True
    db.session.commit()
    assert "Mua sản phẩm này" not in client.get(f"/t/{_code(make, batch)}").get_data(as_text=True)


def test_trace_page_is_light_and_uncached(client, make):
    batch = make.batch(stamps=1)
    r = client.get(f"/t/{_code(make, batch)}")
    assert r.headers["Cache-Control"] == "private, no-store"
    # Only the header's small deferred search script: nothing inline, nothing the page needs.
    assert len(r.data) < 20_000 and not re.search(rb"<script(?![^>]*\bsrc=)", r.data) and b'lang="vi"' in r.data


def test_seller_sees_scans_of_own_batch_only(client, make):
    batch = make.batch(stamps=2)
    client.get(f"/t/{_code(make, batch, 2)}", headers={"User-Agent": "Mozilla (iPhone) Safari"})
    intruder = make.stall(owner=make.user(name="Hộ khác")).owner
    login(client, intruder)
    assert client.get(f"/gian-hang-cua-toi/lo/{batch.id}").status_code == 404
    login(client, batch.stall.owner)
    text = client.get(f"/gian-hang-cua-toi/lo/{batch.id}").get_data(as_text=True)
    assert "1 lượt quét trên 1 tem." in text and "iOS · Safari" in text


def test_officer_sees_scans_of_own_commune_only(client, make):
    home = make.commune("Phúc Hòa")
    other = make.commune("Hồng Thái", villages=("Thôn Mới",))
    batch = make.batch(make.product(make.stall(commune_obj=home)), code="PH-1", stamps=1)
    client.get(f"/t/{_code(make, batch)}")
    url = f"/xa/{home.slug}/luot-quet-tem"
    r = client.get(url)
    assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]
    login(client, make.officer(other, name="Cán bộ xã khác"))
    assert client.get(url).status_code == 403
    login(client, make.officer(home))
    text = client.get(url).get_data(as_text=True)
    assert "PH-1" in text and "Tổng cộng 1 lượt quét." in text
    login(client, make.user(name="Quản trị", admin=True))
    assert client.get(url).status_code == 200
    assert client.get("/xa/khong-co/luot-quet-tem").status_code == 404


def test_product_and_seller_panels(app, client, make):
    product = make.product()
    make.batch(product, code="OLD", events=[("harvested", date(2026, 5, 1))])
    make.batch(product, code="NEW", events=[("sprayed", date(2026, 6, 1)), ("harvested", date(2026, 6, 10))], stamps=4)
    with app.test_request_context():
        panel = app.jinja_env.from_string('{% include "trace/_product_panel.html" %}').render(product=product)
        seller = app.jinja_env.from_string('{% include "trace/_seller_panel.html" %}').render(stall=product.stall)
        nothing = app.jinja_env.from_string('{% include "trace/_product_panel.html" %}').render(product=make.product(name="Mới"))
    assert "Có truy xuất nguồn gốc" in panel and "NEW" in panel and "OLD" not in panel
    assert panel.index("Phun thuốc") < panel.index("Thu hoạch")
    assert "2 lô · 4 tem · 0 lượt quét" in seller and "/gian-hang-cua-toi/lo" in seller
    assert nothing.strip() == ""


def test_demo_seed(app, make):
    products = [make.product(name=f"Đặc sản {i}") for i in range(4)]
    with app.test_request_context():
        result = seed_demo({"products": products})
    assert len(result["batches"]) == 3 and all(b.stamp_count == 20 for b in result["batches"])
    assert result["batches"][0].locked and len(result["batches"][0].events) == 5
    assert trace.stamp_id_for_code(result["stamp_codes"][1].rsplit("/", 1)[1])


def test_link_previews_by_head_are_not_counted_and_gs1_scans_are(client, make):
    product = make.product(gtin="08938500000010")
    batch = make.batch(product, code="L1", stamps=1)
    assert client.head(f"/t/{_code(make, batch)}").status_code == 200
    client.get("/01/08938500000010/10/L1/21/1")
    db.session.expire_all()
    assert db.session.scalar(select(Stamp.scan_count)) == 1


def test_search_engines_and_link_previews_do_not_count_as_scans(client, make):
    """A stamp's link pasted into a chat is fetched by the chat's server, from its own network:
    counted, it would make a genuine stamp look copied."""
    batch = make.batch(stamps=1)
    code = _code(make, batch)
    client.get(f"/t/{code}")
    for agent in ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                  "facebookexternalhit/1.1", "Zalo-LinkPreview/1.0"):
        page = client.get(f"/t/{code}", headers={"User-Agent": agent}).get_data(as_text=True)
        assert "Đã quét 1 lần" in page  # the robot sees the page as it is, without adding to it
    assert db.session.scalar(select(func.count(Scan.id))) == 1


def test_a_genuine_stamp_page_may_be_indexed_a_fake_one_not(client, make):
    batch = make.batch(stamps=1)
    assert 'name="robots"' not in client.get(f"/t/{_code(make, batch)}").get_data(as_text=True)
    fake = client.get("/t/0000000000").get_data(as_text=True)  # no stamp has this code
    assert "KHÔNG chính hãng" in fake and 'content="noindex"' in fake


def test_after_a_scan_every_pooled_connection_is_transactional_again(app, make):
    """PostgreSQL runs a scan as one statement that commits on its own: the connection must not
    stay in autocommit, or the next order on it would no longer be all or nothing."""
    batch = make.batch(stamps=1)
    db.session.commit()
    stamp_id = db.session.scalar(select(Stamp.id).where(Stamp.batch_id == batch.id))
    assert trace.record_scan(stamp_id, "203.113.45.67", "Mozilla/5.0 (Linux; Android 13)").scan_count == 1
    db.session.remove()
    pooled = [db.engine.connect() for _ in range(max(1, db.engine.pool.checkedin()))]
    for conn in pooled:  # a write on any of them, rolled back, leaves nothing behind
        conn.execute(update(Stamp).where(Stamp.id == stamp_id).values(scan_count=999))
        conn.rollback()
        conn.close()
    assert db.session.get(Stamp, stamp_id).scan_count == 1
