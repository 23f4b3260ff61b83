"""Buyers' reports (báo cáo vi phạm): a logged-in user reports a product or a stall and reads
the outcome; officers list the reports of their communes and resolve them. The same services
as the HTML pages; an officer of another commune is refused (403)."""
from flask import current_app, request
from flask_babel import lazy_gettext as _l

from ...admin import reports
from ...admin.models import Report, ReportStatus
from ...core.errors import ValidationError
from ...extensions import db, limiter
from . import bp
from .common import (
    DATETIME, ERROR_RESPONSE, ID, PAGE_PARAMS, SECURED, bearer_user, identifier, json_body, json_request,
    officer_required, ok, page_of, paginated, path_id, ref, text, timestamp, token_required, typed,
)


def report_json(report: Report, officer: bool = False) -> dict:
    data = {
        "id": report.id, "stall_id": report.stall_id, "product_id": report.product_id,
        "category": report.category, "text": report.text, "status": report.status, "outcome": report.outcome,
        "note": report.note, "created_at": timestamp(report.created_at), "resolved_at": timestamp(report.resolved_at),
    }
    if officer:
        data.update(commune_id=report.commune_id, reporter_id=report.reporter_id, has_photo=bool(report.photo_key))
    return data


def _per_token() -> str:
    user = bearer_user()
    return f"user:{user.id}" if user else "anonymous"


@bp.post("/reports")
@limiter.limit(lambda: current_app.config["REPORT_RATE_LIMIT"], key_func=_per_token)
@token_required
def create_report(user):
    data = typed(json_body(), {"category": text, "text": text, "product_id": identifier, "stall_id": identifier})
    if bool(data.get("product_id")) == bool(data.get("stall_id")):
        message = _l("Gửi đúng một trong product_id hoặc stall_id.")
        raise ValidationError(message, {"product_id": message})
    report = reports.create_report(user, data.get("category", ""), data.get("text", ""),
                                    product_id=data.get("product_id"), stall_id=data.get("stall_id"))
    return report_json(report), 201


@bp.get("/reports/mine")
@token_required
def my_reports(user):
    items = reports.my_reports(user)
    return {"items": [report_json(r) for r in items], "page": 1, "per_page": len(items), "total": len(items)}


@bp.get("/moderation/reports")
@officer_required
def list_reports(user):
    status = request.args.get("status", ReportStatus.OPEN)
    return paginated(reports.reports_for(user, status if status in ReportStatus.ALL else None),
                     lambda r: report_json(r, officer=True))


@bp.post(f"/moderation/reports/<{ID}:report_id>/resolve")
@officer_required
def resolve_report(user, report_id):
    report = reports.get_report(user, report_id)
    data = typed(json_body(), {"outcome": text, "note": text})
    reports.resolve_report(user, report, data.get("outcome", ""), data.get("note", ""))
    db.session.refresh(report)
    return report_json(report, officer=True)


_REPORT = {"type": "object", "required": ["id", "stall_id", "category", "status"], "properties": {
    "id": {"type": "integer"}, "stall_id": {"type": "integer"}, "product_id": {"type": ["integer", "null"]},
    "category": {"type": "string", "enum": list(reports.REPORT_CATEGORIES)}, "text": {"type": "string"},
    "status": {"type": "string", "enum": list(ReportStatus.ALL)},
    "outcome": {"type": ["string", "null"], "enum": ["dismiss", "hide_product", "warn", "suspend_stall", None]},
    "note": {"type": "string", "description": "The officer's note, shown to the reporter"},
    "created_at": DATETIME, "resolved_at": DATETIME,
    "commune_id": {"type": "integer", "description": "Officers only"},
    "reporter_id": {"type": "integer", "description": "Officers only"},
    "has_photo": {"type": "boolean", "description": "Officers only; the photo is on the officer's web page"},
}}
OPENAPI_SCHEMAS = {"Report": _REPORT}
_ERRORS = {"401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE, "409": ERROR_RESPONSE,
           "422": ERROR_RESPONSE}
OPENAPI_PATHS = {
    "/reports": {"post": {
        "summary": "Report a product or a stall buyers can see (rate-limited per account)", "tags": ["reports"],
        "security": SECURED,
        "requestBody": json_request({"type": "object", "required": ["category", "text"], "properties": {
            "category": {"type": "string", "enum": list(reports.REPORT_CATEGORIES)},
            "text": {"type": "string", "maxLength": 2000}, "product_id": {"type": "integer"},
            "stall_id": {"type": "integer"}}}),
        "responses": {"201": ok(ref("Report"), "Created"), "429": ERROR_RESPONSE, **_ERRORS},
    }},
    "/reports/mine": {"get": {
        "summary": "The caller's reports with the officers' outcome, newest first", "tags": ["reports"],
        "security": SECURED, "responses": {"200": ok(page_of(ref("Report"))), "401": ERROR_RESPONSE},
    }},
    "/moderation/reports": {"get": {
        "summary": "Reports in the caller's communes (officers, admins)", "tags": ["moderation"],
        "security": SECURED,
        "parameters": PAGE_PARAMS + [{"name": "status", "in": "query", "required": False,
                                      "schema": {"type": "string", "enum": list(ReportStatus.ALL) + ["all"]}}],
        "responses": {"200": ok(page_of(ref("Report"))), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE},
    }},
    "/moderation/reports/{report_id}/resolve": {"post": {
        "summary": "Resolve an open report: dismiss, hide the product, warn, or suspend the stall",
        "tags": ["moderation"], "security": SECURED, "parameters": [path_id("report_id")],
        "requestBody": json_request({"type": "object", "required": ["outcome", "note"], "properties": {
            "outcome": {"type": "string", "enum": ["dismiss", "hide_product", "warn", "suspend_stall"]},
            "note": {"type": "string", "maxLength": 1000, "description": "Shown to the reporter"}}}),
        "responses": {"200": ok(ref("Report")), **_ERRORS},
    }},
}
