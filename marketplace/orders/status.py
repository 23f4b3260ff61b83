"""The stall order state machine (as in django-oscar): one set_status() checks the allowed
transitions table, moves the status with a conditional UPDATE and writes a history row."""
from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..core.transactions import write_transaction  # noqa: F401  (services call st.write_transaction)
from ..catalog.models import Product
from ..core.errors import Conflict
from ..core.timeutil import utcnow
from ..extensions import db
from .models import StallOrder, StatusChange

PENDING_PAYMENT = "pending_payment"  # VietQR, waiting for the transfer
PLACED = "placed"  # COD, waiting for the seller (COD skips pending_payment)
PAID = "paid"
CONFIRMED = "confirmed"
PACKED = "packed"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
CANCELLED = "cancelled"
EXPIRED = "expired"
REFUND_PENDING = "refund_pending"
REFUNDED = "refunded"

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING_PAYMENT: frozenset({PAID, CANCELLED, EXPIRED}),
    PLACED: frozenset({CONFIRMED, CANCELLED}),
    PAID: frozenset({CONFIRMED, REFUND_PENDING}),
    CONFIRMED: frozenset({PACKED, CANCELLED, REFUND_PENDING}),
    PACKED: frozenset({SHIPPED, CANCELLED, REFUND_PENDING}),
    # A parcel returned to the sender (recorded on its shipment) cancels the order or, paid, refunds it.
    SHIPPED: frozenset({DELIVERED, CANCELLED, REFUND_PENDING}),
    DELIVERED: frozenset({COMPLETED}),
    REFUND_PENDING: frozenset({REFUNDED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
    EXPIRED: frozenset(),
    REFUNDED: frozenset(),
}
# Reaching one of these means the goods will not be sent: the reserved stock goes back.
RESTOCK = frozenset({CANCELLED, EXPIRED, REFUND_PENDING})
OPEN_FOR_SELLER = (PLACED, PAID)  # "new orders": the seller has to act

LABELS = {
    PENDING_PAYMENT: _l("Chờ thanh toán"), PLACED: _l("Chờ xác nhận"), PAID: _l("Đã thanh toán"),
    CONFIRMED: _l("Đã xác nhận"), PACKED: _l("Đã đóng gói"), SHIPPED: _l("Đang giao"),
    DELIVERED: _l("Đã giao"), COMPLETED: _l("Hoàn tất"), CANCELLED: _l("Đã hủy"),
    EXPIRED: _l("Quá hạn thanh toán"), REFUND_PENDING: _l("Chờ hoàn tiền"), REFUNDED: _l("Đã hoàn tiền"),
}

signals = Namespace()
# Sent inside the transaction of the change: receivers add rows to it (payment events), never I/O.
status_changed = signals.signal("stall-order-status-changed")
# Sent with the session and product ids whose stock moved by a bulk UPDATE the ORM does not
# track (reserve at checkout, restock on cancel/expiry), e.g. for search's in-stock ranking.
stock_changed = signals.signal("product-stock-changed")


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, ())


def set_status(stall_order: StallOrder, new: str, actor=None, note: str = "", **fields) -> bool:
    """Move a stall order to `new` in the current transaction, or raise Conflict when the table
    forbids it. Concurrency-safe: the UPDATE only matches the status we read, so of two racing
    callers exactly one wins; the loser gets False when it asked for the same status (idempotent),
    Conflict otherwise. On RESTOCK states the items' stock is returned once, by the winner."""
    current = stall_order.status
    if not can_move(current, new):
        raise Conflict(_l("Không thể chuyển đơn từ “%(a)s” sang “%(b)s”.", a=LABELS.get(current, current),
                          b=LABELS.get(new, new)))
    now = utcnow()
    values = {"status": new, "updated_at": now, **fields}
    result = db.session.execute(
        update(StallOrder).where(StallOrder.id == stall_order.id, StallOrder.status == current).values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(stall_order)
        if stall_order.status == new:
            return False
        raise Conflict(_l("Đơn hàng vừa được cập nhật bởi người khác, vui lòng tải lại."))
    # Keep the ORM's view of the row in step with the UPDATE without reloading it.
    for key, value in values.items():
        set_committed_value(stall_order, key, value)
    db.session.add(StatusChange(stall_order_id=stall_order.id, from_status=current, to_status=new,
                                actor_id=getattr(actor, "id", None), note=note or "", created_at=now))
    if new in RESTOCK:
        _restock(stall_order)
    db.session.flush()
    status_changed.send(stall_order, old=current, new=new, actor=actor, note=note)
    return True


def _restock(stall_order: StallOrder) -> None:
    # Product rows are locked in the order checkout uses (stall, then product id), so the two
    # never deadlock on PostgreSQL.
    for item in sorted(stall_order.items, key=lambda i: i.product_id):
        db.session.execute(
            update(Product).where(Product.id == item.product_id)
            .values(stock_milli=Product.stock_milli + item.quantity_milli)
            .execution_options(synchronize_session=False)
        )
    stock_changed.send(db.session, product_ids={item.product_id for item in stall_order.items})


# ---- expiry ----------------------------------------------------------------------------------

def expire_loaded(stall_orders, now=None) -> int:
    """expire_overdue for stall orders already loaded (a page showing them): it asks the
    database only when one of them looks due, so a page of orders in time writes nothing."""
    now = now or utcnow()
    due = [so.id for so in stall_orders if so.status == PENDING_PAYMENT and so.expires_at and so.expires_at <= now]
    return expire_overdue(now, ids=due) if due else 0


def expire_overdue(now=None, ids=None, stall_id=None) -> int:
    """Expire unpaid VietQR stall orders past their deadline and return their stock. Safe to run
    from cron and lazily from pages at the same time: set_status's conditional UPDATE lets one
    caller win per order; the others skip it. Returns how many this call expired."""
    now = now or utcnow()
    query = select(StallOrder.id).where(StallOrder.status == PENDING_PAYMENT, StallOrder.expires_at <= now)
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
            if so.status == PENDING_PAYMENT and set_status(so, EXPIRED, note="auto"):
                expired += 1
            db.session.commit()
        except (Conflict, IntegrityError):
            db.session.rollback()
    return expired
