"""Payment events: an append-only record of every payment notification and payment state change.

(provider, event_id) is unique, so a bank transaction or a replayed webhook is applied at most once.
"""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint, event
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
    NEEDS_HANDLING = (UNDERPAID, OVERPAID, UNKNOWN_CODE, AMBIGUOUS, WRONG_ACCOUNT, DUPLICATE, LATE)


class PaymentEvent(db.Model):
    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))  # sepay | casso | manual | system | cod
    event_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))  # transfer_in | manual_received | expired | cash_collected
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
