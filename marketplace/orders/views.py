"""Cart, checkout, the buyer's orders (by account, or by code + phone for guests) and the
seller's orders; `flask orders expire` for cron."""
import click
from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required, user_logged_in

from ..core import address
from ..core.errors import Conflict, ServiceError
from ..core.money import format_vnd
from ..core.formerrors import attach_errors
from ..web import wants_json
from .. import pagecache
from ..extensions import db
from . import cart, fulfilment, methods, services, shipping
from . import status as st
from .forms import CheckoutForm, GuestLookupForm, ShippingRuleForm

bp = Blueprint("orders", __name__, cli_group="orders")
GUEST_ORDERS = "guest_orders"  # session key: ids of orders a guest proved (code + phone)


@user_logged_in.connect
def _merge_cart(app, user, **extra):
    if session.get("cart"):
        cart.merge_into_user(user, session["cart"])
        session.modified = True


def _remember_order(order) -> None:
    """Let this browser see the order again (guests), keeping only the latest few."""
    session[GUEST_ORDERS] = (session.get(GUEST_ORDERS, []) + [order.id])[-20:]


def _session_cart() -> dict:
    session.modified = True
    return session.setdefault("cart", {})


@bp.app_template_global()
def cart_count() -> int:
    return cart.count(current_user, session.get("cart") or {})


@pagecache.hole("cart")
def cart_badge() -> str:
    """The count on the cart link: per visitor, so a hole in cached pages."""
    n = cart_count()
    return render_template("orders/_cart_badge.html", n=n) if n else ""


@bp.app_template_global()
def order_status_label(status: str) -> str:
    return str(st.LABELS.get(status, status))


@bp.app_template_global()
def payment_instructions(stall_order) -> dict:
    method = methods.get(stall_order.payment_method)
    return method.instructions(stall_order) if method else {}


@bp.app_template_global()
def payment_method_label(code: str) -> str:
    method = methods.get(code)
    return str(method.label) if method else code


@bp.app_template_global()
def seller_new_orders(stall) -> int:
    return fulfilment.new_orders_count(stall) if stall is not None else 0


@bp.get("/gio-hang")
def cart_page():
    the_quote = services.quote(cart.lines(current_user, session.get("cart") or {}))
    return render_template("orders/cart.html", quote=the_quote)


@bp.post("/gio-hang")
def cart_update():
    """Add or change a line. A browser with JavaScript asks for JSON (orders.js) and stays on
    the product page; without it, the answer is a redirect back with a flashed message."""
    try:
        product_id = request.form.get("product_id", type=int) or 0
        milli = 0 if request.form.get("remove") else cart.parse(request.form.get("quantity", "0"))
        add = request.form.get("mode") == "add"
        cart.set_quantity(current_user, _session_cart(), product_id, milli, add=add)
        message, category, status = (_("Đã thêm vào giỏ hàng.") if add else _("Đã cập nhật giỏ hàng.")), "success", 200
    except ServiceError as exc:
        message, category, status = exc.message, "error", exc.status
    if wants_json():
        n = cart_count()
        body = {"message": str(message), "count": n, "count_label": ngettext("%(num)s sản phẩm", "%(num)s sản phẩm", n)}
        return body, status
    flash(message, category)
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("orders.cart_page"))


@bp.route("/thanh-toan", methods=["GET", "POST"])
def checkout():
    form = CheckoutForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data, form.phone.data = current_user.name, current_user.phone
    form.fill_choices()
    choices = {k[4:]: v for k, v in request.form.items() if k.startswith("pay_")}
    if not cart.count(current_user, session.get("cart") or {}):
        return redirect(url_for("orders.cart_page"))
    if request.method == "POST" and request.form.get("action") == "place" and form.validate_on_submit():
        try:
            expected = int(form.expected_total.data) if (form.expected_total.data or "").isdigit() else None
            order = services.place_order(current_user, _session_cart(), form.delivery(), choices, expected)
        except ServiceError as exc:
            attach_errors(form, exc, only_new=True)
            flash(exc.message, "error")
        else:
            _remember_order(order)
            return redirect(url_for("orders.order_page", code=order.code))
    # Read after a failed attempt: what the buyer sees now (a line may just have sold out).
    lines = cart.lines(current_user, session.get("cart") or {})
    if not lines:
        return redirect(url_for("orders.cart_page"))
    the_quote = services.quote(lines, form.ward_code.data, form.province_code.data, choices)
    form.expected_total.data = str(the_quote.total)
    return render_template("orders/checkout.html", form=form, quote=the_quote)


