"""The commune's figures as JSON for officers and admins: the same numbers as the dashboard
page (admin/dashboard.py), for one commune the caller manages or all of them."""
from decimal import Decimal

from flask import request

from ...admin import dashboard
from . import bp
from .common import ERROR_RESPONSE, SECURED, officer_required, ok, query_number


def _plain(value):
    """Dates as ISO strings, percentages as numbers with one decimal; money stays integer VND."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@bp.get("/dashboard")
@officer_required
def figures(user):
    args = request.args
    period = dashboard.parse_period(args.get("month"), args.get("start"), args.get("end"), args.get("by"))
    commune_id = query_number(args.get("commune_id"), 10)
    ids = dashboard.scope(user, commune_id if commune_id is not None else None)
    data = dashboard.figures(ids, period)
    if commune_id is None and (ids is None or len(ids) > 1):
        data["communes"] = [{**{k: v for k, v in row.items() if k != "commune"}, "commune_id": row["commune"].id,
                             "commune": row["commune"].name} for row in dashboard.comparison(ids, period)]
    return _plain(data)


_INT = {"type": "integer"}
_PCT = {"type": ["number", "null"], "description": "Percent, one decimal; null when nothing to divide"}
OPENAPI_PATHS = {
    "/dashboard": {"get": {
        "summary": "Figures for a period (local Asia/Ho_Chi_Minh days) in one or all of the caller's communes",
        "description": "Sales are stall orders placed in the period whose status is placed, paid, confirmed, "
                       "packed, shipped, delivered or completed; value is the stall order total in VND. "
                       "Cashless = every payment method except cod.",
        "tags": ["moderation"], "security": SECURED,
        "parameters": [
            {"name": "month", "in": "query", "required": False, "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}},
            {"name": "start", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
            {"name": "end", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
            {"name": "by", "in": "query", "required": False, "schema": {"type": "string", "enum": ["week", "month"]}},
            {"name": "commune_id", "in": "query", "required": False, "schema": {"type": "integer"}},
        ],
        "responses": {"200": ok({"type": "object", "required": ["period", "orders", "sales"], "properties": {
            "period": {"type": "object"}, "stalls": {"type": "object", "properties": {
                "approved": _INT, "pending": _INT, "suspended": _INT}},
            "households_selling": _INT, "households_total": {"type": ["integer", "null"]},
            "households_share": _PCT, "households_with_sales": _INT, "active_products": _INT,
            "orders": _INT, "sales": _INT, "cashless_orders": _INT, "cashless_sales": _INT,
            "cod_orders": _INT, "cod_sales": _INT, "cashless_order_share": _PCT, "cashless_value_share": _PCT,
            "stalls_approved": _INT, "avg_approval_hours": {"type": ["number", "null"]},
            "stamps_issued": _INT, "stamps_scanned": _INT,
            "series": {"type": "array", "items": {"type": "object"}},
            "top_products": {"type": "array", "items": {"type": "object"}},
            "by_village": {"type": "array", "items": {"type": "object"}},
            "communes": {"type": "array", "items": {"type": "object"}, "description": "Per-commune comparison"},
        }}), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
}
