"""Exports for the district/province report: stalls, products, orders of a period and the
dashboard figures, as tables with Vietnamese headers, written as CSV (UTF-8 with BOM, so
Excel opens the accents right) or XLSX (openpyxl). Money is whole VND, never a float.

A table is its headers and an iterable of rows. The product table (the biggest: a province's
whole catalogue) is read from the database as the CSV is written, in pieces, so its size
does not decide the memory a worker needs; its labels are translated once, not per row."""
import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..catalog import services as catalog
from ..catalog.models import Category, Product
from ..catalog.units import MILLI, UNITS
from ..communes.models import Commune
from ..core.timeutil import format_local
from ..extensions import db
from ..orders import status as order_status
from ..orders.methods import get as payment_method
from ..stalls.models import Stall
from . import dashboard

KINDS = ("gian-hang", "san-pham", "don-hang", "so-lieu", "cac-xa")
CSV_ROWS_PER_PIECE = 1000


def _in(query, column, ids):
    return query if ids is None else query.where(column.in_(ids or [-1]))


def _statuses() -> dict[str, str]:
    """Stall and product statuses as the file shows them."""
    return {"pending": _("Chờ duyệt"), "approved": _("Đã duyệt"), "rejected": _("Bị từ chối"),
            "suspended": _("Tạm ngừng")}


def stalls_table(ids) -> tuple[list[str], list[list]]:
    on_sale = dict(db.session.execute(_in(
        catalog.visible_products().with_only_columns(Product.stall_id, func.count(Product.id))
        .group_by(Product.stall_id), Stall.commune_id, ids)).all())
    query = _in(select(Stall).options(selectinload(Stall.commune), selectinload(Stall.village))
                .order_by(Stall.commune_id, Stall.name, Stall.id), Stall.commune_id, ids)
    headers = [_("Mã"), _("Tên gian hàng"), _("Hộ/người đại diện"), _("Xã"), _("Thôn/ấp"), _("Điện thoại"),
               _("Trạng thái"), _("Ngày gửi đăng ký"), _("Ngày duyệt"), _("Số sản phẩm đang bán")]
    statuses = _statuses()
    rows = [[s.id, s.name, s.household_name, s.commune.name, s.village.name if s.village else "", s.phone,
             statuses.get(s.status, s.status), format_local(s.submitted_at), format_local(s.approved_at),
             on_sale.get(s.id, 0)]
            for s in db.session.scalars(query)]
    return headers, rows


def products_table(ids) -> tuple[list[str], Iterator[list]]:
    """Every product not deleted, by commune, stall and name; rows come as they are read."""
    on_sale = catalog.visible_condition().label("on_sale")
    query = _in(select(Product.id, Product.name, Stall.name.label("stall"), Commune.name.label("commune"),
                       Category.name.label("category"), Product.unit, Product.price, Product.stock_milli,
                       Product.status, on_sale, Product.ocop_stars)
                .join(Stall, Stall.id == Product.stall_id).join(Commune, Commune.id == Stall.commune_id)
                .join(Category, Category.id == Product.category_id)
                .where(Product.deleted_at.is_(None))
                .order_by(Stall.commune_id, Stall.name, Product.name, Product.id), Stall.commune_id, ids)
    headers = [_("Mã"), _("Sản phẩm"), _("Gian hàng"), _("Xã"), _("Danh mục"), _("Đơn vị"), _("Giá (VND)"),
               _("Tồn kho"), _("Trạng thái"), _("Đang bán"), _("OCOP (sao)")]
    statuses, yes, no = _statuses(), _("Có"), _("Không")
    units = {code: str(unit.label) for code, unit in UNITS.items()}

    def rows():
        # yield_per: the database driver hands the rows over in batches (a server-side cursor on
        # PostgreSQL) instead of the whole result at once.
        for p in db.session.execute(query.execution_options(yield_per=CSV_ROWS_PER_PIECE)):
            yield [p.id, p.name, p.stall, p.commune, p.category, units.get(p.unit, units["cai"]), p.price,
                   _quantity(p.stock_milli), statuses.get(p.status, p.status), yes if p.on_sale else no,
                   p.ocop_stars or ""]

    return headers, rows()


def orders_table(ids, period: dashboard.Period) -> tuple[list[str], list[list]]:
    """Every stall order placed in the period; the last column says whether it counts as a sale
    on the dashboard, so the file's sum of counted totals equals the dashboard's sales."""
    from ..orders.models import StallOrder

    low, high = period.utc_bounds()
    query = _in(select(StallOrder).join(Stall, Stall.id == StallOrder.stall_id)
                .where(StallOrder.created_at >= low, StallOrder.created_at < high)
                .options(selectinload(StallOrder.stall).selectinload(Stall.commune),
                         selectinload(StallOrder.stall).selectinload(Stall.village))
                .order_by(StallOrder.created_at, StallOrder.id), Stall.commune_id, ids)
    headers = [_("Mã đơn"), _("Thời gian đặt"), _("Gian hàng"), _("Xã"), _("Thôn/ấp"), _("Hình thức thanh toán"),
               _("Không dùng tiền mặt"), _("Trạng thái"), _("Tiền hàng (VND)"), _("Phí giao (VND)"),
               _("Tổng (VND)"), _("Tính vào doanh số")]
    rows = []
    for so in db.session.scalars(query):
        method = payment_method(so.payment_method)
        rows.append([so.code, format_local(so.created_at), so.stall.name, so.stall.commune.name,
                     so.stall.village.name if so.stall.village else "",
                     str(method.label) if method else so.payment_method,
                     _("Không") if so.payment_method == dashboard.CASH else _("Có"),
                     str(order_status.LABELS.get(so.status, so.status)), so.subtotal, so.shipping_fee, so.total,
                     _("Có") if so.status in dashboard.SALE_STATUSES else _("Không")])
    return headers, rows


