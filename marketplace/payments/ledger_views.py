"""The seller's ledger page, refunds (seller on their order page, officers by order code) and the
admin's balances, payouts and CSV exports."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.auth import admin_required, officer_required
from ..core.errors import ServiceError
from ..extensions import db
from ..orders import fulfilment
from . import ledger, refunds
from .forms import PayoutForm, RefundForm

bp = Blueprint("ledger", __name__)


@bp.app_template_global()
def refund_form(stall_order) -> RefundForm:
    return RefundForm(code=stall_order.code, formdata=None)


@bp.app_template_global()
def stall_order_refunds(stall_order) -> list:
    return refunds.refunds_of(stall_order)


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
            flash(_("Đã hoàn tiền qua cổng thanh toán.") if result.status == "done" else
                  _("Cổng thanh toán chưa hoàn được tiền, vui lòng thử lại sau.") if result.status == "failed" else
                  _("Đã ghi nhận hoàn tiền. Vui lòng chuyển trả tiền cho người mua."), "success")
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
    return render_template("payments/refund.html", form=RefundForm(code=request.args.get("code", "")))


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
