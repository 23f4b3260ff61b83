"""Payment confirmation: bank-transfer notifications applied at most once, the seller's manual
"đã nhận tiền", and an append-only payment event for every payment state change."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..core import audit
from ..core.codes import is_valid_code
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.timeutil import utcnow
from ..extensions import db
from ..orders import fulfilment
from ..orders import services as orders
from ..orders import status as st
from ..orders.models import Order, StallOrder
from ..stalls.models import Stall
from . import events
from .models import Outcome, PaymentEvent
from .providers import COD, VIETQR, Notification

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
CODE_LENGTH = len(orders.CODE_PREFIX) + 7
MAX_AMOUNT = 2_000_000_000  # what a stall order's integer columns hold; larger is handled by a person


def find_codes(content: str) -> list[str]:
    """Order codes in a transfer content. Banks upper/lower-case it, add or drop spaces and strip
    punctuation, so the search runs over the letters and digits only; the check character keeps
    chance matches out."""
    text = _NOT_ALNUM.sub("", (content or "").upper())
    found = []
    start = text.find(orders.CODE_PREFIX)
    while start != -1:
        candidate = text[start:start + CODE_LENGTH]
        if is_valid_code(candidate, orders.CODE_PREFIX) and candidate not in found:
            found.append(candidate)
        start = text.find(orders.CODE_PREFIX, start + 1)
    return found


def apply_notification(n: Notification) -> tuple[PaymentEvent, bool]:
    """Store a verified bank notification and, when it unambiguously pays a waiting VietQR stall
    order of the receiving account in full, mark that order paid through the state machine.
    Returns (event, created). A replay of the same (provider, event id) changes nothing and returns
    the first event, also when replays race: the stall order row is locked while deciding and
    the unique constraint refuses the second insert. Anything not applied is kept for a person."""
    def mark_paid(target: StallOrder, now) -> None:
        st.set_status(target, st.PAID, note=f"{n.provider} {n.event_id}", paid_amount=n.amount, paid_at=now)
        audit.record(None, "payment.bank_transfer", target, commune_id=target.stall.commune_id,
                     data={"provider": n.provider, "event_id": n.event_id, "amount": n.amount})

    fields = dict(kind="transfer_in", amount=n.amount, account=n.account[:40], content=n.content[:1000],
                  payload=n.payload or {})
    return events.record_once(n.provider, n.event_id, fields, lambda event: _decide(event, n), mark_paid)


def _decide(event: PaymentEvent, n: Notification) -> list[StallOrder]:
    """Fill in the event's outcome and stall; return the stall order to mark paid, if any (a list
    of at most one)."""
    account_stalls = list(db.session.scalars(select(Stall.id).where(Stall.bank_account == n.account))) if n.account else []
    event.stall_id = account_stalls[0] if len(account_stalls) == 1 else None
    if not n.incoming:
        event.outcome = Outcome.IGNORED
        return []
    codes = find_codes(n.content) or ["-"]
    # Buyers may write the order's code instead of the stall order's: with the receiving account
    # it still names one stall order, since each stall has its own account.
    by_order = select(Order.id).where(Order.code.in_(codes))
    candidates = list(db.session.scalars(
        select(StallOrder).where(or_(StallOrder.code.in_(codes), StallOrder.order_id.in_(by_order)))
        .order_by(StallOrder.id).with_for_update()))
    if not candidates:
        event.outcome = Outcome.UNKNOWN_CODE
        return []
    mine = [so for so in candidates if so.stall.bank_account == n.account]
    if not mine:
        event.outcome = Outcome.WRONG_ACCOUNT
        event.stall_order_id, event.stall_id = candidates[0].id, candidates[0].stall_id
        return []
    if len(mine) > 1:
        event.outcome = Outcome.AMBIGUOUS
        event.stall_id = mine[0].stall_id
        return []
    so = mine[0]
    event.stall_order_id, event.stall_id = so.id, so.stall_id
    if so.status != st.PENDING_PAYMENT or so.payment_method != VIETQR.code:
        event.outcome = Outcome.DUPLICATE if so.paid_amount > 0 else Outcome.LATE
        return []
    if n.amount < so.total:
        event.outcome = Outcome.UNDERPAID
        return []
    event.outcome = Outcome.APPLIED if n.amount == so.total else Outcome.OVERPAID
    return [so] if n.amount <= MAX_AMOUNT else []


def mark_received(actor, code: str, amount: int) -> StallOrder:
    """The seller confirms "đã nhận tiền" for a waiting VietQR order of their stall. The amount they
    saw on their bank app must cover the order total; audited and recorded as a payment event."""
    so = fulfilment.stall_order_for_seller(actor, code)
    if so.payment_method != VIETQR.code:
        raise Conflict(_l("Đơn này không thanh toán bằng chuyển khoản."))
    if not isinstance(amount, int) or not so.total <= amount <= MAX_AMOUNT:
        message = _l("Số tiền nhận được phải ít nhất bằng tổng đơn (%(total)s).", total=f"{so.total:,}".replace(",", ".") + " ₫")
        raise ValidationError(message, {"amount": message})
    so_id = so.id
    st.write_transaction()
    try:
        so = db.session.scalar(select(StallOrder).where(StallOrder.id == so_id).with_for_update())
        if so.status != st.PENDING_PAYMENT:
            raise Conflict(_l("Đơn hàng không còn chờ thanh toán."))
        db.session.add(PaymentEvent(provider="manual", event_id=so.code, kind="manual_received", amount=amount,
                                    outcome=Outcome.APPLIED if amount == so.total else Outcome.OVERPAID,
                                    stall_order_id=so.id, stall_id=so.stall_id, actor_id=actor.id))
        st.set_status(so, st.PAID, actor=actor, note=str(_l("Người bán xác nhận đã nhận tiền")),
                      paid_amount=amount, paid_at=utcnow())
        audit.record(actor, "payment.manual_received", so, commune_id=so.stall.commune_id, data={"amount": amount})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return so


def events_to_handle(actor):
    """Notifications a person must look at (underpaid, overpaid, unknown code, ...): a seller sees
    those for their stall, an officer those of their communes' stalls, an admin all."""
    query = select(PaymentEvent).where(PaymentEvent.outcome.in_(Outcome.NEEDS_HANDLING))
    if not getattr(actor, "is_admin", False):
        communes = getattr(actor, "commune_ids", set()) or set()
        own = select(Stall.id).where(or_(Stall.owner_id == getattr(actor, "id", -1), Stall.commune_id.in_(communes or [-1])))
        query = query.where(PaymentEvent.stall_id.in_(own))
    return query.order_by(PaymentEvent.created_at.desc(), PaymentEvent.id.desc())


