"""VietQR images, the stall's printable poster, the seller's "đã nhận tiền", the list of
payment notifications waiting for a person, and `flask payments check-refunds` for cron."""
import click
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..core.errors import NotFound, ServiceError
from ..core import qr
from ..core.money import parse_vnd
from ..extensions import db
from ..orders import services as orders
from ..orders.views import GUEST_ORDERS
from . import poster, refunds, services
from .providers import VIETQR

bp = Blueprint("payments", __name__)


OUTCOME_LABELS = {
    "applied": _l("Đã khớp, đơn đã thanh toán"), "underpaid": _l("Thiếu tiền"), "overpaid": _l("Thừa tiền"),
    "unknown_code": _l("Không rõ mã đơn"), "ambiguous": _l("Nhiều mã đơn"), "wrong_account": _l("Sai tài khoản"),
    "duplicate": _l("Trả trùng"), "late": _l("Đơn đã hết hạn/hủy"), "ignored": _l("Bỏ qua (tiền ra)"),
    "recorded": _l("Ghi nhận"), "failed": _l("Thanh toán không thành công"), "wrong_currency": _l("Sai loại tiền"),
    "refund_due": _l("Cần hoàn tiền (đơn đã hết hạn/hủy)"),
}


@bp.app_template_global()
def payment_outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


@bp.app_template_global()
def payment_events(stall_order) -> list:
    """Payment events of a stall order, for the seller's order page."""
    return services.stall_order_events(stall_order)


@bp.app_template_global()
def vietqr_svg_path(payload: str) -> tuple[int, str]:
    return qr.svg_path(payload)


@bp.get("/don-hang/<code>/qr/<so_code>.png")
def qr_png(code, so_code):
    order = orders.order_for_viewer(current_user, code, session.get(GUEST_ORDERS, []))
    so = next((s for s in order.stall_orders if s.code == so_code and s.payment_method == VIETQR.code), None)
    if so is None:
        raise NotFound(_("Không tìm thấy mã QR."))
    response = Response(qr.png(VIETQR.instructions(so)["qr_payload"]), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="VietQR-{so.code}.png"'
    return response


@bp.post("/gian-hang-cua-toi/don-hang/<code>/da-nhan-tien")
@login_required
def mark_received(code):
    try:
        services.mark_received(current_user, code, parse_vnd(request.form.get("amount", "")))
        flash(_("Đã xác nhận nhận tiền."), "success")
    except ValueError:
        flash(_("Nhập số tiền đã nhận, ví dụ 150.000."), "error")
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    return redirect(url_for("orders.seller_order", code=code))


@bp.get("/gian-hang-cua-toi/poster-vietqr.pdf")
@login_required
def stall_poster():
    stall = services.own_stall(current_user)
    try:
        url = url_for("stalls.public", slug=stall.slug, _external=True)
    except BuildError:  # the public stall page's endpoint name, when it is not there yet
        url = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/gian-hang/{stall.slug}"
    response = Response(poster.stall_poster(stall, url), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="poster-{stall.slug}.pdf"'
    return response


@bp.get("/thanh-toan-can-xu-ly")
@login_required
def events_to_handle():
    page = db.paginate(services.events_to_handle(current_user), per_page=30, error_out=False)
    return render_template("payments/events.html", page=page)


@bp.cli.command("check-refunds")
def check_refunds_command():
    """Ask the gateways about every refund still pending and settle the ones they answer (cron)."""
    counts = refunds.check_pending_refunds()
    click.echo(f"checked {sum(counts.values())} pending refund(s): " +
               ", ".join(f"{status} {counts[status]}" for status in ("done", "failed", "pending", "error")))
    if counts["error"]:
        raise SystemExit(1)
