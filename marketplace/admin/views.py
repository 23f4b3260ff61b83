"""The commune admin module: moderation queue and audit log (officers), communes and
officers (admin, in admin/communes.py). Who may act on what is decided in the services."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..accounts.auth import officer_required
from ..catalog import services as catalog
from ..catalog.filters import page_number
from ..core.errors import ServiceError
from ..extensions import db
from ..stalls import services as stalls
from ..stalls.banks import bank_name
from . import services
from .forms import RejectForm

bp = Blueprint("admin", __name__, url_prefix="/quan-ly")
bp.add_app_template_global(bank_name, "bank_name")

# Each kind of item under moderation: how to load it (with authorization) and decide on it.
KINDS = {
    "gian-hang": (stalls.get_for_moderation, stalls.approve_stall, stalls.reject_stall, "admin/stall_review.html"),
    "san-pham": (catalog.get_for_moderation, catalog.approve_product, catalog.reject_product, "admin/product_review.html"),
}


# Ids in URLs are capped at the 32-bit column range: a bigger number is a 404, not a DB error.
ITEM = "<kind>/<int(max=2147483647):item_id>"


def _kind(kind: str):
    if kind not in KINDS:
        raise NotFound()
    return KINDS[kind]


@bp.get("/duyet")
@officer_required
def queue():
    return render_template("admin/queue.html", stalls=stalls.pending_stalls(current_user),
                           products=catalog.pending_products(current_user), reject_form=RejectForm())


@bp.get(f"/duyet/{ITEM}")
@officer_required
def review(kind, item_id):
    load, _approve, _reject, template = _kind(kind)
    item = load(current_user, item_id)
    return render_template(template, item=item, reject_form=RejectForm())


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
    return render_template(template, item=item, reject_form=form), 422


@bp.get("/nhat-ky")
@officer_required
def audit_log():
    page = db.paginate(services.audit_entries(current_user), page=page_number(request.args),
                       per_page=current_app.config["PER_PAGE"] * 2, error_out=False)
    return render_template("admin/audit.html", page=page, users=services.actor_names(page.items))


from . import communes  # noqa: E402,F401  (admin-only routes on the same blueprint)
