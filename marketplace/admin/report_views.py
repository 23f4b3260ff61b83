"""Officers' pages for buyers' reports and for acting on stalls and products: resolve a
report, suspend / reinstate a stall (with its open orders to follow up), hide / unhide a
product. Routes on the admin blueprint; the rules are in the services."""

from flask import flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..accounts.auth import officer_required
from ..catalog import services as catalog
from ..catalog.filters import page_number
from ..core.errors import ServiceError
from ..core.formerrors import attach_errors
from ..extensions import db
from ..stalls import services as stalls
from . import reports as reporting
from . import services
from .forms import ReasonForm, ResolveForm
from .models import ReportStatus
from .views import bp

ID = "id"


def _resolve_form(report, formdata=None):
    form = ResolveForm(formdata=formdata) if formdata is not None else ResolveForm()
    outcomes = reporting.OUTCOME_LABELS.items()
    form.outcome.choices = [(k, str(v)) for k, v in outcomes if report.product_id or k != "hide_product"]
    return form


@bp.get("/bao-cao")
@officer_required
def reports():
    status = request.args.get("trang-thai", ReportStatus.OPEN)
    status = status if status in ReportStatus.ALL else ReportStatus.OPEN
    page = db.paginate(reporting.reports_for(current_user, status), page=page_number(request.args), per_page=30,
                       error_out=False)
    return render_template("admin/reports.html", page=page, status=status, categories=reporting.REPORT_CATEGORIES,
                           outcomes=reporting.OUTCOME_LABELS, flagged=reporting.flagged_stalls(current_user))


@bp.route(f"/bao-cao/<{ID}:report_id>", methods=["GET", "POST"])
@officer_required
def report(report_id):
    item = reporting.get_report(current_user, report_id)
    form = _resolve_form(item, None if request.method == "POST" else {})
    if request.method == "POST" and form.validate_on_submit():
        try:
            reporting.resolve_report(current_user, item, form.outcome.data, form.note.data)
        except ServiceError as exc:
            if not exc.fields:  # already resolved by a colleague: the form is gone, say why
                flash(exc.message, "error")
            attach_errors(form, exc, default="note")
        else:
            flash(_("Đã xử lý báo cáo. Người báo cáo sẽ thấy kết quả."), "success")
            return redirect(url_for("admin.reports"))
    return render_template("admin/report.html", report=item, form=form, categories=reporting.REPORT_CATEGORIES,
                           outcomes=reporting.OUTCOME_LABELS,
                           history=services.seller_history(item.stall)), 422 if form.errors else 200


@bp.get(f"/bao-cao/<{ID}:report_id>/anh/<int(fixed_digits=3):size>")
@officer_required
def report_photo(report_id, size):
    item = reporting.get_report(current_user, report_id)
    if not item.photo_key or size not in (320, 1200):
        raise NotFound()
    response = send_from_directory(reporting.report_media_dir(), f"{item.photo_key}_{size}.jpg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/gian-hang")
@officer_required
def stall_list():
    status = request.args.get("trang-thai", "")
    page = db.paginate(stalls.managed_stalls(current_user, status or None), page=page_number(request.args),
                       per_page=30, error_out=False)
    return render_template("admin/stalls.html", page=page, status=status)


def _stall_page(stall, status=200, **forms):
    forms.setdefault("reason_form", ReasonForm(formdata=None))
    products = db.session.scalars(catalog.stall_products(stall)).all()
    return render_template("admin/stall.html", stall=stall, products=products,
                           orders=services.open_stall_orders(current_user, stall),
                           history=services.seller_history(stall), **forms), status


@bp.get(f"/gian-hang/<{ID}:stall_id>")
@officer_required
def stall_detail(stall_id):
    return _stall_page(stalls.get_for_moderation(current_user, stall_id))


@bp.post(f"/gian-hang/<{ID}:stall_id>/<any('tam-ngung', 'mo-lai'):action>")
@officer_required
def stall_status(stall_id, action):
    stall = stalls.get_for_moderation(current_user, stall_id)
    form = ReasonForm()
    if form.validate_on_submit():
        decide = stalls.suspend_stall if action == "tam-ngung" else stalls.reinstate_stall
        try:
            decide(current_user, stall, form.reason.data)
        except ServiceError as exc:
            form.reason.errors.append(exc.fields.get("reason", exc.message))
        else:
            flash(_("Đã tạm ngừng gian hàng.") if action == "tam-ngung" else _("Đã mở lại gian hàng."), "success")
            return redirect(url_for("admin.stall_detail", stall_id=stall.id))
    return _stall_page(stall, 422, reason_form=form)


@bp.post(f"/san-pham/<{ID}:product_id>/<any(an, hien):action>")
@officer_required
def product_visibility(product_id, action):
    product = catalog.get_for_moderation(current_user, product_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Nhập lý do."), "error")
    else:
        try:
            catalog.set_officer_hidden(current_user, product, action == "an", form.reason.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Đã ẩn sản phẩm khỏi chợ.") if action == "an" else _("Sản phẩm đã hiện lại."), "success")
    return redirect(url_for("admin.stall_detail", stall_id=product.stall_id))


from . import commune_views  # noqa: E402,F401  (announcements and commune settings)
