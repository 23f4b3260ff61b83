"""Checkout and orders: the quote a buyer sees, placing an order (split per stall, stock reserved
atomically), who may see which order, the seller's actions, and expiry of unpaid orders."""
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import SQLITE_IMMEDIATE
from ..catalog.models import Product
from ..core import address, audit
from ..core.codes import is_valid_code, new_code
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.phone import normalize_phone
from ..core.text import nfc, nfc_multiline
from ..core.timeutil import utcnow
from ..extensions import db
from ..stalls.models import Stall
from . import cart, methods, notify, shipping
from . import status as st
from .models import CartItem, Order, OrderItem, StallOrder, StatusChange

CODE_PREFIX = "CX"


@dataclass
class StallGroup:
    stall: Stall
    lines: list
    method: str = ""
    methods: list = field(default_factory=list)
    shipping_fee: int = 0

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee


@dataclass
class Quote:
    groups: list

    @property
    def subtotal(self) -> int:
        return sum(g.subtotal for g in self.groups)

    @property
    def shipping_total(self) -> int:
        return sum(g.shipping_fee for g in self.groups)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_total

    @property
    def problems(self) -> list:
        return [(line.product, line.problem) for g in self.groups for line in g.lines if line.problem]


def write_transaction() -> None:
    """End whatever the session was doing and start a transaction that may write safely under
    concurrency: on SQLite it begins IMMEDIATE (takes the write lock, waits up to the busy timeout)."""
    db.session.rollback()
    db.session.connection(execution_options={SQLITE_IMMEDIATE: True})


def quote(lines, ward_code=None, province_code=None, choices: dict | None = None) -> Quote:
    """Group cart lines per stall with each stall's payment methods and delivery fee to the
    given address; `choices` maps stall id -> method code (VietQR is the default)."""
    groups = []
    for stall_id, stall_lines in groupby(lines, key=lambda line: line.product.stall_id):
        stall_lines = list(stall_lines)
        stall = stall_lines[0].product.stall
        group = StallGroup(stall, stall_lines, methods=methods.available(stall))
        codes = [m.code for m in group.methods]
        wanted = (choices or {}).get(stall_id) or (choices or {}).get(str(stall_id))
        group.method = wanted if wanted in codes else (codes[0] if codes else "")
        weight = sum(line.weight_grams for line in stall_lines)
        group.shipping_fee = shipping.fee(stall, group.subtotal, weight, ward_code, province_code)
        groups.append(group)
    return Quote(groups)


def clean_delivery(data: dict) -> dict:
    """Buyer name, phone (E.164), 2025 province + commune/ward, street line, note; ValidationError per field."""
    errors, clean = {}, {}
    clean["name"] = nfc(data.get("name"))[:120]
    if not clean["name"]:
        errors["name"] = _l("Nhập họ tên người nhận.")
    try:
        clean["phone"] = normalize_phone(str(data.get("phone") or ""))
    except ValueError:
        errors["phone"] = _l("Số điện thoại không hợp lệ.")
    try:
        clean["province_code"] = int(data.get("province_code") or 0)
        clean["ward_code"] = int(data.get("ward_code") or 0)
    except (TypeError, ValueError):
        clean["province_code"] = clean["ward_code"] = 0
    if not address.province_name(clean["province_code"]):
        errors["province_code"] = _l("Chọn tỉnh/thành phố.")
    elif not address.ward_in_province(clean["ward_code"], clean["province_code"]):
        errors["ward_code"] = _l("Chọn xã/phường thuộc tỉnh đã chọn.")
    clean["address_line"] = nfc(data.get("address_line"))[:255]
    if not clean["address_line"]:
        errors["address_line"] = _l("Nhập số nhà, đường hoặc thôn/xóm.")
    clean["note"] = nfc_multiline(data.get("note"))[:1000]
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại thông tin giao hàng."), errors)
    return clean


