"""Paying through a gateway: one redirect pays every stall order of an order that chose the
gateway (the platform collects; the ledger then owes each stall its share), and a verified
notification is the only thing that marks them paid — at most once, however often and however
concurrently it is delivered."""
import logging
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit
from ..core.errors import Conflict, NotFound, deny
from ..core.timeutil import utcnow
from ..extensions import db
from ..orders import services as orders
from ..orders import status as st
from ..orders.models import StallOrder
from . import events, gateway
from .gateways import InvalidSignature, Notification, http
from .models import GatewayPayment, Outcome, PaymentEvent

log = logging.getLogger("marketplace.payments")


def info(payment: GatewayPayment) -> gateway.PaymentInfo:
    """A plain snapshot of the payment for provider calls (no lazy loads, so no transaction)."""
    return gateway.PaymentInfo(reference=payment.reference, amount=payment.amount, order_code=payment.order.code,
                               created_at=payment.created_at, transaction_id=payment.transaction_id or "",
                               provider_ref=payment.provider_ref or "",
                               details=dict(payment.details or {}))


def configured_gateway(code: str):
    """(gateway, config) of a configured gateway; NotFound for unknown or unconfigured ones."""
    found = gateway.get(code)
    config = found.config() if found else None
    if config is None:
        raise NotFound(_l("Cổng thanh toán này chưa được bật."))
    return found, config


def urls(provider: str, order_code: str, reference: str) -> gateway.Urls:
    """Absolute URLs the provider is given, on the public address (it must reach them)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    found = gateway.get(provider)
    return gateway.Urls(return_url=f"{base}/thanh-toan/{provider}/ket-qua/{reference}",
                        notify_url=base + (found.notify_path if found else ""), cancel_url=f"{base}/don-hang/{order_code}")


def start_payment(actor, order_code: str, provider: str, client_ip: str = "", guest_order_ids=()) -> GatewayPayment:
    """Create a payment for the order's stall orders that chose `provider` and still wait for
    payment, and ask the provider where to send the buyer. The provider is called with no transaction open; a provider that
    refuses or does not answer leaves the order waiting (Conflict, the buyer may try again)."""
    the_gateway, config = configured_gateway(provider)
    order = orders.order_for_viewer(actor, order_code, guest_order_ids)
    st.write_transaction()
    try:
        due = list(db.session.scalars(select(StallOrder).where(
            StallOrder.order_id == order.id, StallOrder.payment_method == provider,
            StallOrder.status == st.PENDING_PAYMENT).order_by(StallOrder.id).with_for_update()))
        if not due:
            raise Conflict(_l("Không còn khoản nào chờ thanh toán qua cổng này."))
        payment = GatewayPayment(order_id=order.id, provider=provider, amount=sum(so.total for so in due),
                                 # letters and digits only: VNPay's TxnRef accepts nothing else
                                 reference=f"{order.code}{secrets.token_hex(3).upper()}",
                                 stall_order_ids=[so.id for so in due], created_at=utcnow())
        db.session.add(payment)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    snapshot, payment_id = info(payment), payment.id
    db.session.commit()  # end the read transaction the snapshot opened: none is open during the call
    try:
        url, provider_ref = the_gateway.redirect(config, snapshot, urls(provider, snapshot.order_code, snapshot.reference),
                                                client_ip, utcnow())
    except (gateway.GatewayError, http.GatewayUnavailable) as exc:
        log.warning("%s create failed for %s: %s", provider, snapshot.reference, exc)
        raise Conflict(_l("Cổng thanh toán đang bận hoặc từ chối giao dịch, vui lòng thử lại sau."))
    payment = db.session.get(GatewayPayment, payment_id)
    payment.redirect_url, payment.provider_ref = url, str(provider_ref or "")[:80]
    db.session.commit()
    return payment


def parse(provider: str, parser, *args) -> Notification:
    """Verify a notification with the configured gateway's parser; InvalidSignature (never applied)
    when the gateway is not configured or the signature does not verify."""
    found = gateway.get(provider)
    config = found.config() if found else None
    if config is None:
        raise InvalidSignature(provider)
    return parser(config, *args)


def apply_notification(n: Notification) -> tuple[PaymentEvent, bool]:
    """Store a verified gateway notification as a payment event and, when it pays its payment in
    full in VND, mark every stall order of that payment paid. Returns (event, created); a replay
    returns the first event and changes nothing, also when replays race (the payment row is
    locked while deciding; the unique (provider, event id) refuses a second insert). Wrong
    amount or currency, unknown references and payments for expired or cancelled orders are
    stored with an outcome a person handles (refund due), never dropped."""
    event_id = n.event_id[:events.EVENT_ID_LENGTH]

    def mark_paid(so: StallOrder, now) -> None:
        st.set_status(so, st.PAID, note=f"{n.provider} {n.transaction_id}", paid_amount=so.total, paid_at=now)
        audit.record(None, "payment.gateway", so, commune_id=so.stall.commune_id,
                     data={"provider": n.provider, "event_id": event_id, "reference": n.reference,
                           "amount": so.total})

    fields = dict(kind="gateway", amount=n.amount, content=n.reference[:1000], payload=n.raw or {})
    return events.record_once(n.provider, event_id, fields, lambda event: _decide(event, n), mark_paid)


def _decide(event: PaymentEvent, n: Notification) -> list[StallOrder]:
    """Fill in the event's outcome; return the stall orders to mark paid."""
    payment = db.session.scalar(select(GatewayPayment).where(
        GatewayPayment.provider == n.provider, GatewayPayment.reference == n.reference).with_for_update())
    if payment is None:
        event.outcome = Outcome.UNKNOWN_CODE
        return []
    stall_orders = list(db.session.scalars(select(StallOrder).where(StallOrder.id.in_(payment.stall_order_ids or [-1]))
                                           .order_by(StallOrder.id).with_for_update()))
    if stall_orders:
        event.stall_order_id, event.stall_id = stall_orders[0].id, stall_orders[0].stall_id
    if not n.succeeded:
        event.outcome = Outcome.FAILED
    elif n.currency.upper() != "VND":
        event.outcome = Outcome.WRONG_CURRENCY
    elif n.amount != payment.amount:
        event.outcome = Outcome.UNDERPAID if n.amount < payment.amount else Outcome.OVERPAID
    elif payment.status == "paid":
        # Stripe reports one payment twice (session completed, intent succeeded): same transaction.
        same = bool(n.transaction_id) and n.transaction_id == payment.transaction_id
        event.outcome = Outcome.RECORDED if same else Outcome.DUPLICATE
    else:
        payment.status, payment.transaction_id, payment.paid_at = "paid", n.transaction_id[:80], utcnow()
        payment.details = n.raw or {}
        due = [so for so in stall_orders if so.status == st.PENDING_PAYMENT]
        event.outcome = Outcome.APPLIED if len(due) == len(stall_orders) and due else Outcome.REFUND_DUE
        return due
    return []


