"""Payment events: an append-only record of every payment notification and payment state change.

(provider, event_id) is unique, so a bank transaction or a replayed webhook is applied at most once.
"""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Outcome:
    APPLIED = "applied"  # the stall order became paid
    UNDERPAID = "underpaid"
    OVERPAID = "overpaid"  # paid, with money to return
    UNKNOWN_CODE = "unknown_code"
    AMBIGUOUS = "ambiguous"  # several order codes in one transfer
    WRONG_ACCOUNT = "wrong_account"
    DUPLICATE = "duplicate"  # a second payment for an order already paid
    LATE = "late"  # the order had expired or was cancelled
    IGNORED = "ignored"  # outgoing transfer
    RECORDED = "recorded"  # a state change with nothing to handle (expiry, cash collected)
    FAILED = "failed"  # the gateway reports the buyer did not pay (cancelled, declined)
    WRONG_CURRENCY = "wrong_currency"
    REFUND_DUE = "refund_due"  # a gateway paid an order that had expired or was cancelled
    NEEDS_HANDLING = (UNDERPAID, OVERPAID, UNKNOWN_CODE, AMBIGUOUS, WRONG_ACCOUNT, DUPLICATE, LATE,
                      WRONG_CURRENCY, REFUND_DUE)


class PaymentEvent(db.Model):
    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))  # sepay | casso | manual | system | vnpay | momo | ...
    event_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))  # transfer_in | gateway | manual_received | expired | ...
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    stall_order_id: Mapped[int | None] = mapped_column(ForeignKey("stall_orders.id"), index=True)
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stalls.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # as the bank reported it, however large
    account: Mapped[str] = mapped_column(String(40), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    stall_order = relationship("StallOrder")


@event.listens_for(PaymentEvent, "before_update")
@event.listens_for(PaymentEvent, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("payment events are append-only")


class GatewayPayment(db.Model):
    """One attempt to pay through a gateway: the buyer is redirected once for every stall order of
    the order that chose this gateway, under `reference` (sent to the provider as its order id).
    Only a verified notification moves it to paid."""

    __tablename__ = "gateway_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    provider: Mapped[str] = mapped_column(String(12))
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    stall_order_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="created")  # created | paid
    redirect_url: Mapped[str] = mapped_column(Text, default="")
    provider_ref: Mapped[str] = mapped_column(String(80), default="")  # e.g. Stripe's session id
    transaction_id: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # the paying notification, for refunds
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]

    order = relationship("Order")


class Refund(db.Model):
    """Money given back to a buyer for one stall order: through the gateway's refund API when the
    platform collected it, otherwise by hand (status manual). A gateway refund is requested (being
    sent), pending (the provider is processing it, or did not answer: checked until it says), then
    done or failed; only done counts as money given back."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_order_id: Mapped[int] = mapped_column(ForeignKey("stall_orders.id"), index=True)
    provider: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)  # requested | pending | done | manual | failed
    provider_reference: Mapped[str] = mapped_column(String(80), default="")
    error: Mapped[str] = mapped_column(Text, default="")  # the provider's last words when not done
    after_delivery: Mapped[bool] = mapped_column(default=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]  # last time the provider was asked about a pending refund

    stall_order = relationship("StallOrder")


class LedgerEntry(db.Model):
    """What the platform owes a stall, append-only: the balance is the sum of `amount` (signed
    VND: positive = owed to the stall). A refund or payout adds a row; no row is ever changed."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_stall_created", "stall_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"))
    stall_order_id: Mapped[int | None] = mapped_column(ForeignKey("stall_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)  # the order money the entry is about
    reference: Mapped[str] = mapped_column(String(80), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    stall = relationship("Stall")
    stall_order = relationship("StallOrder")


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _ledger_append_only(mapper, connection, target):
    raise RuntimeError("ledger entries are append-only")
