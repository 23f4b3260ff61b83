"""Checkout and the buyer's orders: the quote a buyer sees, placing an order (split per stall,
stock reserved atomically), who may see which order, and what the buyer may do with it."""
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from itertools import groupby

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.orm import joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..catalog.models import Product
from ..catalog.units import shown_stock
from ..core import address
from ..core.codes import is_valid_code, new_code
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.money import format_vnd
from ..core.phone import normalize_phone
from ..core.text import nfc, nfc_multiline
from ..core.timeutil import utcnow
from .. import pagecache
from ..extensions import db
from ..accounts.models import User
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
    st.write_transaction()
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
                              total=format_vnd(the_quote.total)))
        for line in current:
            _reserve(line.product, line.quantity_milli)
        order, stall_orders = _create(buyer, delivery, the_quote)
        if getattr(buyer, "is_authenticated", False):
            db.session.execute(delete(CartItem).where(CartItem.user_id == buyer.id))
        notices = _seller_notices(the_quote, stall_orders)  # composed from what is loaded now; sent once committed
        _commit_keeping(order)
    except BaseException:
        db.session.rollback()
        raise
    if not getattr(buyer, "is_authenticated", False):
        session_cart.clear()
    send = notify.notifier().send
    for notice in notices:
        send(*notice)
    return order


def _reserve(product: Product, milli: int) -> None:
    left = db.session.execute(
        update(Product).where(Product.id == product.id, Product.stock_milli >= milli)
        .values(stock_milli=Product.stock_milli - milli).returning(Product.stock_milli)
        .execution_options(synchronize_session=False, **{pagecache.STOCK_ONLY: True})
    ).scalar()
    if left is None:
        raise Conflict(_l("%(name)s đã hết hàng hoặc không còn đủ số lượng.", name=product.name),
                       {"cart": str(_l("hết hàng"))})
    if shown_stock(left) != shown_stock(left + milli):
        pagecache.stock_shown_changed(db.session, {product.id})
    if left < product.min_milli:  # it just sold out: search ranks it below what is in stock
        st.stock_changed.send(db.session, product_ids={product.id})


def _create(buyer, delivery: dict, the_quote: Quote) -> tuple[Order, list[dict]]:
    """Write the order, its stall orders, their lines and first statuses with one Core INSERT
    per table: an order is written once and read on later pages, so it needs none of the ORM's
    bookkeeping here. Returns the order, attached to the session, and the stall orders' rows."""
    now = utcnow()
    hours = current_app.config.get("ORDER_PAYMENT_HOURS", 24)
    codes = _free_codes(1 + len(the_quote.groups))
    buyer_id = buyer.id if getattr(buyer, "is_authenticated", False) else None
    values = {"code": codes[0], "buyer_id": buyer_id, "subtotal": the_quote.subtotal,
              "shipping_total": the_quote.shipping_total, "total": the_quote.total, "created_at": now, **delivery}
    orders = Order.__table__
    order = Order(id=db.session.execute(insert(orders).values(values).returning(orders.c.id)).scalar_one(), **values)
    make_transient_to_detached(order)  # a persistent row whose other attributes load when read
    db.session.add(order)
    stall_orders = []
    for group, code in zip(the_quote.groups, codes[1:]):
        method = methods.get(group.method)
        stall_orders.append({
            "order_id": order.id, "stall_id": group.stall.id, "code": code, "payment_method": method.code,
            "status": method.initial_status, "subtotal": group.subtotal, "shipping_fee": group.shipping_fee,
            "total": group.total, "expires_at": now + timedelta(hours=hours) if method.expires else None,
            "created_at": now, "updated_at": now})
    stall_orders_table = StallOrder.__table__
    ids = db.session.scalars(insert(stall_orders_table).returning(stall_orders_table.c.id, sort_by_parameter_order=True),
                             stall_orders).all()
    items, history = [], []
    for group, row, so_id in zip(the_quote.groups, stall_orders, ids):
        row["id"] = so_id
        items += [{"stall_order_id": so_id, "product_id": line.product.id, "name": line.product.name,
                   "unit": line.product.unit, "unit_price": line.product.price, "quantity_milli": line.quantity_milli,
                   "line_total": line.total, "weight_grams": line.weight_grams} for line in group.lines]
        history.append({"stall_order_id": so_id, "from_status": None, "to_status": row["status"],
                        "actor_id": buyer_id, "note": "", "created_at": now})
    db.session.execute(insert(OrderItem.__table__), items)
    db.session.execute(insert(StatusChange.__table__), history)
    return order, stall_orders


