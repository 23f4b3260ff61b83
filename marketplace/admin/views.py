"""The commune admin module: moderation queue and audit log (officers). Further pages on the
same blueprint: reports and stalls (admin/report_views.py), figures and exports
(admin/dashboard_views.py), communes, categories and platform settings (admin/communes.py,
admin/platform_views.py). Who may act on what is decided in the services."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..accounts.auth import officer_required
from ..catalog import services as catalog
from ..catalog.filters import page_number
from ..core.errors import ServiceError
from ..core.timeutil import to_local, utcnow
from ..extensions import db
from ..stalls import services as stalls
from ..stalls.banks import bank_name
from . import reports as reporting
from . import services
from .forms import BulkApproveForm, RejectForm

bp = Blueprint("admin", __name__, url_prefix="/quan-ly")
bp.add_app_template_global(bank_name, "bank_name")
# For the include hooks on other areas' pages (seller home, commune page).
bp.add_app_template_global(services.announcements, "admin_announcements")
bp.add_app_template_global(reporting.stall_warnings, "admin_warnings")
bp.add_app_template_global(lambda: to_local(utcnow()), "now_local")


@bp.app_template_filter("percent")
def percent_filter(value) -> str:
    """66.7 -> "66,7 %" (Vietnamese decimal comma); None -> "—"."""
    return "—" if value is None else f"{value} %".replace(".", ",")

# Each kind of item under moderation: how to load it (with authorization) and decide on it.
KINDS = {
    "gian-hang": (stalls.get_for_moderation, stalls.approve_stall, stalls.reject_stall, "admin/stall_review.html"),
    "san-pham": (catalog.get_for_moderation, catalog.approve_product, catalog.reject_product, "admin/product_review.html"),
}


# Ids in URLs are capped at the 32-bit column range: a bigger number is a 404, not a DB error.
ITEM = "<kind>/<id:item_id>"


def _kind(kind: str):
    if kind not in KINDS:
        raise NotFound()
    return KINDS[kind]


@bp.get("/duyet")
@officer_required
def queue():
    return render_template("admin/queue.html", stalls=stalls.pending_stalls(current_user),
                           products=catalog.pending_products(current_user), reject_form=RejectForm(),
                           bulk_form=BulkApproveForm(), flagged=reporting.flagged_stalls(current_user),
                           open_reports=reporting.open_count(current_user))


BULK_KINDS = {"gian-hang": "stall", "san-pham": "product"}


@bp.post("/duyet/<kind>/duyet-nhieu")
@officer_required
def bulk_approve(kind):
    if kind not in BULK_KINDS or not BulkApproveForm().validate_on_submit():
        raise NotFound()
    ids = [int(i) for i in request.form.getlist("ids") if i.isascii() and i.isdigit() and len(i) <= 10]
    approved, skipped = services.bulk_approve(current_user, BULK_KINDS[kind], ids)
    flash(ngettext("Đã duyệt %(num)s mục.", "Đã duyệt %(num)s mục.", approved), "success")
    if skipped:
        flash(ngettext("Bỏ qua %(num)s mục (đã được xử lý hoặc không thuộc xã của bạn).",
                       "Bỏ qua %(num)s mục (đã được xử lý hoặc không thuộc xã của bạn).", skipped), "info")
    return redirect(url_for("admin.queue"))


@bp.get(f"/duyet/{ITEM}")
@officer_required
def review(kind, item_id):
    load, _approve, _reject, template = _kind(kind)
    item = load(current_user, item_id)
    return _review_page(template, item, RejectForm())


def _review_page(template, item, reject_form, status=200):
    stall = getattr(item, "stall", item)
    return render_template(template, item=item, reject_form=reject_form,
                           history=services.seller_history(stall)), status


@bp.post(f"/duyet/{ITEM}/duyet")
@officer_required
def approve(kind, item_id):
    load, approve_item, _reject, _template = _kind(kind)
    item = load(current_user, item_id)
    try:  # CSRF is checked for every POST by CSRFProtect
        approve_item(current_user, item)
    except ServiceError as exc:  # e.g. already decided by a colleague a moment ago
        flash(exc.message, "error")
    else:
        flash(_("Đã duyệt “%(name)s”.", name=item.name), "success")
    return redirect(url_for("admin.queue"))


@bp.post(f"/duyet/{ITEM}/tu-choi")
@officer_required
def reject(kind, item_id):
    load, _approve, reject_item, template = _kind(kind)
    item = load(current_user, item_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            reject_item(current_user, item, form.reason_text())
        except ServiceError as exc:
            form.details.errors.append(exc.fields.get("reason", exc.message))
        else:
            flash(_("Đã từ chối “%(name)s”. Người bán sẽ thấy lý do.", name=item.name), "success")
            return redirect(url_for("admin.queue"))
    return _review_page(template, item, form, 422)


@bp.get("/nhat-ky")
@officer_required
def audit_log():
    args = request.args
    filters = {"action": args.get("action", "").strip(), "who": args.get("who", "").strip(),
               "target_type": args.get("target", "").strip(), "target_id": _number(args.get("target_id")),
               "date_from": _day(args.get("from")), "date_to": _day(args.get("to"))}
    page = db.paginate(services.audit_entries(current_user, **filters), page=page_number(args),
                       per_page=current_app.config["PER_PAGE"] * 2, error_out=False)
    return render_template("admin/audit.html", page=page, users=services.actor_names(page.items), filters=filters)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 9 else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# Further routes on the same blueprint, split by subject to keep each module small.
from . import communes, dashboard_views, platform_views, report_views  # noqa: E402,F401
