"""The seller's ledger page, refunds (seller on their order page, officers by order code, with the
refunds still awaiting a gateway and their "Kiểm tra lại" button) and the admin's balances,
payouts and CSV exports."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.auth import admin_required, officer_required
from ..core.errors import ServiceError
from ..extensions import db
from ..orders import fulfilment
from . import ledger, refunds
from .forms import PayoutForm, RefundForm

bp = Blueprint("ledger", __name__)

REFUND_LABELS = {"done": _l("Đã hoàn qua cổng"), "manual": _l("Hoàn thủ công"), "failed": _l("Cổng chưa hoàn được"),
                 "requested": _l("Đang gửi"), "pending": _l("Đang xử lý, chờ cổng thanh toán xác nhận")}
REFUND_STARTED = {
    "done": _l("Đã hoàn tiền qua cổng thanh toán."),
    "failed": _l("Cổng thanh toán chưa hoàn được tiền, vui lòng thử lại sau."),
    "pending": _l("Cổng thanh toán đang xử lý hoàn tiền. Kết quả sẽ được kiểm tra lại với cổng."),
    "manual": _l("Đã ghi nhận hoàn tiền. Vui lòng chuyển trả tiền cho người mua."),
}
REFUND_CHECKED = {
    "done": _l("Cổng thanh toán đã xác nhận hoàn tiền."),
    "failed": _l("Cổng thanh toán báo hoàn tiền không thành công; đơn cần được hoàn lại."),
    "pending": _l("Cổng thanh toán vẫn đang xử lý hoàn tiền."),
}


@bp.app_template_global()
def refund_status_label(status: str) -> str:
    return str(REFUND_LABELS.get(status, status))


@bp.app_template_global()
def refund_form(stall_order) -> RefundForm:
    return RefundForm(code=stall_order.code, formdata=None)


@bp.app_template_global()
def stall_order_refunds(stall_order) -> list:
    return refunds.refunds_of(stall_order)


@bp.app_template_global()
def order_refunds(order) -> dict:
    return refunds.refunds_by_stall_order(order)


@bp.get("/gian-hang-cua-toi/so-du")
@login_required
def seller_ledger():
    stall = fulfilment.seller_stall(current_user)
    page = db.paginate(ledger.entries(stall.id), per_page=50, error_out=False)
    return render_template("payments/ledger.html", stall=stall, balance=ledger.balance(stall.id), page=page)


@bp.post("/hoan-tien")
@login_required
def refund():
    form = RefundForm()
    target = request.form.get("next") or ""
    if form.validate_on_submit():
        try:
            result = refunds.start_refund(current_user, form.code.data, form.reason.data, form.amount.data)
            flash(str(REFUND_STARTED.get(result.status, REFUND_STARTED["manual"])), "success")
        except ServiceError as exc:
            if exc.status == 404:
                raise
            flash(exc.message, "error")
    else:
        flash(_("Nhập lý do hoàn tiền."), "error")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("ledger.officer_refund"))


@bp.get("/quan-ly/hoan-tien")
@officer_required
def officer_refund():
    return render_template("payments/refund.html", form=RefundForm(code=request.args.get("code", "")),
                           in_flight=refunds.refunds_in_flight(current_user))


@bp.post("/quan-ly/hoan-tien/<id:refund_id>/kiem-tra")
@officer_required
def check_refund(refund_id):
    refund = refunds.check_refund(current_user, refund_id)
    flash(str(REFUND_CHECKED.get(refund.status, REFUND_CHECKED["pending"])),
          "error" if refund.status == "failed" else "success")
    return redirect(url_for("ledger.officer_refund"))


@bp.route("/quan-ly/doi-soat", methods=["GET", "POST"])
@admin_required
def payouts():
    form = PayoutForm()
    if form.validate_on_submit():
        try:
            ledger.record_payout(current_user, int(form.stall_id.data), form.amount.data, form.reference.data)
            flash(_("Đã ghi nhận khoản chi trả."), "success")
            return redirect(url_for("ledger.payouts"))
        except (ServiceError, ValueError) as exc:
            flash(getattr(exc, "message", _("Dữ liệu không hợp lệ.")), "error")
    return render_template("payments/payouts.html", rows=ledger.balances(current_user), form=form)


@bp.get("/quan-ly/doi-soat/<kind>.csv")
@admin_required
def payouts_csv(kind):
    exports = {"can-chi-tra": ledger.owed_csv, "da-chi-tra": ledger.payouts_csv}
    if kind not in exports:
        return redirect(url_for("ledger.payouts"))
    response = Response("\ufeff" + exports[kind](current_user), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
