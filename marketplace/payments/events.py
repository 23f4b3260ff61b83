"""Recording a provider's verified notification (bank transfer, gateway IPN or callback) as a
payment event, applied at most once however often and however concurrently it is delivered.
What a notification pays, and how it is flagged when it pays nothing, is the provider's rule."""
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.timeutil import utcnow
from ..extensions import db
from ..orders import status as st
from ..orders.models import StallOrder
from .models import PaymentEvent

EVENT_ID_LENGTH = 80  # payment_events.event_id


def existing(provider: str, event_id: str) -> PaymentEvent | None:
    return db.session.scalar(select(PaymentEvent).where(PaymentEvent.provider == provider,
                                                        PaymentEvent.event_id == event_id))


def record_once(provider: str, event_id: str, fields: dict,
                decide: Callable[[PaymentEvent], Iterable[StallOrder]],
                mark_paid: Callable[[StallOrder, datetime], None]) -> tuple[PaymentEvent, bool]:
    """Store PaymentEvent(provider, event_id, **fields) and apply it, in one write transaction.
    `decide(event)` fills in the event's outcome (and stall, stall order), locking the rows it
    reads, and returns the stall orders to pay; `mark_paid(stall_order, now)` pays one of them.
    Returns (event, created): a replay of the same (provider, event id) changes nothing and
    returns the first event, also when replays race, since the unique constraint refuses the
    second insert before anything is paid. The event id is cut to what the column holds."""
    event_id = event_id[:EVENT_ID_LENGTH]
    st.write_transaction()
    try:
        earlier = existing(provider, event_id)
        if earlier is not None:
            db.session.rollback()
            return earlier, False
        event = PaymentEvent(provider=provider, event_id=event_id, **fields)
        paying = decide(event)
        db.session.add(event)
        db.session.flush()  # the unique (provider, event_id) answers a racing replay here
        now = utcnow()
        for stall_order in paying:
            mark_paid(stall_order, now)
        db.session.commit()
        return event, True
    except IntegrityError:
        db.session.rollback()
        return existing(provider, event_id), False
    except BaseException:
        db.session.rollback()
        raise
