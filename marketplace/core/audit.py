"""The audit log: one append-only row for every moderation or money-affecting action.

It lives in core because every area (stalls, catalog, orders, admin) writes to it.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .errors import ValidationError
from .text import nfc_multiline
from .timeutil import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("audit entries are append-only")


def required_reason(text: str | None) -> str:
    """A moderation reason as the seller will read it: NFC, at most 1000 characters, never empty."""
    reason = nfc_multiline(text)[:1000]
    if not reason:
        raise ValidationError(_l("Nhập lý do từ chối."), {"reason": _l("Nhập lý do từ chối.")})
    return reason


def record(actor, action: str, target, *, commune_id=None, reason: str = "", data=None) -> AuditEntry:
    """Add an audit row to the current transaction; it commits with the action it records."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_role=actor.role_name if actor is not None else "system",
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=getattr(target, "id", None),
        commune_id=commune_id,
        reason=reason or "",
        data=data or {},
    )
    db.session.add(entry)
    return entry