def place_order(buyer, session_cart: dict, data: dict, choices: dict | None = None,
                expected_total: int | None = None) -> Order:
    """Turn the cart into one Order with one StallOrder per stall, in one transaction that
    reserves every line's stock with a conditional UPDATE: either all lines are reserved and the
    order exists, or nothing changed and the buyer is told why ("hết hàng", price changed).
    The cart is emptied of what was ordered; sellers are notified after the commit."""
    delivery = clean_delivery(data)
    write_transaction()
    try:
        current = cart.lines(buyer, session_cart)
        if not current:
            raise ValidationError(_l("Giỏ hàng đang trống."))
        the_quote = quote(current, delivery["ward_code"], delivery["province_code"], choices)
        if the_quote.problems:
            product, problem = the_quote.problems[0]
            raise Conflict(_l("%(name)s: %(problem)s", name=product.name, problem=problem))
        if any(not g.method for g in the_quote.groups):
            raise ValidationError(_l("Gian hàng chưa nhận thanh toán."))
        if expected_total is not None and expected_total != the_quote.total:
            raise Conflict(_l("Giá hoặc phí giao hàng vừa thay đổi: tổng mới là %(total)s. Vui lòng xem lại rồi đặt hàng.",
                              total=f"{the_quote.total:,}".replace(",", ".") + " ₫"))
        for line in current:
            _reserve(line.product, line.quantity_milli)
        order = _create(buyer, delivery, the_quote)
        if getattr(buyer, "is_authenticated", False):
            db.session.execute(delete(CartItem).where(CartItem.user_id == buyer.id))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if not getattr(buyer, "is_authenticated", False):
        session_cart.clear()
    _notify_sellers(order)
    return order


def _reserve(product: Product, milli: int) -> None:
    result = db.session.execute(
        update(Product).where(Product.id == product.id, Product.stock_milli >= milli)
        .values(stock_milli=Product.stock_milli - milli).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_l("%(name)s đã hết hàng hoặc không còn đủ số lượng.", name=product.name),
                       {"cart": str(_l("hết hàng"))})


def _create(buyer, delivery: dict, the_quote: Quote) -> Order:
    now = utcnow()
    hours = current_app.config.get("ORDER_PAYMENT_HOURS", 24)
    order = Order(code=_unique_code(Order), buyer_id=getattr(buyer, "id", None) if getattr(buyer, "is_authenticated", False) else None,
                  subtotal=the_quote.subtotal, shipping_total=the_quote.shipping_total, total=the_quote.total,
                  created_at=now, **delivery)
    db.session.add(order)
    for group in the_quote.groups:
        method = methods.get(group.method)
        stall_order = StallOrder(
            order=order, stall_id=group.stall.id, code=_unique_code(StallOrder), payment_method=method.code,
            status=method.initial_status, subtotal=group.subtotal, shipping_fee=group.shipping_fee, total=group.total,
            expires_at=now + timedelta(hours=hours) if method.expires else None, created_at=now, updated_at=now,
        )
        for line in group.lines:
            p = line.product
            stall_order.items.append(OrderItem(product_id=p.id, name=p.name, unit=p.unit, unit_price=p.price,
                                               quantity_milli=line.quantity_milli, line_total=line.total,
                                               weight_grams=line.weight_grams))
        db.session.add(stall_order)
        db.session.flush()
        db.session.add(StatusChange(stall_order_id=stall_order.id, from_status=None, to_status=stall_order.status,
                                    actor_id=order.buyer_id, created_at=now))
    return order


def _unique_code(model) -> str:
    for _ in range(10):
        code = new_code(CODE_PREFIX)
        if db.session.scalar(select(func.count()).where(model.code == code)) == 0:
            return code
    raise RuntimeError("could not draw a free order code")


def _notify_sellers(order: Order) -> None:
    send = notify.notifier().send
    for so in order.stall_orders:
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        send(so.stall.owner.email, f"Đơn hàng mới {so.code}",
             f"Gian hàng {so.stall.name} có đơn mới {so.code}: {so.total:,} đ ({so.payment_method}).\n"
             f"{base}/gian-hang-cua-toi/don-hang/{so.code}".replace(",", "."))


# ---- who may see what ------------------------------------------------------------------------

def _load_order(code: str) -> Order:
    code = (code or "").strip().upper()
    order = None
    if is_valid_code(code, CODE_PREFIX):
        order = db.session.scalar(select(Order).where(Order.code == code).options(
            selectinload(Order.stall_orders).selectinload(StallOrder.items)))
    if order is None:
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    return order


def order_for_viewer(actor, code: str, guest_order_ids=()) -> Order:
    """The order if the actor placed it, or a guest proved it (code + phone) in this session;
    404 otherwise (and logged), so codes cannot be probed. Overdue payments expire first."""
    order = _load_order(code)
    own = getattr(actor, "is_authenticated", False) and order.buyer_id == actor.id
    if not own and order.id not in set(guest_order_ids or ()):
        deny(actor, "order.view", order)
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    expire_overdue(ids=[so.id for so in order.stall_orders])
    return order


def order_for_guest(code: str, phone: str) -> Order:
    """The order whose code and receiver phone both match; the same 404 for either mismatch."""
    try:
        e164 = normalize_phone(phone)
    except ValueError:
        e164 = None
    try:
        order = _load_order(code)
    except NotFound:
        order = None
    if order is None or order.phone != e164:
        raise NotFound(_l("Mã đơn hoặc số điện thoại không đúng."), {"phone": _l("Mã đơn hoặc số điện thoại không đúng.")})
    expire_overdue(ids=[so.id for so in order.stall_orders])
    return order


