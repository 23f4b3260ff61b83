"""The bench's work items: one job an officer or a seller starts and waits for (a PDF, the
dashboards, a CSV export), each run by `bench.py --item NAME` in its own process so its
peak memory is its own. An item is (setup, run): setup prepares the data, untimed; run does
the job through the same functions its view calls and returns a short description of what it
produced. run goes twice: once timed, once under tracemalloc for the item's peak allocation;
the process's peak RSS is counted from the end of the setup.
"""
import gc
import json
import os
import random
import re
import resource
import time
import tracemalloc
from datetime import timedelta

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", 100_000))
STAMPS_ON_SHEET = 1000
LABELS_IN_BATCH = 100
DASHBOARD_ORDERS = 10_000
ORDER_PREFIX = "BD"  # the dashboard items' orders; real codes start with "CX"
VILLAGES = ("Thôn Đồng", "Thôn Chùa", "Thôn Bến", "Thôn Trại", "Thôn Giữa", "Xóm Mới")


def run_item(name, app) -> None:
    """Set up and run one item; prints its figures as one JSON line."""
    setup, run = ITEMS[name]
    with app.app_context(), app.test_request_context():
        prepared = setup()
        gc.collect()
        _reset_peak_rss()
        started = time.perf_counter()
        output = run(prepared)
        seconds = time.perf_counter() - started
        # A second run under tracemalloc (slower, so not timed) for the item's own peak allocation.
        tracemalloc.start()
        run(prepared)
        allocated = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        peak = _peak_rss_kb()
    print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 1024, 1),
                      "peak_alloc_mb": round(allocated / 2**20, 1), "output": output}, ensure_ascii=False))


