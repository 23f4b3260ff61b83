"""Refunds (hoàn tiền) started by the stall's seller or an officer of its commune, with a reason
(audited). Money the platform collected through a gateway goes back through the provider's
refund API; money the seller received directly (VietQR, COD) is refunded by hand and recorded
as manual. Before delivery the stall order goes to refund_pending (stock returns) and, once the
gateway confirms, refunded; after delivery the status stays and the ledger gets a reversing entry.
A gateway payment that arrived for an expired or cancelled order is refunded the same way.

Only the provider's confirmation makes a refund done. One it is still processing (or did not
answer about) is pending: counted as in flight, shown as such, and settled by asking the
provider (check_refund from the officer's page, check_pending_refunds from cron). A refusal
makes it failed, with the provider's message, and the money is due again."""
import logging
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..communes.services import can_manage, managed_commune_ids
from ..core import audit
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.ids import as_id
from ..core.text import nfc
from ..core.timeutil import utcnow
from ..extensions import db
from ..orders import status as st
from ..orders.models import StallOrder
from ..stalls.models import Stall
from . import gateway, ledger
from .gateway_services import configured_gateway, info, paying_payment
from .gateways import http
from .models import Refund

log = logging.getLogger("marketplace.payments")
BEFORE_DELIVERY = (st.PAID, st.CONFIRMED, st.PACKED, st.REFUND_PENDING)
AFTER_DELIVERY = (st.DELIVERED, st.COMPLETED)
OPEN = ("requested", "pending", "done", "manual")  # refunds that count against what may still be refunded
IN_FLIGHT = ("requested", "pending")  # the provider's answer is still awaited


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
    Refund: done (the gateway refunded), pending (the gateway is processing it, or did not answer
    and can be asked), manual (a person gives the money back), or failed (the gateway refused or
    could not be reached; the order stays refund_pending and it may be retried). The provider is
    called after the request is committed, with no transaction open."""
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
        in_flight = db.session.scalar(select(func.count()).where(Refund.stall_order_id == so.id,
                                                                 Refund.status.in_(IN_FLIGHT)))
        raise Conflict(_l("Một lần hoàn tiền của đơn này đang chờ cổng thanh toán xác nhận.") if in_flight
                       else _l("Đơn này đã được hoàn tiền."))
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
    if payment is None:
        return _settle(actor, refund_id, gateway.RefundResult(gateway.FAILED, message="no paid gateway payment found"))
    the_gateway, config = configured_gateway(so.payment_method)
    snapshot, request = info(payment), _refund_info(refund, payment)
    db.session.commit()  # no transaction open while the provider works
    try:
        result = the_gateway.refund(config, snapshot, request, utcnow())
    except (gateway.GatewayError, http.GatewayUnavailable) as exc:
        result = gateway.RefundResult(gateway.FAILED, message=str(exc))
    if result.state != gateway.DONE:
        log.warning("refund %s %s: %s", refund_id, result.state, result.message)
    return _settle(actor, refund_id, result)


def _refund_info(refund: Refund, payment) -> gateway.RefundInfo:
    return gateway.RefundInfo(refund.id, refund.amount, refund.reason, refund.amount == payment.amount)


def check_refund(actor, refund_id) -> Refund:
    """Ask the provider where a pending refund stands and settle it (an officer of the stall's
    commune or an admin; anyone else gets 404, logged). A refund no longer pending is returned
    as it is; a question the provider leaves unanswered leaves it pending."""
    refund = db.session.get(Refund, as_id(refund_id) or 0)
    if refund is None or not gateway.is_gateway(refund.provider):
        raise NotFound(_l("Không tìm thấy lần hoàn tiền."))
    if not can_manage(actor, refund.stall_order.stall.commune_id):
        deny(actor, "refund.check", refund)
        raise NotFound(_l("Không tìm thấy lần hoàn tiền."))
    return _check(actor, refund)


def _check(actor, refund: Refund) -> Refund:
    if refund.status != "pending":
        return refund
    refund_id, reference = refund.id, refund.provider_reference
    payment = paying_payment(refund.stall_order)
    found = gateway.get(refund.provider)
    config = found.config() if found else None
    if payment is None or config is None:
        return _settle(actor, refund_id, gateway.RefundResult(
            gateway.PENDING, message="cannot ask: " + ("gateway not configured" if payment else "no paid payment")),
            checked=True)
    snapshot, request = info(payment), _refund_info(refund, payment)
    db.session.commit()  # no transaction open while the provider works
    try:
        result = found.refund_status(config, snapshot, request, reference, utcnow())
    except (gateway.GatewayError, http.GatewayUnavailable) as exc:  # an unanswered question, not a refusal
        result = gateway.RefundResult(gateway.PENDING, message=f"{refund.provider}: status unknown ({exc})")
    return _settle(actor, refund_id, result, checked=True)


def check_pending_refunds() -> Counter:
    """Check every pending refund once, oldest first (`flask payments check-refunds`, from cron).
    Returns how many ended in each status; a refund whose check crashed is logged and counted
    as "error", and the others are still checked. Safe alongside the officer's button and a
    second run: each refund is settled at most once."""
    ids = list(db.session.scalars(select(Refund.id).where(Refund.status == "pending").order_by(Refund.id)))
    db.session.commit()
    counts = Counter()
    for refund_id in ids:
        try:
            counts[_check(None, db.session.get(Refund, refund_id)).status] += 1
        except Exception:  # one refund must not keep the others waiting
            db.session.rollback()
            log.exception("checking refund %s failed", refund_id)
            counts["error"] += 1
    return counts


def _settle(actor, refund_id: int, result: gateway.RefundResult, checked: bool = False) -> Refund:
    """Record the provider's word on a refund in flight, once: the stall order and the refund are
    locked and only a refund still requested or pending moves, so of concurrent checks exactly one
    writes the done path (status change, ledger entry, audit row); the others find it settled."""
    st.write_transaction()
    try:
        so_id = db.session.scalar(select(Refund.stall_order_id).where(Refund.id == refund_id))
        so = db.session.scalar(select(StallOrder).where(StallOrder.id == so_id).with_for_update())
        refund = db.session.scalar(select(Refund).where(Refund.id == refund_id).with_for_update()
                                   .execution_options(populate_existing=True))
        if refund.status not in IN_FLIGHT:
            db.session.commit()
            return refund
        first_answer = refund.status == "requested"
        refund.provider_reference = str(result.reference or refund.provider_reference or "")[:80]
        refund.error = "" if result.state == gateway.DONE else str(result.message or "")[:1000]
        if checked:
            refund.checked_at = utcnow()
        if result.state == gateway.PENDING:
            refund.status = "pending"
            if first_answer:
                _audit(actor, "payment.refund_pending", so, refund)
        elif result.state == gateway.DONE:
            refund.status, refund.completed_at = "done", utcnow()
            if so.status == st.REFUND_PENDING and not refund.after_delivery:  # always the whole amount
                st.set_status(so, st.REFUNDED, actor=actor, note=f"{so.payment_method} {refund.provider_reference}")
            if refund.after_delivery:
                ledger.reverse_for_refund(so, refund.amount, f"RF{refund.id}", actor)
            _audit(actor, "payment.refund_done", so, refund)
        else:
            refund.status = "failed"
            _audit(actor, "payment.refund_failed", so, refund)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return refund


def _audit(actor, action: str, so: StallOrder, refund: Refund) -> None:
    audit.record(actor, action, so, commune_id=so.stall.commune_id, reason=refund.reason,
                 data={"refund_id": refund.id, "amount": refund.amount, "reference": refund.provider_reference,
                       "error": refund.error})


def refunds_in_flight(actor) -> list[Refund]:
    """Gateway refunds still awaiting the provider, in the communes the officer manages (all for
    an admin), oldest first: the officer's refund page lists them with a "Kiểm tra lại" button."""
    query = (select(Refund).join(StallOrder, StallOrder.id == Refund.stall_order_id)
             .options(contains_eager(Refund.stall_order)).where(Refund.status.in_(IN_FLIGHT)).order_by(Refund.id))
    communes = managed_commune_ids(actor)
    if communes is not None:
        query = query.join(Stall, Stall.id == StallOrder.stall_id).where(Stall.commune_id.in_(communes or [-1]))
    return list(db.session.scalars(query))