def _free_codes(count: int) -> list[str]:
    """A code for the order and one for each stall order, none already used in its table,
    checked in one query."""
    for _ in range(10):
        codes = [new_code(CODE_PREFIX) for _ in range(count)]
        taken = db.session.scalar(select(or_(exists().where(Order.code == codes[0]),
                                             exists().where(StallOrder.code.in_(codes[1:])))))
        if not taken and len(set(codes)) == count:
            return codes
    raise RuntimeError("could not draw free order codes")


def _commit_keeping(order: Order) -> None:
    """Commit, keeping the order's id and code: the page that follows names the order by its
    code, and reading it back would cost a query for values this request just wrote."""
    values = {"id": order.id, "code": order.code}
    db.session.commit()
    for key, value in values.items():
        set_committed_value(order, key, value)


def _seller_notices(the_quote: Quote, stall_orders: list[dict]) -> list[tuple]:
    """(email, subject, body) for each stall's owner: a new order to prepare."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    emails = dict(db.session.execute(
        select(Stall.id, User.email).join(User, Stall.owner_id == User.id)
        .where(Stall.id.in_({so["stall_id"] for so in stall_orders}))).all())
    notices = []
    for group, so in zip(the_quote.groups, stall_orders):
        method = methods.get(so["payment_method"])
        notices.append((emails.get(so["stall_id"]), f"Đơn hàng mới {so['code']}",
                        f"Gian hàng {group.stall.name} có đơn mới {so['code']}: {format_vnd(so['total'])} "
                        f"({method.label if method else so['payment_method']}).\n"
                        f"{base}/gian-hang-cua-toi/don-hang/{so['code']}"))
    return notices


# ---- who may see what ------------------------------------------------------------------------

@cache
def _order_statement():
    """Everything the order page shows, in a fixed number of queries whatever the stall count:
    the order with its stall orders and their stalls in one (an order has a few), then the
    lines and the history. Built once, on first use (loader options need the mappers
    configured)."""
    stall_orders = joinedload(Order.stall_orders)
    return select(Order).where(Order.code == bindparam("code")).options(
        stall_orders.joinedload(StallOrder.stall), stall_orders.selectinload(StallOrder.items),
        stall_orders.selectinload(StallOrder.history))


def _load_order(code: str) -> Order:
    code = (code or "").strip().upper()
    order = None
    if is_valid_code(code, CODE_PREFIX):
        order = db.session.scalars(_order_statement(), {"code": code}).unique().one_or_none()
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
    st.expire_loaded(order.stall_orders)
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
    st.expire_loaded(order.stall_orders)
    return order


def buyer_orders(user):
    """Orders the user placed, newest first."""
    return (select(Order).where(Order.buyer_id == user.id)
            .options(selectinload(Order.stall_orders).selectinload(StallOrder.stall))
            .order_by(Order.created_at.desc(), Order.id.desc()))


BUYER_ACTIONS = {"cancel": st.CANCELLED, "received": st.COMPLETED}


def buyer_action(actor, code: str, stall_order_code: str, action: str, guest_order_ids=()) -> StallOrder:
    """What a buyer (or a guest who proved the order) may do: cancel a stall order the seller has
    not yet confirmed and that is not paid (stock returns), or confirm a delivered one received."""
    if action not in BUYER_ACTIONS:
        raise ValidationError(_l("Thao tác không hợp lệ."))
    order = order_for_viewer(actor, code, guest_order_ids)
    so = next((s for s in order.stall_orders if s.code == stall_order_code), None)
    if so is None:
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    so_id = so.id
    st.write_transaction()
    try:
        so = db.session.get(StallOrder, so_id)
        if action == "cancel" and so.status not in (st.PENDING_PAYMENT, st.PLACED):
            raise Conflict(_l("Người bán đã nhận đơn, vui lòng liên hệ người bán để hủy."))
        st.set_status(so, BUYER_ACTIONS[action], actor=actor if getattr(actor, "is_authenticated", False) else None,
                      note=str(_l("Người mua hủy đơn")) if action == "cancel" else "",
                      **({"cancel_reason": str(_l("Người mua hủy đơn"))} if action == "cancel" else {}))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return so
