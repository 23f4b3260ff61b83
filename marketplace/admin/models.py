"""What the admin module stores itself: buyers' reports (báo cáo vi phạm), officers'
announcements (thông báo) and the snapshot of a product as it was last approved."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class ReportStatus:
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = (OPEN, RESOLVED)


class ReportOutcome:
    DISMISS = "dismiss"  # nothing wrong found
    HIDE_PRODUCT = "hide_product"
    WARN = "warn"  # the seller is warned; the item stays
    SUSPEND_STALL = "suspend_stall"
    ALL = (DISMISS, HIDE_PRODUCT, WARN, SUSPEND_STALL)


class Report(db.Model):
    """A buyer's report about a product or a stall. `commune_id` is the stall's commune when
    the report was made: the officers who see and resolve it."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_commune_status", "commune_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=ReportStatus.OPEN)
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")  # the officer's note, shown to the reporter
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    reporter = relationship("User", foreign_keys=[reporter_id])
    stall = relationship("Stall")
    product = relationship("Product")


class Announcement(db.Model):
    """News from a commune's officers to its sellers (training sessions, market days)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    author = relationship("User")
