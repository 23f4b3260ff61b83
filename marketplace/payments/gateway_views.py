"""Paying by card or e-wallet from the order page: start the payment (redirect to the provider)
and the page the provider sends the buyer back to. That page only displays: the provider's
server notification (api/v1/gateways.py) is what marks an order paid."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..core.errors import ServiceError
from ..orders.views import GUEST_ORDERS
from . import gateway, gateway_services

bp = Blueprint("gateways", __name__)


@bp.app_template_global()
def gateway_choices(order) -> list:
    """[(gateway, amount)] the buyer may still pay for this order, one button each."""
    result = []
    for g in gateway.configured():
        due = [so.total for so in order.stall_orders if so.payment_method == g.code and so.status == "pending_payment"]
        if due:
            result.append((g, sum(due)))
    return result


@bp.post("/don-hang/<code>/thanh-toan/<provider>")
def start(code, provider):
    try:
        payment = gateway_services.start_payment(current_user, code, provider, request.remote_addr or "",
                                                 session.get(GUEST_ORDERS, []))
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
        return redirect(url_for("orders.order_page", code=code))
    return redirect(payment.redirect_url, code=303)


@bp.get("/thanh-toan/<provider>/ket-qua/<reference>")
def returned(provider, reference):
    payment = gateway_services.payment_for(reference)
    if payment is None or payment.provider != provider:
        return render_template("payments/return.html", payment=None), 404
    return render_template("payments/return.html", payment=payment, order=payment.order)
