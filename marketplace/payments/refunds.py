"""Refunds (hoàn tiền) started by the stall's seller or an officer of its commune, with a reason
(audited). Money the platform collected through a gateway goes back through the provider's
refund API; money the seller received directly (VietQR, COD) is refunded by hand and recorded
as manual. Before delivery the stall order goes to refund_pending (stock returns) and, once the
gateway confirms, refunded; after delivery the status stays and the ledger gets a reversing entry.
A gateway payment that arrived for an expired or cancelled order is refunded the same way."""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..communes.services import can_manage
from ..core import audit
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc
from ..core.timeutil import utcnow
from ..extensions import db
from ..orders import status as st
from ..orders.models import StallOrder
from . import gateway, ledger
from .gateway_services import configured_gateway, info, paying_payment
from .gateways import http
from .models import Refund

log = logging.getLogger("marketplace.payments")
BEFORE_DELIVERY = (st.PAID, st.CONFIRMED, st.PACKED, st.REFUND_PENDING)
AFTER_DELIVERY = (st.DELIVERED, st.COMPLETED)
OPEN = ("requested", "done", "manual")  # refunds that count against what may still be refunded


def stall_order_for_refund(actor, code: str) -> StallOrder:
    """The stall order if the actor owns its stall or manages its commune; 404 otherwise (logged)."""
    so = db.session.scalar(select(StallOrder).where(StallOrder.code == (code or "").strip().upper()[:12]))
    if so is None:
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    owner = getattr(actor, "id", None) is not None and so.stall.owner_id == actor.id
    if not (owner or can_manage(actor, so.stall.commune_id)):
        deny(actor, "stall_order.refund", so)
        raise NotFound(_l("Không tìm thấy đơn hàng."))
    return so


def refunded_so_far(stall_order_id: int) -> int:
    """Refunded or being refunded for the stall order (failed attempts do not count)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Refund.amount), 0)).where(
        Refund.stall_order_id == stall_order_id, Refund.status.in_(OPEN))) or 0)


def start_refund(actor, code: str, reason: str, amount: int | None = None) -> Refund:
    """Refund a paid stall order (the whole of it before delivery; all or part after). Returns the
    Refund: done (the gateway refunded), manual (a person gives the money back), or failed (the
    gateway refused or did not answer; the order stays refund_pending and it may be retried).
    The provider is called after the request is committed, with no transaction open."""
    so = stall_order_for_refund(actor, code)
    reason = nfc(reason)[:500]
    if not reason:
        raise ValidationError(_l("Nhập lý do hoàn tiền."), {"reason": _l("Nhập lý do hoàn tiền.")})
    so_id = so.id
    st.write_transaction()
    try:
        so = db.session.scalar(select(StallOrder).where(StallOrder.id == so_id).with_for_update())
        refund = _request(actor, so, reason, amount)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if refund.status == "requested":
        return _call_provider(actor, refund.id)
    return refund


def _request(actor, so: StallOrder, reason: str, amount: int | None) -> Refund:
    after = so.status in AFTER_DELIVERY
    # A gateway payment that arrived after the order expired or was cancelled (flagged refund_due).
    late = so.status in (st.EXPIRED, st.CANCELLED) and paying_payment(so) is not None
    if not (after or late) and so.status not in BEFORE_DELIVERY:
        raise Conflict(_l("Đơn này chưa được thanh toán nên không cần hoàn tiền."))
    paid = so.paid_amount or (so.total if after or late else 0)
    left = paid - refunded_so_far(so.id)
    amount = left if amount is None else amount
    if left <= 0:
        raise Conflict(_l("Đơn này đã được hoàn tiền."))
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= left or (not after and amount != left):
        message = _l("Số tiền hoàn phải từ 1 đến %(left)s đồng (trước khi giao: hoàn toàn bộ).", left=left)
        raise ValidationError(message, {"amount": message})
    is_gateway = gateway.is_gateway(so.payment_method)
    refund = Refund(stall_order_id=so.id, provider=so.payment_method, amount=amount, reason=reason,
                    status="requested" if is_gateway else "manual", after_delivery=after,
                    actor_id=getattr(actor, "id", None), created_at=utcnow())
    db.session.add(refund)
    db.session.flush()
    if so.status in (st.PAID, st.CONFIRMED, st.PACKED):
        st.set_status(so, st.REFUND_PENDING, actor=actor, note=reason, cancel_reason=reason)
    if after and not is_gateway:
        ledger.reverse_for_refund(so, amount, f"RF{refund.id}", actor)
    audit.record(actor, "payment.refund_started", so, commune_id=so.stall.commune_id, reason=reason,
                 data={"refund_id": refund.id, "amount": amount, "provider": so.payment_method, "manual": not is_gateway})
    return refund


def _call_provider(actor, refund_id: int) -> Refund:
    refund = db.session.get(Refund, refund_id)
    so = refund.stall_order
    payment = paying_payment(so)
    error, reference = "", ""
    if payment is None:
        error = "no paid gateway payment found"
    else:
        the_gateway, config = configured_gateway(so.payment_method)
        snapshot = info(payment)
        request = gateway.RefundInfo(refund.id, refund.amount, refund.reason, refund.amount == payment.amount)
        db.session.commit()  # no transaction open while the provider works
        try:
            reference = the_gateway.refund(config, snapshot, request, utcnow())
        except (gateway.GatewayError, http.GatewayUnavailable) as exc:
            error = str(exc)[:1000]
            log.warning("refund %s failed: %s", refund_id, error)
    return _finish(actor, refund_id, reference, error)


def _finish(actor, refund_id: int, reference: str, error: str) -> Refund:
    st.write_transaction()
    try:
        refund = db.session.get(Refund, refund_id)
        so = db.session.scalar(select(StallOrder).where(StallOrder.id == refund.stall_order_id).with_for_update())
        # Refund rows hold the request's progress; the money record is the audit log and the ledger.
        refund.status, refund.completed_at = ("failed", None) if error else ("done", utcnow())
        refund.provider_reference, refund.error = str(reference or "")[:80], error
        if not error:
            if so.status == st.REFUND_PENDING and not refund.after_delivery:  # always the whole amount
                st.set_status(so, st.REFUNDED, actor=actor, note=f"{so.payment_method} {reference}")
            if refund.after_delivery:
                ledger.reverse_for_refund(so, refund.amount, f"RF{refund.id}", actor)
        audit.record(actor, "payment.refund_failed" if error else "payment.refund_done", so,
                     commune_id=so.stall.commune_id, reason=refund.reason,
                     data={"refund_id": refund.id, "amount": refund.amount, "reference": reference, "error": error})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return refund


def refunds_of(stall_order: StallOrder) -> list[Refund]:
    """The stall order's refunds, oldest first (the seller's order page lists them)."""
    return list(db.session.scalars(select(Refund).where(Refund.stall_order_id == stall_order.id).order_by(Refund.id)))


@st.status_changed.connect
def _gateway_refund_goes_through_provider(stall_order, old, new, actor=None, note=""):
    """The platform holds a gateway payment: only a refund the provider confirmed may mark the
    stall order refunded (the seller's "đã hoàn tiền" button is for money they received)."""
    if new == st.REFUNDED and gateway.is_gateway(stall_order.payment_method):
        done = db.session.scalar(select(func.count()).where(Refund.stall_order_id == stall_order.id,
                                                            Refund.status == "done"))
        if not done:
            raise Conflict(_l("Đơn thanh toán qua cổng: hoàn tiền bằng nút “Hoàn tiền qua cổng thanh toán”."))