def stall_order_events(stall_order: StallOrder) -> list[PaymentEvent]:
    return list(db.session.scalars(select(PaymentEvent).where(PaymentEvent.stall_order_id == stall_order.id)
                                   .order_by(PaymentEvent.id)))


def own_stall(actor) -> Stall:
    try:
        return fulfilment.seller_stall(actor)
    except NotFound:
        raise deny(actor, "payments.poster", None)


# Payment state changes made by the state machine itself (expiry, cancellation, refunds, cash
# collected on delivery) are recorded as payment events in the same transaction.
_RECORDED = {st.EXPIRED: "expired", st.REFUND_PENDING: "refund_pending", st.REFUNDED: "refunded"}


@st.status_changed.connect
def _record_state_change(stall_order, old, new, actor=None, note=""):
    kind = _RECORDED.get(new)
    if new == st.CANCELLED and old == st.PENDING_PAYMENT:
        kind = "cancelled_unpaid"
    if new == st.DELIVERED and stall_order.payment_method == COD.code:
        kind = "cash_collected"
    if kind is None:
        return
    db.session.add(PaymentEvent(
        provider="system", event_id=f"{stall_order.code}:{new}", kind=kind, outcome=Outcome.RECORDED,
        stall_order_id=stall_order.id, stall_id=stall_order.stall_id, actor_id=getattr(actor, "id", None),
        amount=stall_order.total if kind == "cash_collected" else stall_order.paid_amount, content=note or "",
    ))