@bp.get("/thanh-toan/phi-giao-hang")
def delivery_fee():
    """The checkout's fees and totals for an address, as the page prints them: choosing a ward
    updates them in place (orders.js) instead of sending the whole form back over 3G."""
    the_quote = services.quote(cart.lines(current_user, session.get("cart") or {}),
                               request.args.get("ward_code", type=int), request.args.get("province_code", type=int))
    return {"groups": [{"stall_id": g.stall.id, "shipping_fee": format_vnd(g.shipping_fee), "total": format_vnd(g.total)}
                       for g in the_quote.groups],
            "total": format_vnd(the_quote.total), "expected_total": the_quote.total}


@bp.get("/thanh-toan/xa-phuong")
def wards():
    """[code, name] of a province's communes and wards, for the checkout's ward list; the same
    for everyone, so browsers and the reverse proxy keep it."""
    response = jsonify(address.wards(request.args.get("province_code", 0, type=int)))
    response.cache_control.public, response.cache_control.max_age = True, 86400
    return response


@bp.route("/don-hang/<code>", methods=["GET", "POST"])
def order_page(code):
    form = GuestLookupForm(code=code)
    if form.validate_on_submit():
        try:
            order = services.order_for_guest(form.code.data, form.phone.data)
            _remember_order(order)
            return redirect(url_for("orders.order_page", code=order.code))
        except ServiceError as exc:
            form.phone.errors.append(exc.message)
    try:
        order = services.order_for_viewer(current_user, code, session.get(GUEST_ORDERS, []))
    except ServiceError:
        return render_template("orders/lookup.html", form=form), 404 if request.method == "GET" else 200
    return render_template("orders/order.html", order=order)


@bp.post("/don-hang/<code>/<so_code>/<action>")
def buyer_action(code, so_code, action):
    try:
        services.buyer_action(current_user, code, so_code, action, session.get(GUEST_ORDERS, []))
        flash(_("Đã cập nhật đơn hàng."), "success")
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    return redirect(url_for("orders.order_page", code=code))


@bp.route("/tra-cuu-don-hang", methods=["GET", "POST"])
def lookup():
    form = GuestLookupForm()
    if form.validate_on_submit():
        return order_page(form.code.data.strip().upper())
    return render_template("orders/lookup.html", form=form)


@bp.get("/don-hang-cua-toi")
@login_required
def my_orders():
    page = db.paginate(services.buyer_orders(current_user), per_page=20, error_out=False)
    return render_template("orders/my_orders.html", page=page)


@bp.get("/gian-hang-cua-toi/don-hang")
@login_required
def seller_orders():
    stall = fulfilment.seller_stall(current_user)
    status = request.args.get("status") or None
    page = db.paginate(fulfilment.stall_orders(stall, status), per_page=30, error_out=False)
    return render_template("orders/seller_orders.html", stall=stall, page=page, status=status,
                           statuses=list(st.TRANSITIONS), counts=fulfilment.status_counts(stall))


@bp.get("/gian-hang-cua-toi/don-hang/<code>")
@login_required
def seller_order(code):
    return render_template("orders/seller_order.html", so=fulfilment.stall_order_for_seller(current_user, code),
                           actions=fulfilment.SELLER_ACTIONS, can_move=st.can_move)


@bp.post("/gian-hang-cua-toi/don-hang/<code>/<action>")
@login_required
def seller_order_action(code, action):
    try:
        fulfilment.seller_action(current_user, code, action, request.form.get("reason", ""))
        flash(_("Đã cập nhật đơn hàng."), "success")
    except (Conflict, ServiceError) as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    return redirect(url_for("orders.seller_order", code=code))


@bp.route("/gian-hang-cua-toi/phi-giao-hang", methods=["GET", "POST"])
@login_required
def shipping_rule():
    stall = fulfilment.seller_stall(current_user)
    form = ShippingRuleForm(obj=shipping.rule_for(stall))
    if form.validate_on_submit():
        try:
            shipping.set_rule(current_user, stall, form.data)
            flash(_("Đã lưu phí giao hàng."), "success")
            return redirect(url_for("orders.seller_orders"))
        except ServiceError as exc:
            attach_errors(form, exc)
    return render_template("orders/shipping_rule.html", form=form, stall=stall)


@bp.cli.command("expire")
def expire_command():
    """Expire unpaid VietQR stall orders past their deadline (safe to run from cron)."""
    click.echo(f"expired {st.expire_overdue()} stall order(s)")
