"""The seller's side of orders: their stall's orders, new-order counts, and the actions that move
a stall order along the state machine (confirm, pack, cancel, refund). Shipping and delivery go
through a shipment (marketplace/shipping), which moves the stall order on with the carrier."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core import audit
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc
from ..extensions import db
from ..stalls.models import Stall
from . import status as st
from .models import StallOrder


def seller_stall(actor) -> Stall:
    stall = db.session.scalar(select(Stall).where(Stall.owner_id == getattr(actor, "id", -1)))
    if stall is None:
        raise NotFound(_l("Bạn chưa có gian hàng."))
    return stall


def stall_orders(stall: Stall, status: str | None = None):
    """A stall's orders: those needing action first, then newest first."""
    st.expire_overdue(stall_id=stall.id)
    query = select(StallOrder).where(StallOrder.stall_id == stall.id).options(selectinload(StallOrder.items))
    if status in st.TRANSITIONS:
        query = query.where(StallOrder.status == status)
    needs_action = StallOrder.status.in_(st.OPEN_FOR_SELLER)
    return query.order_by(needs_action.desc(), StallOrder.created_at.desc(), StallOrder.id.desc())


def new_orders_count(stall: Stall) -> int:
    return db.session.scalar(select(func.count()).where(
        StallOrder.stall_id == stall.id, StallOrder.status.in_(st.OPEN_FOR_SELLER))) or 0


def status_counts(stall: Stall) -> dict[str, int]:
    """How many of the stall's orders are in each status (the badges on the seller's tabs)."""
    rows = db.session.execute(select(StallOrder.status, func.count()).where(StallOrder.stall_id == stall.id)
                              .group_by(StallOrder.status))
    return {status: n for status, n in rows}


def stall_order_for_seller(actor, code: str) -> StallOrder:
    """A stall order of the actor's own stall; 404 for anyone else, logged."""
    so = db.session.scalar(select(StallOrder).where(StallOrder.code == (code or "").strip().upper()))
    if so is None:
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    if so.stall.owner_id != getattr(actor, "id", None):
        deny(actor, "stall_order.view", so)
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    st.expire_loaded([so])
    return so


SELLER_ACTIONS = {"confirm": st.CONFIRMED, "pack": st.PACKED, "cancel": None, "refund": st.REFUNDED}


def seller_action(actor, code: str, action: str, reason: str = "") -> StallOrder:
    """Apply one of the seller's actions through the state machine. Cancelling needs a reason and
    returns the stock (a paid order goes to refund_pending instead); a parcel on its way cannot be
    cancelled here: its shipment records the return."""
    if action not in SELLER_ACTIONS:
        raise ValidationError(_l("Thao tác không hợp lệ."))
    so_id = stall_order_for_seller(actor, code).id
    st.write_transaction()
    so = db.session.get(StallOrder, so_id)
    fields, note = {}, ""
    target = SELLER_ACTIONS[action]
    if action == "cancel":
        reason = nfc(reason)[:500]
        if not reason:
            raise ValidationError(_l("Nhập lý do hủy đơn."), {"reason": _l("Nhập lý do hủy đơn.")})
        if so.status == st.SHIPPED:
            raise Conflict(_l("Hàng đang được giao: nếu bưu gửi bị hoàn, ghi “Đã hoàn trả” trong vận đơn."))
        target = st.REFUND_PENDING if so.paid_amount > 0 else st.CANCELLED
        fields["cancel_reason"], note = reason, reason
    try:
        st.set_status(so, target, actor=actor, note=note, **fields)
        if action in ("cancel", "refund"):
            audit.record(actor, f"stall_order.{action}", so, commune_id=so.stall.commune_id, reason=reason,
                         data={"paid_amount": so.paid_amount})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return so