def _reset_peak_rss() -> None:
    """Start the process's peak RSS again from its current size (Linux), so the figure is the
    item's runs and not its setup: seeding, or a search index write after a commit."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # elsewhere the figure includes the setup
        pass


def _peak_rss_kb() -> int:
    """The process's peak RSS since _reset_peak_rss. Not getrusage's ru_maxrss: on Linux that
    also keeps the size of the process that started this one (the bench, with its catalogue)."""
    try:
        with open("/proc/self/status") as f:
            return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _kb(size: int) -> str:
    return f"{size // 1024:,} KB"


# ---- PDFs ----------------------------------------------------------------------------------------

def _stamps_setup():
    from marketplace.catalog.models import Product
    from marketplace.extensions import db
    from marketplace.trace import services
    from tests import factories

    product = db.session.query(Product).first()
    batch = factories.batch(product, stamps=STAMPS_ON_SHEET)
    return services.sheet_stamps(batch), product.name, batch.code


def _stamps_run(setup) -> str:
    from marketplace.trace import sheets

    return _kb(len(sheets.stamp_sheet_pdf(*setup, next(iter(sheets.LAYOUTS)))))


def _labels_setup():
    from marketplace.shipping.labels import Label, Party

    sender = Party("Hộ Nguyễn Văn Tiệp", "0912 345 678", "Thôn Đồng", "Xã Phúc Hòa", "Bắc Ninh", "Vườn vải")
    return [Label(carrier="VNPost", service="Chuyển phát nhanh", sender=sender,
                  receiver=Party(f"Khách {i}", "0987 654 321", f"Số {i}, ngõ 5", "Phường Láng", "Hà Nội", "100000"),
                  order_code=f"CX{i:08d}", stall_order_code=f"CX{i:08d}-1", weight_grams=1500, cod_amount=135_000,
                  allow_inspection=True, content="Vải thiều 1,5 kg", barcode_value=f"EB{i:09d}VN",
                  tracking_url=f"https://choxa.vn/van-don/CX{i:08d}") for i in range(LABELS_IN_BATCH)]


def _labels_run(labels) -> str:
    from marketplace.shipping import labels as module

    return _kb(len(module.render(labels, "a4x4")))


# ---- the dashboards --------------------------------------------------------------------------------

def _dashboard_setup():
    """The second seeded commune (the first takes the checkout load) and last month, with
    DASHBOARD_ORDERS orders in that month: seeded once, reused when the item runs again."""
    from sqlalchemy import select

    from marketplace.admin import dashboard
    from marketplace.communes.models import Commune
    from marketplace.extensions import db
    from marketplace.orders.models import StallOrder

    commune = db.session.scalars(select(Commune).order_by(Commune.id).limit(2)).all()[-1]
    period = dashboard.parse_period().previous()  # a whole month before the checkout's orders
    if not db.session.scalar(select(StallOrder.id).where(StallOrder.code.startswith(ORDER_PREFIX)).limit(1)):
        seed_orders(commune, period)
    return [commune.id], period


def _dashboard_run(setup) -> str:
    """What the dashboard page computes for one commune: the figures and its two charts."""
    from marketplace.admin import charts, dashboard

    ids, period = setup
    figures = dashboard.figures(ids, period)
    charts.bars(figures["series"], "sales", "cashless_sales", charts.compact_vnd)
    charts.bars(figures["series"], "orders")
    return (f"{figures['orders']:,} sales, {figures['sales']:,} VND, {figures['cashless_order_share']} % cashless, "
            f"{len(figures['by_village'])} villages")


def _admin_dashboard_run(setup) -> str:
    """The admin's dashboard page: every commune's figures and the table comparing them."""
    from marketplace.admin import charts, dashboard

    _ids, period = setup
    figures = dashboard.figures(None, period)
    charts.bars(figures["series"], "sales", "cashless_sales", charts.compact_vnd)
    charts.bars(figures["series"], "orders")
    return f"{len(dashboard.comparison(None, period))} communes, {figures['orders']:,} sales"


# Final status by payment method, with weights: most orders are done, some still open, a few
# cancelled, expired (VietQR never paid) or refunded; only sales count on the dashboard.
STATUSES = {
    "vietqr": {"completed": 30, "delivered": 18, "shipped": 8, "packed": 5, "confirmed": 7, "paid": 10,
               "pending_payment": 4, "expired": 8, "refunded": 3, "cancelled": 2},
    "cod": {"completed": 30, "delivered": 20, "shipped": 10, "packed": 5, "confirmed": 10, "placed": 12,
            "cancelled": 13},
}


def seed_orders(commune, period) -> None:
    """Bulk-insert DASHBOARD_ORDERS guest orders of one stall each across `period`, from the
    commune's stalls (a few sell much more than the rest), with villages, stall approvals,
    stamps and scans in the period: every figure of the dashboard has something to count."""
    from sqlalchemy import insert, select, text, update

    from marketplace.catalog.models import Product
    from marketplace.communes.models import Commune, Village
    from marketplace.extensions import db
    from marketplace.orders import status as st
    from marketplace.orders.models import Order, OrderItem, StallOrder
    from marketplace.stalls.models import Stall
    from marketplace.trace.models import Batch, Scan, Stamp

    rng = random.Random(7)
    low, high = period.utc_bounds()
    span = int((high - low).total_seconds())
    stalls = db.session.scalars(select(Stall.id).where(Stall.commune_id == commune.id).order_by(Stall.id)).all()
    products = {}
    for pid, stall_id, name, unit, price in db.session.execute(
            select(Product.id, Product.stall_id, Product.name, Product.unit, Product.price)
            .where(Product.stall_id.in_(stalls)).order_by(Product.id)):
        products.setdefault(stall_id, []).append((pid, name, unit, price))
    stalls = [s for s in stalls if s in products]

    # Core statements only: ORM changes to villages or batches would reindex products for search.
    db.session.execute(update(Commune).where(Commune.id == commune.id).values(household_count=40 * len(stalls)))
    db.session.execute(insert(Village), [{"commune_id": commune.id, "name": name} for name in VILLAGES])
    villages = db.session.scalars(select(Village.id).where(Village.commune_id == commune.id, Village.name.in_(VILLAGES))
                                  .order_by(Village.id)).all()
    for i, stall_id in enumerate(stalls):  # every seventh stall has not entered its village
        submitted = low + timedelta(days=i % 28, hours=8)
        db.session.execute(update(Stall).where(Stall.id == stall_id).values(
            village_id=None if i % 7 == 6 else villages[i % len(villages)],
            **({"submitted_at": submitted, "approved_at": submitted + timedelta(hours=4 + 7 * (i % 9))}
               if i < 8 else {})))

    weights = [1 / (1 + i % 12) for i in range(len(stalls))]
    orders, stall_orders, lines = [], [], {}
    for n in range(DASHBOARD_ORDERS):
        code = f"{ORDER_PREFIX}{n:08d}"
        stall_id = rng.choices(stalls, weights)[0]
        method = "cod" if rng.random() < 0.4 else "vietqr"
        status = rng.choices(list(STATUSES[method]), list(STATUSES[method].values()))[0]
        created = low + timedelta(seconds=rng.randrange(span))
        offer = products[stall_id][:40]
        items = [(product, rng.choice((500, 1000, 1500, 2000, 3000)))
                 for product in rng.sample(offer, min(rng.randint(1, 3), len(offer)))]
        subtotal = sum(price * milli // 1000 for (_, _, _, price), milli in items)
        fee = rng.choice((0, 0, 20_000, 35_000))
        paid = method == "vietqr" and status not in (st.PENDING_PAYMENT, st.EXPIRED, st.CANCELLED)
        orders.append({"code": code, "name": f"Khách {n}", "phone": f"+8491{n:07d}",
                       "province_code": commune.province_code, "ward_code": commune.ward_code,
                       "address_line": f"Số {n % 200}, thôn Đồng", "subtotal": subtotal, "shipping_total": fee,
                       "total": subtotal + fee, "created_at": created})
        stall_orders.append({"code": f"{code}-1", "stall_id": stall_id, "payment_method": method, "status": status,
                             "subtotal": subtotal, "shipping_fee": fee, "total": subtotal + fee,
                             "paid_amount": subtotal + fee if paid else 0,
                             "paid_at": created + timedelta(minutes=5) if paid else None,
                             "created_at": created, "updated_at": created + timedelta(days=2)})
        lines[f"{code}-1"] = items
    db.session.execute(insert(Order), orders)
    order_ids = dict(db.session.execute(select(Order.code, Order.id).where(Order.code.startswith(ORDER_PREFIX))).all())
    for row in stall_orders:
        row["order_id"] = order_ids[row["code"][:-2]]
    db.session.execute(insert(StallOrder), stall_orders)
    ids = dict(db.session.execute(select(StallOrder.code, StallOrder.id)
                                  .where(StallOrder.code.startswith(ORDER_PREFIX))).all())
    db.session.execute(insert(OrderItem), [
        {"stall_order_id": ids[code], "product_id": pid, "name": name, "unit": unit, "unit_price": price,
         "quantity_milli": milli, "line_total": price * milli // 1000, "weight_grams": milli}
        for code, items in lines.items() for (pid, name, unit, price), milli in items])

    # Stamps issued and scanned in the period: 300 stamps of one batch, 2,000 scans.
    pid = products[stalls[0]][0][0]
    db.session.execute(insert(Batch), [{"product_id": pid, "stall_id": stalls[0], "commune_id": commune.id,
                                        "code": f"{ORDER_PREFIX}-{period.start:%Y%m}", "stamp_count": 300,
                                        "created_at": low + timedelta(days=1)}])
    batch_id = db.session.scalar(select(Batch.id).where(Batch.product_id == pid).order_by(Batch.id.desc()).limit(1))
    db.session.execute(insert(Stamp), [{"batch_id": batch_id, "serial": n, "created_at": low + timedelta(days=2)}
                                       for n in range(1, 301)])
    stamps = db.session.scalars(select(Stamp.id).where(Stamp.batch_id == batch_id)).all()
    db.session.execute(insert(Scan), [
        {"stamp_id": stamps[i % len(stamps)], "batch_id": batch_id, "commune_id": commune.id,
         "scanned_at": low + timedelta(days=2, seconds=rng.randrange(span - 2 * 86400))} for i in range(2000)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # as autovacuum would after a bulk load
        db.session.commit()


# ---- exports ---------------------------------------------------------------------------------------

def _products_csv_run(_setup) -> str:
    """The product export of every commune (the admin's), as the export view sends it."""
    from marketplace.admin import exports

    headers, rows = exports.products_table(None)
    return _kb(sum(len(piece) for piece in exports.to_csv(headers, rows)))


ITEMS = {
    f"stamp sheet PDF ({STAMPS_ON_SHEET} stamps)": (_stamps_setup, _stamps_run),
    f"label batch PDF ({LABELS_IN_BATCH} labels, A4x4)": (_labels_setup, _labels_run),
    f"commune dashboard ({DASHBOARD_ORDERS:,} orders)": (_dashboard_setup, _dashboard_run),
    "admin dashboard (every commune)": (_dashboard_setup, _admin_dashboard_run),
    f"CSV export of {PRODUCTS:,} products": (lambda: None, _products_csv_run),
}