def buyer_orders(user):
    """Orders the user placed, newest first."""
    return select(Order).where(Order.buyer_id == user.id).order_by(Order.created_at.desc(), Order.id.desc())


# ---- the seller's side -----------------------------------------------------------------------

def seller_stall(actor) -> Stall:
    stall = db.session.scalar(select(Stall).where(Stall.owner_id == getattr(actor, "id", -1)))
    if stall is None:
        raise NotFound(_l("Bạn chưa có gian hàng."))
    return stall


def stall_orders(stall: Stall, status: str | None = None):
    """A stall's orders: those needing action first, then newest first."""
    expire_overdue(stall_id=stall.id)
    query = select(StallOrder).where(StallOrder.stall_id == stall.id).options(selectinload(StallOrder.items))
    if status in st.TRANSITIONS:
        query = query.where(StallOrder.status == status)
    needs_action = StallOrder.status.in_(st.OPEN_FOR_SELLER)
    return query.order_by(needs_action.desc(), StallOrder.created_at.desc(), StallOrder.id.desc())


def new_orders_count(stall: Stall) -> int:
    return db.session.scalar(select(func.count()).where(
        StallOrder.stall_id == stall.id, StallOrder.status.in_(st.OPEN_FOR_SELLER))) or 0


def stall_order_for_seller(actor, code: str) -> StallOrder:
    """A stall order of the actor's own stall; 404 for anyone else, logged."""
    so = db.session.scalar(select(StallOrder).where(StallOrder.code == (code or "").strip().upper()))
    if so is None:
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    if so.stall.owner_id != getattr(actor, "id", None):
        deny(actor, "stall_order.view", so)
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    expire_overdue(ids=[so.id])
    return so


SELLER_ACTIONS = {
    "confirm": st.CONFIRMED, "pack": st.PACKED, "ship": st.SHIPPED, "deliver": st.DELIVERED, "cancel": None,
}


def seller_action(actor, code: str, action: str, reason: str = "", tracking_number: str = "") -> StallOrder:
    """Apply one of the seller's actions through the state machine. Cancelling needs a reason and
    returns the stock (a paid order goes to refund_pending instead); shipping may carry a tracking
    number; delivering a COD order records the cash as collected."""
    if action not in SELLER_ACTIONS:
        raise ValidationError(_l("Thao tác không hợp lệ."))
    so_id = stall_order_for_seller(actor, code).id
    write_transaction()
    so = db.session.get(StallOrder, so_id)
    fields, note = {}, ""
    target = SELLER_ACTIONS[action]
    if action == "cancel":
        reason = nfc(reason)[:500]
        if not reason:
            raise ValidationError(_l("Nhập lý do hủy đơn."), {"reason": _l("Nhập lý do hủy đơn.")})
        target = st.REFUND_PENDING if so.paid_amount > 0 else st.CANCELLED
        fields["cancel_reason"], note = reason, reason
    if action == "deliver" and so.payment_method == "cod":
        # For cash on delivery, delivered means the cash was collected.
        fields.update(paid_amount=so.total, paid_at=utcnow())
    if action == "ship":
        fields["tracking_number"] = nfc(tracking_number)[:40]
        note = fields["tracking_number"]
    try:
        st.set_status(so, target, actor=actor, note=note, **fields)
        if action == "cancel":
            audit.record(actor, "stall_order.cancel", so, commune_id=so.stall.commune_id, reason=reason)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return so


# ---- expiry ----------------------------------------------------------------------------------

def expire_overdue(now=None, ids=None, stall_id=None) -> int:
    """Expire unpaid VietQR stall orders past their deadline and return their stock. Safe to run
    from cron and lazily from pages at the same time: set_status's conditional UPDATE lets one
    caller win per order; the others skip it. Returns how many this call expired."""
    now = now or utcnow()
    query = select(StallOrder.id).where(StallOrder.status == st.PENDING_PAYMENT, StallOrder.expires_at <= now)
    if ids is not None:
        query = query.where(StallOrder.id.in_(list(ids) or [-1]))
    if stall_id is not None:
        query = query.where(StallOrder.stall_id == stall_id)
    due = list(db.session.scalars(query))
    expired = 0
    for so_id in due:
        write_transaction()
        try:
            so = db.session.get(StallOrder, so_id)
            if so.status == st.PENDING_PAYMENT and st.set_status(so, st.EXPIRED, note="auto"):
                expired += 1
            db.session.commit()
        except (Conflict, IntegrityError):
            db.session.rollback()
    return expired