def payment_for(reference: str) -> GatewayPayment | None:
    """The gateway payment with this reference (the return page displays it), or None."""
    return db.session.scalar(select(GatewayPayment).where(GatewayPayment.reference == (reference or "")[:40]))


def paying_payment(stall_order: StallOrder) -> GatewayPayment | None:
    """The paid gateway payment that covered a stall order (for refunds)."""
    candidates = db.session.scalars(select(GatewayPayment).where(
        GatewayPayment.order_id == stall_order.order_id, GatewayPayment.provider == stall_order.payment_method,
        GatewayPayment.status == "paid").order_by(GatewayPayment.id))
    return next((p for p in candidates if stall_order.id in (p.stall_order_ids or [])), None)


def query_status(actor, reference: str) -> dict:
    """Stored and provider-side state of a gateway payment, for an admin. Informational: a query
    never marks anything paid. The provider is called with no transaction open."""
    if not getattr(actor, "is_admin", False):
        raise deny(actor, "payments.query", None)
    payment = payment_for(reference)
    if payment is None:
        raise NotFound(_l("Không tìm thấy giao dịch."))
    the_gateway, config = configured_gateway(payment.provider)
    stored = {"reference": payment.reference, "provider": payment.provider, "amount": payment.amount,
              "status": payment.status, "transaction_id": payment.transaction_id}
    snapshot = info(payment)
    db.session.commit()
    try:
        stored["provider_status"] = the_gateway.query(config, snapshot, utcnow())
    except (gateway.GatewayError, http.GatewayUnavailable) as exc:
        stored["provider_status"] = {"error": str(exc)}
    return stored