def figures_table(figures: dict) -> tuple[list[str], list[list]]:
    """The dashboard as rows of (figure, value): what goes into the commune's report."""
    f = figures
    rows = [
        [_("Kỳ báo cáo"), f["period"]["label"]],
        [_("Gian hàng đang hoạt động"), f["stalls"]["approved"]],
        [_("Gian hàng chờ duyệt"), f["stalls"]["pending"]],
        [_("Gian hàng tạm ngừng"), f["stalls"]["suspended"]],
        [_("Số hộ đang bán trực tuyến"), f["households_selling"]],
        [_("Tổng số hộ của xã"), f["households_total"] if f["households_total"] is not None else ""],
        [_("Tỉ lệ hộ bán trực tuyến (%)"), _num(f["households_share"])],
        [_("Số hộ có đơn trong kỳ"), f["households_with_sales"]],
        [_("Sản phẩm đang bán"), f["active_products"]],
        [_("Số đơn hàng"), f["orders"]],
        [_("Doanh số (VND)"), f["sales"]],
        [_("Số đơn không dùng tiền mặt"), f["cashless_orders"]],
        [_("Doanh số không dùng tiền mặt (VND)"), f["cashless_sales"]],
        [_("Số đơn COD"), f["cod_orders"]],
        [_("Doanh số COD (VND)"), f["cod_sales"]],
        [_("Tỉ lệ đơn không dùng tiền mặt (%)"), _num(f["cashless_order_share"])],
        [_("Tỉ lệ giá trị không dùng tiền mặt (%)"), _num(f["cashless_value_share"])],
        [_("Gian hàng được duyệt trong kỳ"), f["stalls_approved"]],
        [_("Thời gian duyệt trung bình (giờ)"), _num(f["avg_approval_hours"])],
        [_("Tem truy xuất đã phát hành"), f["stamps_issued"]],
        [_("Lượt quét tem"), f["stamps_scanned"]],
    ]
    for v in f["by_village"]:
        rows.append([_("Doanh số thôn %(name)s (VND)", name=v["village"] or _("(chưa ghi thôn)")), v["sales"]])
    return [_("Chỉ tiêu"), _("Giá trị")], rows


def communes_table(ids, period: dashboard.Period) -> tuple[list[str], list[list]]:
    """One row per commune in scope: the province's comparison of its pilot communes."""
    headers = [_("Xã"), _("Tỉnh/thành phố"), _("Gian hàng đang hoạt động"), _("Số hộ đang bán trực tuyến"),
               _("Tỉ lệ hộ bán trực tuyến (%)"), _("Sản phẩm đang bán"), _("Số đơn hàng"), _("Doanh số (VND)"),
               _("Tỉ lệ đơn không dùng tiền mặt (%)"), _("Tỉ lệ giá trị không dùng tiền mặt (%)")]
    rows = [[r["commune"].name, r["commune"].province_name, r["stalls"]["approved"], r["households_selling"],
             _num(r["households_share"]), r["active_products"], r["orders"], r["sales"],
             _num(r["cashless_order_share"]), _num(r["cashless_value_share"])]
            for r in dashboard.comparison(ids, period)]
    return headers, rows


def table(kind: str, ids, period: dashboard.Period):
    if kind == "gian-hang":
        return stalls_table(ids)
    if kind == "san-pham":
        return products_table(ids)
    if kind == "don-hang":
        return orders_table(ids, period)
    if kind == "cac-xa":
        return communes_table(ids, period)
    return figures_table(dashboard.figures(ids, period))


def to_csv(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """The table as CSV in UTF-8 with a BOM, in pieces of CSV_ROWS_PER_PIECE rows, each written
    as soon as its rows are read (a response can stream them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(headers)
    rows = iter(rows)
    while piece := list(islice(rows, CSV_ROWS_PER_PIECE)):
        writer.writerows(piece)
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():  # a table without rows: the headers alone
        yield out.getvalue().encode()


def to_xlsx(headers: list[str], rows: Iterable[list], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for column, header in zip(sheet.columns, headers):
        width = max([len(str(header))] + [len(str(c.value or "")) for c in column][:200])
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(kind: str, period: dashboard.Period, commune: Commune | None, ext: str) -> str:
    where = commune.slug if commune else "tat-ca"
    return f"{kind}-{where}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.{ext}"


def _quantity(milli: int) -> str:
    whole, rest = divmod(milli, MILLI)
    return f"{whole}" if not rest else f"{whole},{rest:03d}".rstrip("0")


def _num(value) -> str:
    return "" if value is None else str(value).replace(".", ",")
