"""The commune's figures: dashboard, exports (CSV, XLSX) and the printable monthly report.
Routes on the admin blueprint; figures come from admin/dashboard.py."""
from flask import Response, render_template, request, stream_with_context
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..accounts.auth import officer_required
from ..communes.models import Commune
from ..extensions import db
from . import charts, dashboard, exports, services
from .views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _args():
    """(period, commune or None, commune ids in scope, communes to choose from) from the query."""
    args = request.args
    period = dashboard.parse_period(args.get("thang"), args.get("tu"), args.get("den"), args.get("theo"))
    commune_id = args.get("xa", type=int)
    ids = dashboard.scope(current_user, commune_id)
    choices = services.managed_communes(current_user)
    commune = db.session.get(Commune, ids[0]) if commune_id else None
    if commune is None and len(choices) == 1:  # an officer of one commune: its figures, by name
        commune = choices[0]
    return period, commune, ids, choices


@bp.get("/so-lieu")
@officer_required
def dashboard_page():
    period, commune, ids, choices = _args()
    figures = dashboard.figures(ids, period)
    sales_chart = charts.bars(figures["series"], "sales", "cashless_sales", charts.compact_vnd)
    compare = dashboard.comparison(ids, period) if commune is None and len(choices) > 1 else []
    return render_template("admin/dashboard.html", f=figures, period=period, commune=commune, communes=choices,
                           sales_chart=sales_chart, orders_chart=charts.bars(figures["series"], "orders"),
                           compare=compare, chart=charts)


@bp.get("/so-lieu/bao-cao-thang")
@officer_required
def monthly_report():
    period, commune, ids, choices = _args()
    current = dashboard.figures(ids, period)
    previous = dashboard.figures(ids, period.previous())
    return render_template("admin/monthly_report.html", f=current, prev=previous, period=period,
                           commune=commune, communes=choices, change=dashboard.with_change(current, previous),
                           money_keys=dashboard.MONEY_KEYS,
                           compare=dashboard.comparison(ids, period) if commune is None and len(choices) > 1 else [])


@bp.get("/so-lieu/xuat/<kind>.<any(csv, xlsx):ext>")
@officer_required
def export(kind, ext):
    if kind not in exports.KINDS:
        raise NotFound()
    period, commune, ids, _choices = _args()
    headers, rows = exports.table(kind, ids, period)
    name = exports.filename(kind, period, commune, ext)
    if ext == "csv":  # streamed: the rows are read from the database as the file is sent
        body, mimetype = stream_with_context(exports.to_csv(headers, rows)), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.to_xlsx(headers, rows, kind), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "private, no-store"})
