"""The commune's figures for a period (bảng số liệu): stalls, households selling, products,
orders and sales, the cashless share, approval time, stamps, top products, sales by village.

Periods are whole days in Asia/Ho_Chi_Minh: a month starts at 00:00 local time on the 1st,
which is 17:00 UTC on the last day of the month before. Counts of what exists now (stalls by
status, products on sale) are the state at the time of reading; everything else is what
happened inside the period.

What counts as a sale: a stall order placed in the period whose status is one of
SALE_STATUSES. Cancelled, expired and refunded orders are not sales, and neither is a
transfer order still waiting for its payment. Its value is the stall order's total (goods
plus delivery), what the buyer paid. Cashless means any method but cash on delivery.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from ..core.ids import as_id
from ..catalog import services as catalog
from ..catalog.models import Product
from ..communes.models import Commune, Village
from ..communes.services import managed_commune_ids, require_manage
from ..core.errors import NotFound, ValidationError
from ..core.timeutil import LOCAL_TZ, to_local, utcnow
from ..extensions import db
from ..orders import status as st
from ..orders.models import OrderItem, StallOrder
from ..stalls.models import Stall, StallStatus
from ..trace.models import Batch, Scan, Stamp

SALE_STATUSES = (st.PLACED, st.PAID, st.CONFIRMED, st.PACKED, st.SHIPPED, st.DELIVERED, st.COMPLETED)
STALL_STATUSES = (StallStatus.APPROVED, StallStatus.PENDING, StallStatus.SUSPENDED)
CASH = "cod"
MAX_DAYS = 3 * 366
TOP_PRODUCTS = 10


@dataclass(frozen=True)
class Period:
    """Local days [start, end): `end` is the first day after the period."""

    start: date
    end: date
    by: str = "week"  # how the series is cut: week | month

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == _next_month(self.start)

    @property
    def label(self) -> str:
        if self.is_month:
            return f"{self.start.month:02d}/{self.start.year}"
        last = self.end - timedelta(days=1)
        return f"{self.start:%d/%m/%Y} – {last:%d/%m/%Y}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        return local_midnight(self.start), local_midnight(self.end)

    def previous(self) -> "Period":
        """The month before (for a month), else the same number of days just before."""
        if self.is_month:
            start = _previous_month(self.start)
            return Period(start, self.start, self.by)
        return Period(self.start - (self.end - self.start), self.start, self.by)


def local_midnight(day: date) -> datetime:
    """00:00 of `day` in Vietnam as naive UTC (the form stored in the database)."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(timezone.utc).replace(tzinfo=None)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def month_period(year: int, month: int, by: str = "week") -> Period:
    start = date(year, month, 1)
    return Period(start, _next_month(start), by)


def parse_period(month: str | None = None, start: str | None = None, end: str | None = None,
                 by: str | None = None, today: date | None = None) -> Period:
    """A period from query-string values: `month` (YYYY-MM), or `start`/`end` days (YYYY-MM-DD,
    both included); the current local month when none is given. ValidationError otherwise."""
    by = by if by in ("week", "month") else None
    message = _l("Khoảng thời gian không hợp lệ.")
    try:
        if start or end:
            first = date.fromisoformat(start or "")
            last = date.fromisoformat(end or "")
            if last < first or (last - first).days >= MAX_DAYS:
                raise ValueError
            span = (last - first).days
            return Period(first, last + timedelta(days=1), by or ("week" if span <= 62 else "month"))
        if month:
            year, number = (int(part) for part in month.split("-"))
            if not (2000 <= year <= 2100 and 1 <= number <= 12):
                raise ValueError
        else:
            local_today = today or to_local(utcnow()).date()
            year, number = local_today.year, local_today.month
    except (ValueError, TypeError):
        raise ValidationError(message, {"period": message})
    return month_period(year, number, by or "week")


def scope(actor, commune_id: int | None) -> list[int] | None:
    """The commune ids the figures cover: one commune the actor manages, or all the actor's
    communes (None = every commune, for an admin). Forbidden/NotFound otherwise."""
    if commune_id:
        # Ids are 32-bit columns: a bigger number from a query string is simply not found.
        commune = db.session.get(Commune, commune_id) if as_id(commune_id) else None
        if commune is None:
            raise NotFound(_l("Không tìm thấy xã."))
        require_manage(actor, commune.id, "dashboard.view", commune)
        return [commune.id]
    return managed_commune_ids(actor)


def _in(query, column, ids):
    return query if ids is None else query.where(column.in_(ids or [-1]))


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole in percent with one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_sale(period: Period):
    """A stall order that counts as a sale of the period (see the module's docstring)."""
    low, high = period.utc_bounds()
    return and_(StallOrder.created_at >= low, StallOrder.created_at < high, StallOrder.status.in_(SALE_STATUSES))


