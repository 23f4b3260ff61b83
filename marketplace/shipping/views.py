"""The seller's shipments (create, edit, carrier updates, COD remittance, labels, batch print)
and the public tracking page."""
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import ServiceError
from ..core.formerrors import attach_errors
from ..extensions import db
from ..orders import fulfilment
from . import printing, services
from .forms import EventForm, RemittanceForm, ShipmentForm, TrackingNumberForm

bp = Blueprint("shipping", __name__)


@bp.app_template_global()
def shipment_of(stall_order):
    """The stall order's shipment; the first call on a page loads those of the whole order."""
    known = g.setdefault("shipments_by_stall_order", {})
    if stall_order.id not in known:
        siblings = [so.id for so in stall_order.order.stall_orders] if stall_order.order else [stall_order.id]
        known.update(dict.fromkeys(siblings))
        known.update(services.for_stall_orders(siblings))
    return known[stall_order.id]


@bp.app_template_global()
def shipment_status_label(status: str) -> str:
    return str(services.STATUS_LABELS.get(status, status))


@bp.route("/gian-hang-cua-toi/don-hang/<so_code>/van-don", methods=["GET", "POST"])
@login_required
def new_shipment(so_code):
    so = fulfilment.stall_order_for_seller(current_user, so_code)
    existing = services.for_stall_order(so)
    if existing is not None:
        return redirect(url_for("shipping.shipment", code=existing.code))
    form = ShipmentForm(data=services.defaults(so))
    if form.validate_on_submit():
        try:
            shipment = services.create_shipment(current_user, so.code, form.values())
            flash(_("Đã tạo vận đơn. In nhãn và dán lên kiện hàng."), "success")
            return redirect(url_for("shipping.shipment", code=shipment.code))
        except ServiceError as exc:
            if exc.status == 404:
                raise
            attach_errors(form, exc, only_new=True)
            flash(exc.message, "error")
    return render_template("shipping/new.html", form=form, so=so)


@bp.get("/gian-hang-cua-toi/van-don")
@login_required
def shipments():
    stall = fulfilment.seller_stall(current_user)
    status = request.args.get("status") or None
    page = db.paginate(services.stall_shipments(stall, status), per_page=50, error_out=False)
    return render_template("shipping/list.html", stall=stall, page=page, status=status,
                           statuses=services.STATUS_LABELS)


@bp.get("/gian-hang-cua-toi/van-don/in-nhan")
@login_required
def batch_labels():
    chosen = services.for_batch(current_user, request.args.getlist("code"))
    return _pdf(printing.labels_pdf(chosen, request.args.get("format"), _slips()), "nhan-gui-hang.pdf")


@bp.route("/gian-hang-cua-toi/van-don/<code>", methods=["GET", "POST"])
@login_required
def shipment(code):
    item = services.for_seller(current_user, code)
    form = ShipmentForm(obj=item)
    if item.status == "created" and form.validate_on_submit():
        try:
            services.update_shipment(current_user, item.code, form.values())
            flash(_("Đã lưu vận đơn."), "success")
            return redirect(url_for("shipping.shipment", code=item.code))
        except ServiceError as exc:
            attach_errors(form, exc, only_new=True)
            flash(exc.message, "error")
    return render_template("shipping/shipment.html", shipment=item, form=form, number_form=TrackingNumberForm(obj=item),
                           event_form=EventForm(), remittance_form=RemittanceForm(amount=item.cod_amount))


@bp.post("/gian-hang-cua-toi/van-don/<code>/<action>")
@login_required
def shipment_action(code, action):
    actions = {
        "ma-van-don": lambda: services.set_tracking_number(current_user, code, request.form.get("tracking_number", "")),
        "cap-nhat": lambda: services.add_event(current_user, code, request.form.get("kind", ""), request.form.get("note", "")),
        "doi-soat": lambda: services.record_remittance(current_user, code, request.form.get("amount")),
        "xoa": lambda: services.delete_shipment(current_user, code),
    }
    if action not in actions:
        return render_template("error.html", status=404, message=_("Không tìm thấy trang bạn cần.")), 404
    try:
        result = actions[action]()
        flash(_("Đã cập nhật vận đơn."), "success")
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(" ".join([str(exc.message)] + [str(v) for v in exc.fields.values() if str(v) != str(exc.message)]), "error")
        return redirect(url_for("shipping.shipment", code=code))
    if result is None:
        return redirect(url_for("shipping.shipments"))
    return redirect(url_for("shipping.shipment", code=result.code))


@bp.get("/van-don/<code>/label.pdf")
@login_required
def label(code):
    item = services.for_label(current_user, code)
    return _pdf(printing.labels_pdf([item], request.args.get("format"), _slips()), f"nhan-{item.barcode_value}.pdf")


@bp.get("/track/<code>")
def track(code):
    return render_template("shipping/track.html", tracking=services.public_tracking(code))


def _slips() -> bool:
    return request.args.get("slip") in ("1", "y", "on")


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
