"""The commune's figures against values computed by hand on a fixed dataset, and the exports
(CSV, XLSX) read back with real parsers: same headers, same totals as the dashboard."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import update

from marketplace.admin import dashboard
from marketplace.communes.models import Village
from marketplace.extensions import db
from marketplace.orders.models import StallOrder
from marketplace.stalls.models import StallStatus
from marketplace.trace.models import Scan, Stamp
from tests.conftest import login


def _order(make, buyer, product, milli, method, status, created_at):
    """A real order through checkout, then moved to `status` at a fixed UTC time."""
    order = make.order(buyer, [(product, milli)], {product.stall_id: method})
    [so] = order.stall_orders
    db.session.execute(update(StallOrder).where(StallOrder.id == so.id).values(status=status, created_at=created_at))
    db.session.commit()
    return so


@pytest.fixture
def data(make):
    """Commune X with stalls A (Thôn Đồng) and B (Thôn Chùa), commune Y with stall C.

    UTC time             local (UTC+7)      stall method status      total    counts in
    2026-10-31 16:59     31/10 23:59        B     cod    delivered   100000   October
    2026-10-31 17:00     01/11 00:00        B     vietqr completed   200000   November
    2026-11-10 03:00     10/11 10:00        A     cod    placed       90000   November
    2026-11-15 03:00     15/11              B     cod    cancelled   300000   - (cancelled)
    2026-11-20 03:00     20/11              A     vietqr expired      45000   - (expired)
    2026-11-21 03:00     21/11              A     vietqr pending_pay. 45000   - (not paid)
    2026-11-30 16:30     30/11 23:30        A     vietqr paid         45000   November
    2026-11-30 17:30     01/12 00:30        B     vietqr paid        100000   December
    2026-11-12 03:00     12/11              C(Y)  cod    placed       45000   November, commune Y
    """
    x = make.commune(villages=("Thôn Đồng", "Thôn Chùa"))
    y = make.commune("Yên Mô", villages=("Thôn Yên Thổ",))
    x.household_count = 40
    chua = db.session.query(Village).filter_by(commune_id=x.id, name="Thôn Chùa").one()
    dong = db.session.query(Village).filter_by(commune_id=x.id, name="Thôn Đồng").one()
    a = make.stall(commune_obj=x, name="Vườn vải A")
    b = make.stall(commune_obj=x, name="Mật ong B")
    c = make.stall(commune_obj=y, name="Gạo C")
    a.village_id, b.village_id = dong.id, chua.id
    a.submitted_at, a.approved_at = datetime(2026, 11, 1, 1), datetime(2026, 11, 2, 1)  # 24 h
    b.submitted_at, b.approved_at = datetime(2026, 11, 3, 0), datetime(2026, 11, 3, 12)  # 12 h
    db.session.commit()
    make.stall(commune_obj=x, status=StallStatus.PENDING, name="Chờ duyệt")
    suspended = make.stall(commune_obj=x, status=StallStatus.SUSPENDED, name="Tạm ngừng")
    make.product(suspended, name="Không hiện")  # on a suspended stall: not on sale
    pa = make.product(a, name="Vải thiều", price=45000, unit="kg")
    pb = make.product(b, name="Mật ong rừng", price=100000, unit="chai", stock_milli=1_000_000)
    make.product(a, name="Ẩn bởi người bán", hidden=True)
    pc = make.product(c, name="Gạo", price=45000)
    buyer = make.user(name="Người mua")
    _order(make, buyer, pb, 1000, "cod", "delivered", datetime(2026, 10, 31, 16, 59))
    _order(make, buyer, pb, 2000, "vietqr", "completed", datetime(2026, 10, 31, 17, 0))
    _order(make, buyer, pa, 2000, "cod", "placed", datetime(2026, 11, 10, 3))
    _order(make, buyer, pb, 3000, "cod", "cancelled", datetime(2026, 11, 15, 3))
    _order(make, buyer, pa, 1000, "vietqr", "expired", datetime(2026, 11, 20, 3))
    _order(make, buyer, pa, 1000, "vietqr", "pending_payment", datetime(2026, 11, 21, 3))
    _order(make, buyer, pa, 1000, "vietqr", "paid", datetime(2026, 11, 30, 16, 30))
    _order(make, buyer, pb, 1000, "vietqr", "paid", datetime(2026, 11, 30, 17, 30))
    _order(make, buyer, pc, 1000, "cod", "placed", datetime(2026, 11, 12, 3))
    # Stamps: 3 issued in November (one on 30/11 23:30 local), 1 on 1/12 00:30 local; scans likewise.
    batch = make.batch(pa, stamps=4)
    stamps = db.session.query(Stamp).filter_by(batch_id=batch.id).order_by(Stamp.serial).all()
    times = [datetime(2026, 11, 5), datetime(2026, 11, 6), datetime(2026, 11, 30, 16, 30), datetime(2026, 11, 30, 17, 30)]
    for stamp, at in zip(stamps, times):
        stamp.created_at = at
        db.session.add(Scan(stamp_id=stamp.id, batch_id=batch.id, commune_id=x.id, scanned_at=at))
    db.session.commit()
    return {"x": x, "y": y, "a": a, "b": b, "pa": pa, "pb": pb}


def test_stall_orders_have_the_totals_the_table_says(data):
    # Delivery inside commune X is free by default, so totals are the goods alone (Y's stall charges).
    totals = sorted(so.total for so in db.session.query(StallOrder).all())
    assert totals == sorted([100000, 200000, 90000, 300000, 45000, 45000, 45000, 100000, 45000 + 35000])


def test_november_figures_of_commune_x(data):
    f = dashboard.figures([data["x"].id], dashboard.month_period(2026, 11))
    assert (f["orders"], f["sales"]) == (3, 335000)  # 200000 + 90000 + 45000
    assert (f["cashless_orders"], f["cashless_sales"]) == (2, 245000)
    assert (f["cod_orders"], f["cod_sales"]) == (1, 90000)
    assert f["cashless_order_share"] == Decimal("66.7")  # 2/3
    assert f["cashless_value_share"] == Decimal("73.1")  # 245000/335000 = 73.13
    assert f["stalls"] == {"approved": 2, "pending": 1, "suspended": 1}
    assert f["households_selling"] == 2 and f["households_total"] == 40 and f["households_share"] == Decimal("5.0")
    assert f["households_with_sales"] == 2
    assert f["active_products"] == 2  # not the hidden one, not the suspended stall's
    assert (f["stalls_approved"], f["avg_approval_hours"]) == (2, Decimal("18.0"))
    assert (f["stamps_issued"], f["stamps_scanned"]) == (3, 3)
    assert [(p["name"], p["sales"], p["quantity_milli"]) for p in f["top_products"]] == [
        ("Mật ong rừng", 200000, 2000), ("Vải thiều", 135000, 3000)]
    assert [(v["village"], v["orders"], v["sales"]) for v in f["by_village"]] == [
        ("Thôn Chùa", 1, 200000), ("Thôn Đồng", 2, 135000)]


def test_month_boundaries_are_local_time(data):
    x = [data["x"].id]
    december = dashboard.figures(x, dashboard.month_period(2026, 12))
    assert (december["orders"], december["sales"], december["cashless_sales"]) == (1, 100000, 100000)
    assert (december["stamps_issued"], december["stamps_scanned"]) == (1, 1)
    october = dashboard.figures(x, dashboard.month_period(2026, 10))
    assert (october["orders"], october["sales"], october["cod_sales"]) == (1, 100000, 100000)
    assert dashboard.month_period(2026, 12).utc_bounds() == (datetime(2026, 11, 30, 17), datetime(2026, 12, 31, 17))


def test_weekly_series_of_november(data):
    f = dashboard.figures([data["x"].id], dashboard.month_period(2026, 11, "week"))
    # 1/11/2026 is a Sunday: weeks start 1, 2, 9, 16, 23, 30 November.
    assert [(s["start"].day, s["orders"], s["sales"], s["cashless_sales"]) for s in f["series"]] == [
        (1, 1, 200000, 200000), (2, 0, 0, 0), (9, 1, 90000, 0), (16, 0, 0, 0), (23, 0, 0, 0), (30, 1, 45000, 45000)]
    assert sum(s["sales"] for s in f["series"]) == f["sales"]


def test_all_communes_and_comparison(data):
    period = dashboard.month_period(2026, 11)
    f = dashboard.figures(None, period)
    assert (f["orders"], f["sales"], f["cod_sales"]) == (4, 335000 + 80000, 90000 + 80000)
    assert f["households_total"] is None  # Y has not entered its household count
    rows = {r["commune"].id: r for r in dashboard.comparison(None, period)}
    assert (rows[data["x"].id]["orders"], rows[data["x"].id]["sales"]) == (3, 335000)
    assert (rows[data["y"].id]["orders"], rows[data["y"].id]["sales"]) == (1, 80000)


@pytest.mark.parametrize("month", [10, 11, 12])
def test_comparison_rows_are_each_communes_own_figures(make, data, month):
    # The comparison counts every commune at once; each row must say what the commune's own
    # dashboard says (Z: no stalls, no orders; Y: no household count).
    make.commune("Kim Sơn", villages=())
    period = dashboard.month_period(2026, month)
    keys = ("orders", "sales", "cashless_order_share", "cashless_value_share", "households_selling",
            "households_share", "active_products", "stalls")
    rows = dashboard.comparison(None, period)
    assert len(rows) == 3
    for row in rows:
        own = dashboard.figures([row["commune"].id], period)
        assert {k: row[k] for k in keys} == {k: own[k] for k in keys}
    assert [r["commune"].id for r in dashboard.comparison([data["x"].id], period)] == [data["x"].id]


def test_custom_range_and_previous_period():
    p = dashboard.parse_period(start="2026-11-25", end="2026-12-04")
    assert (p.start, p.end, p.by) == (date(2026, 11, 25), date(2026, 12, 5), "week")
    assert (p.previous().start, p.previous().end) == (date(2026, 11, 15), date(2026, 11, 25))
    march = dashboard.parse_period("2026-03")
    assert (march.previous().start, march.previous().end) == (date(2026, 2, 1), date(2026, 3, 1))
    assert dashboard.parse_period("2026-01").previous().start == date(2025, 12, 1)


@pytest.mark.parametrize("args", [{"month": "2026-13"}, {"month": "x"}, {"start": "2026-12-01", "end": "2026-11-01"},
                                  {"start": "2026-01-01"}, {"start": "2020-01-01", "end": "2026-01-01"}])
def test_bad_periods_are_refused(app, args):
    from marketplace.core.errors import ValidationError

    with app.test_request_context(), pytest.raises(ValidationError):
        dashboard.parse_period(**args)


def test_dashboard_page_shows_the_figures(client, make, data):
    login(client, make.officer(data["x"]))
    r = client.get(f"/quan-ly/so-lieu?thang=2026-11&xa={data['x'].id}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "335.000" in html and "<svg" in html and "style=" not in html
    assert "66,7 %" in html and "73,1 %" in html


def test_bad_period_on_the_page_is_not_a_500(client, make, data):
    login(client, make.officer(data["x"]))
    assert client.get("/quan-ly/so-lieu?thang=2026-99").status_code == 422


def _csv(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))


def test_order_export_totals_equal_the_dashboard(client, make, data):
    login(client, make.officer(data["x"]))
    rows = _csv(client, f"/quan-ly/so-lieu/xuat/don-hang.csv?thang=2026-11&xa={data['x'].id}")
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Mã đơn", "Thời gian đặt"] and header[-2:] == ["Tổng (VND)", "Tính vào doanh số"]
    counted = [r for r in body if r[-1] == "Có"]
    assert len(body) == 6  # every order placed in local November, sales or not (not Y's, not 1/12 00:30)
    assert sum(int(r[header.index("Tổng (VND)")]) for r in counted) == 335000
    cashless = [r for r in counted if r[header.index("Không dùng tiền mặt")] == "Có"]
    assert sum(int(r[header.index("Tổng (VND)")]) for r in cashless) == 245000


def test_figures_xlsx_matches_the_dashboard(client, make, data):
    login(client, make.officer(data["x"]))
    r = client.get(f"/quan-ly/so-lieu/xuat/so-lieu.xlsx?thang=2026-11&xa={data['x'].id}")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.get_data())).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert rows["Chỉ tiêu"] == "Giá trị"
    assert rows["Doanh số (VND)"] == 335000 and rows["Số đơn hàng"] == 3
    assert rows["Doanh số không dùng tiền mặt (VND)"] == 245000 and rows["Doanh số COD (VND)"] == 90000
    assert rows["Tỉ lệ đơn không dùng tiền mặt (%)"] == "66,7"


def test_stalls_and_products_exports(client, make, data):
    login(client, make.officer(data["x"]))
    stalls = _csv(client, f"/quan-ly/so-lieu/xuat/gian-hang.csv?xa={data['x'].id}")
    assert stalls[0][:3] == ["Mã", "Tên gian hàng", "Hộ/người đại diện"]
    assert {r[1] for r in stalls[1:]} == {"Vườn vải A", "Mật ong B", "Chờ duyệt", "Tạm ngừng"}
    r = client.get(f"/quan-ly/so-lieu/xuat/san-pham.xlsx?xa={data['x'].id}")
    sheet = openpyxl.load_workbook(io.BytesIO(r.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Sản phẩm" and rows[0][6] == "Giá (VND)"
    on_sale = [row[1] for row in rows[1:] if row[9] == "Có"]
    assert sorted(on_sale) == ["Mật ong rừng", "Vải thiều"]


def test_monthly_report_compares_with_the_previous_month(client, make, data):
    login(client, make.officer(data["x"]))
    html = client.get(f"/quan-ly/so-lieu/bao-cao-thang?thang=2026-11&xa={data['x'].id}").get_data(as_text=True)
    # Sales 335.000 now vs 100.000 in October: +235 %.
    assert "335.000" in html and "100.000" in html and "+235,0 %" in html and "10/2026" in html


def test_api_dashboard_matches(client, make, data):
    officer = make.officer(data["x"])
    r = client.get(f"/api/v1/dashboard?month=2026-11&commune_id={data['x'].id}", headers=make.bearer(officer))
    body = r.get_json()
    assert r.status_code == 200 and (body["orders"], body["sales"], body["cashless_sales"]) == (3, 335000, 245000)
    assert body["cashless_order_share"] == 66.7 and body["period"]["start"] == "2026-11-01"
    admin = make.user(admin=True)
    body = client.get("/api/v1/dashboard?month=2026-11", headers=make.bearer(admin)).get_json()
    assert body["sales"] == 415000 and {c["commune"] for c in body["communes"]} == {data["x"].name, data["y"].name}


def test_commune_comparison_export_for_the_admin(client, make, data):
    login(client, make.user(admin=True))
    html = client.get("/quan-ly/so-lieu?thang=2026-11").get_data(as_text=True)
    assert "So sánh các xã" in html and "cac-xa.xlsx" in html
    r = client.get("/quan-ly/so-lieu/xuat/cac-xa.xlsx?thang=2026-11")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.get_data())).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Xã", "Tỉnh/thành phố") and rows[0][7] == "Doanh số (VND)"
    sales = {row[0]: row[7] for row in rows[1:]}
    assert sales == {data["x"].name: 335000, data["y"].name: 80000}
    assert sum(sales.values()) == dashboard.figures(None, dashboard.month_period(2026, 11))["sales"]


def test_chart_geometry_fits_and_thins_labels():
    from marketplace.admin import charts

    items = [{"label": f"{i:02d}", "sales": i * 1000, "cashless_sales": i * 500} for i in range(1, 25)]
    bars = charts.bars(items, "sales", "cashless_sales", charts.compact_vnd)
    assert all(0 <= b.x and b.x + b.width <= charts.WIDTH and b.y >= charts.TOP - 1 for b in bars)
    assert bars[-1].height == charts.HEIGHT - charts.BOTTOM - charts.TOP and bars[-1].part == bars[-1].height // 2
    assert len([b for b in bars if b.label]) <= charts.MAX_LABELS and all(b.title for b in bars)
    assert charts.compact_vnd(3_500_000) == "3,5tr" and charts.compact_vnd(120_000) == "120k"