def sale_rows(ids, period: Period) -> list:
    """(code, created_at, total, payment_method, stall_id, village_id) of the period's sales."""
    query = (select(StallOrder.code, StallOrder.created_at, StallOrder.total, StallOrder.payment_method,
                    StallOrder.stall_id, Stall.village_id)
             .join(Stall, Stall.id == StallOrder.stall_id)
             .where(is_sale(period))
             .order_by(StallOrder.created_at, StallOrder.id))
    return db.session.execute(_in(query, Stall.commune_id, ids)).all()


def figures(ids, period: Period) -> dict:
    """Every figure of the dashboard for the communes `ids` (None = all) and a period."""
    rows = sale_rows(ids, period)
    sales = sum(r.total for r in rows)
    cashless = [r for r in rows if r.payment_method != CASH]
    cashless_sales = sum(r.total for r in cashless)
    by_status = _stall_counts(ids).values()
    stalls = {s: sum(counts[s] for counts in by_status) for s in STALL_STATUSES}
    products = _product_counts(ids).values()
    selling = sum(households for _, households in products)
    households = _household_total(ids)
    approval = _approval_hours(ids, period)
    return {
        "period": {"start": period.start, "end": period.last_day, "label": period.label, "by": period.by},
        "stalls": stalls,
        "households_selling": selling,
        "households_total": households,
        "households_share": percent(selling, households) if households else None,
        "households_with_sales": len({r.stall_id for r in rows}),
        "active_products": sum(count for count, _ in products),
        "orders": len(rows),
        "sales": sales,
        "cashless_orders": len(cashless),
        "cashless_sales": cashless_sales,
        "cod_orders": len(rows) - len(cashless),
        "cod_sales": sales - cashless_sales,
        "cashless_order_share": percent(len(cashless), len(rows)),
        "cashless_value_share": percent(cashless_sales, sales),
        "stalls_approved": approval[0],
        "avg_approval_hours": approval[1],
        "stamps_issued": _stamps_issued(ids, period),
        "stamps_scanned": _scans(ids, period),
        "series": series(rows, period),
        "top_products": top_products(ids, period),
        "by_village": by_village(rows),
    }


# What happened in a period, comparable with the period before. Stall and product counts are
# the state now, the same for any period, so they are not compared.
SUMMARY_KEYS = ("orders", "sales", "cashless_orders", "cashless_sales", "cod_orders", "cod_sales",
                "households_with_sales", "stalls_approved", "stamps_issued", "stamps_scanned")
MONEY_KEYS = ("sales", "cashless_sales", "cod_sales")


def with_change(current: dict, previous: dict) -> dict:
    """key -> (now, before, change in %) for the summary figures: the monthly report's columns."""
    return {k: (current[k], previous[k], percent(current[k] - previous[k], previous[k]) if previous[k] else None)
            for k in SUMMARY_KEYS}


def comparison(ids, period: Period) -> list[dict]:
    """One row of summary figures per commune in scope, by name (the admin's comparison table):
    what figures() says for each commune alone, counted for all of them in a few queries."""
    communes = db.session.scalars(_in(select(Commune).order_by(Commune.province_name, Commune.name),
                                      Commune.id, ids)).all()
    sales, stalls, products = _sales_by_commune(ids, period), _stall_counts(ids), _product_counts(ids)
    out = []
    for commune in communes:
        orders, total, cashless_orders, cashless_sales = sales.get(commune.id, (0, 0, 0, 0))
        active, selling = products.get(commune.id, (0, 0))
        households = commune.household_count
        counts = stalls.get(commune.id, {})
        out.append({"commune": commune, "orders": orders, "sales": total,
                    "cashless_order_share": percent(cashless_orders, orders),
                    "cashless_value_share": percent(cashless_sales, total), "households_selling": selling,
                    "households_share": percent(selling, households) if households else None,
                    "active_products": active, "stalls": {s: counts.get(s, 0) for s in STALL_STATUSES}})
    return out


def _sales_by_commune(ids, period: Period) -> dict[int, tuple[int, int, int, int]]:
    """commune id -> (orders, sales, cashless orders, cashless sales) of the period's sales."""
    cashless = StallOrder.payment_method != CASH
    query = (select(Stall.commune_id, func.count(), func.sum(StallOrder.total),
                    func.sum(case((cashless, 1), else_=0)), func.sum(case((cashless, StallOrder.total), else_=0)))
             .join(Stall, Stall.id == StallOrder.stall_id).where(is_sale(period)).group_by(Stall.commune_id))
    return {commune_id: tuple(sums) for commune_id, *sums in db.session.execute(_in(query, Stall.commune_id, ids))}


def _stall_counts(ids) -> dict[int, dict[str, int]]:
    """commune id -> its number of stalls by status (0 for a status of STALL_STATUSES it has none in)."""
    query = _in(select(Stall.commune_id, Stall.status, func.count()).group_by(Stall.commune_id, Stall.status),
                Stall.commune_id, ids)
    out = {}
    for commune_id, status, count in db.session.execute(query):
        out.setdefault(commune_id, dict.fromkeys(STALL_STATUSES, 0))[status] = count
    return out


