"""Buyers' side of reports (báo cáo vi phạm): report a product or a stall, and "Báo cáo của tôi"
with what the commune decided. Officers handle reports in admin/report_views.py."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..catalog import services as catalog
from ..core.errors import NotFound, ServiceError
from ..core.formerrors import attach_errors
from ..extensions import db, limiter
from ..stalls.models import Stall, StallStatus
from . import reports as reporting
from .forms import ReportForm

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
ID = "id"


def _per_account() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else request.remote_addr or ""


def _form() -> ReportForm:
    form = ReportForm()
    form.category.choices = [(k, str(v)) for k, v in reporting.REPORT_CATEGORIES.items()]
    return form


def _report(target_kind: str, target, product_id=None, stall_id=None):
    form = _form()
    if form.validate_on_submit():
        photo = request.files.get("photo")
        try:
            reporting.create_report(current_user, form.category.data, form.text.data, product_id=product_id,
                                   stall_id=stall_id, photo=photo if photo and photo.filename else None)
        except ServiceError as exc:
            attach_errors(form, exc, default="text")
        else:
            flash(_("Cảm ơn bạn. Cán bộ xã sẽ xem xét báo cáo và bạn sẽ thấy kết quả tại đây."), "success")
            return redirect(url_for("reports.mine"))
    status = 422 if form.errors else 200
    return render_template("admin/report_form.html", form=form, target=target, target_kind=target_kind), status


_limit = limiter.limit(lambda: current_app.config["REPORT_RATE_LIMIT"], methods=["POST"], key_func=_per_account)


@bp.route(f"/san-pham/<{ID}:product_id>", methods=["GET", "POST"])
@login_required
@_limit
def product(product_id):
    return _report("product", catalog.get_visible(product_id), product_id=product_id)


@bp.route(f"/gian-hang/<{ID}:stall_id>", methods=["GET", "POST"])
@login_required
@_limit
def stall(stall_id):
    target = db.session.get(Stall, stall_id)
    if target is None or target.status != StallStatus.APPROVED:
        raise NotFound(_("Không tìm thấy gian hàng."))
    return _report("stall", target, stall_id=stall_id)


@bp.get("/cua-toi")
@login_required
def mine():
    return render_template("admin/my_reports.html", reports=reporting.my_reports(current_user),
                           categories=reporting.REPORT_CATEGORIES, outcomes=reporting.OUTCOME_LABELS)