def refunds_of(stall_order: StallOrder) -> list[Refund]:
    """The stall order's refunds, oldest first (the seller's order page lists them)."""
    return list(db.session.scalars(select(Refund).where(Refund.stall_order_id == stall_order.id).order_by(Refund.id)))


def refunds_by_stall_order(order) -> dict[int, list[Refund]]:
    """The order's refunds per stall order id, oldest first, in one query (the buyer's order page)."""
    ids = [so.id for so in order.stall_orders] or [-1]
    result: dict[int, list[Refund]] = {}
    for refund in db.session.scalars(select(Refund).where(Refund.stall_order_id.in_(ids)).order_by(Refund.id)):
        result.setdefault(refund.stall_order_id, []).append(refund)
    return result


@st.status_changed.connect
def _gateway_refund_goes_through_provider(stall_order, old, new, actor=None, note=""):
    """The platform holds a gateway payment: only a refund the provider confirmed may mark the
    stall order refunded (the seller's "đã hoàn tiền" button is for money they received)."""
    if new == st.REFUNDED and gateway.is_gateway(stall_order.payment_method):
        done = db.session.scalar(select(func.count()).where(Refund.stall_order_id == stall_order.id,
                                                            Refund.status == "done"))
        if not done:
            raise Conflict(_l("Đơn thanh toán qua cổng: hoàn tiền bằng nút “Hoàn tiền qua cổng thanh toán”."))