def _product_counts(ids) -> dict[int, tuple[int, int]]:
    """commune id -> (products on sale now, approved stalls with at least one: households selling)."""
    query = (select(Stall.commune_id, func.count(Product.id), func.count(func.distinct(Product.stall_id)))
             .join(Stall, Stall.id == Product.stall_id).where(catalog.visible_condition())
             .group_by(Stall.commune_id))
    if ids is not None:
        # Through the communes' stalls: the database reads their products by stall_id instead of
        # walking the whole market's listing index (as catalog.browse does for one commune).
        query = query.where(Product.stall_id.in_(select(Stall.id).where(Stall.commune_id.in_(ids or [-1]))))
    return {commune_id: (count, stalls) for commune_id, count, stalls in db.session.execute(query)}


def _household_total(ids) -> int | None:
    """Sum of the communes' household counts; None unless every commune in scope entered one."""
    counts = db.session.scalars(_in(select(Commune.household_count), Commune.id, ids)).all()
    if not counts or any(c is None for c in counts):
        return None
    return sum(counts)


def _approval_hours(ids, period: Period) -> tuple[int, Decimal | None]:
    """How many stalls were approved in the period and their mean wait from submission, in hours."""
    low, high = period.utc_bounds()
    query = _in(select(Stall.submitted_at, Stall.approved_at).where(
        Stall.approved_at >= low, Stall.approved_at < high), Stall.commune_id, ids)
    waits = [(a - s).total_seconds() for s, a in db.session.execute(query).all() if s and a]
    if not waits:
        return 0, None
    mean = Decimal(int(sum(waits))) / len(waits) / 3600
    return len(waits), mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _stamps_issued(ids, period: Period) -> int:
    low, high = period.utc_bounds()
    query = select(func.count(Stamp.id)).join(Batch, Batch.id == Stamp.batch_id).where(
        Stamp.created_at >= low, Stamp.created_at < high)
    return db.session.scalar(_in(query, Batch.commune_id, ids)) or 0


def _scans(ids, period: Period) -> int:
    low, high = period.utc_bounds()
    query = select(func.count(Scan.id)).where(Scan.scanned_at >= low, Scan.scanned_at < high)
    return db.session.scalar(_in(query, Scan.commune_id, ids)) or 0


def buckets(period: Period) -> list[tuple[date, date]]:
    """The series' [start, end) local days: calendar months, or weeks starting on Monday,
    clipped to the period."""
    out, cursor = [], period.start
    while cursor < period.end:
        nxt = _next_month(cursor) if period.by == "month" else cursor + timedelta(days=7 - cursor.weekday())
        out.append((cursor, min(nxt, period.end)))
        cursor = nxt
    return out


def series(rows, period: Period) -> list[dict]:
    """Orders, sales and cashless sales per week or month of the period (local time)."""
    cuts = buckets(period)
    out = [{"start": a, "end": b - timedelta(days=1), "orders": 0, "sales": 0, "cashless_sales": 0,
            "label": f"{a:%m/%Y}" if period.by == "month" else f"{a:%d/%m}"} for a, b in cuts]
    for r in rows:
        day = to_local(r.created_at).date()
        for i, (a, b) in enumerate(cuts):
            if a <= day < b:
                out[i]["orders"] += 1
                out[i]["sales"] += r.total
                out[i]["cashless_sales"] += r.total if r.payment_method != CASH else 0
                break
    return out


def top_products(ids, period: Period, limit: int = TOP_PRODUCTS) -> list[dict]:
    """Best-selling products of the period by value (goods only, without delivery)."""
    value = func.sum(OrderItem.line_total)
    query = (select(OrderItem.product_id, OrderItem.name, OrderItem.unit, Stall.name, value,
                    func.sum(OrderItem.quantity_milli))
             .join(StallOrder, StallOrder.id == OrderItem.stall_order_id)
             .join(Stall, Stall.id == StallOrder.stall_id)
             .where(is_sale(period))
             .group_by(OrderItem.product_id, OrderItem.name, OrderItem.unit, Stall.name)
             .order_by(value.desc(), OrderItem.product_id).limit(limit))
    return [{"product_id": pid, "name": name, "unit": unit, "stall": stall, "sales": int(total),
             "quantity_milli": int(qty)} for pid, name, unit, stall, total, qty in
            db.session.execute(_in(query, Stall.commune_id, ids)).all()]


def by_village(rows) -> list[dict]:
    """Sales per village of the selling stall, biggest first; stalls without one are grouped."""
    totals = defaultdict(lambda: [0, 0])
    for r in rows:
        totals[r.village_id][0] += 1
        totals[r.village_id][1] += r.total
    names = dict(db.session.execute(select(Village.id, Village.name).where(
        Village.id.in_([v for v in totals if v] or [-1]))).all())
    out = [{"village_id": v, "village": names.get(v, "") if v else "", "orders": n, "sales": s}
           for v, (n, s) in totals.items()]
    return sorted(out, key=lambda x: (-x["sales"], x["village"]))
