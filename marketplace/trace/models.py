"""Batches of a product, their trace journey, origin stamps and the scan log.

Events follow the identify-capture-share idea of TCVN 12850:2019: each answers who (actor),
what (kind, input), where (place), when (happened_on) and why (note).
"""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class EventKind:
    PLANTED = "planted"
    FERTILISED = "fertilised"
    SPRAYED = "sprayed"
    HARVESTED = "harvested"
    PROCESSED = "processed"
    SORTED = "sorted"
    PACKED = "packed"
    SHIPPED = "shipped"
    OTHER = "other"
    ALL = (PLANTED, FERTILISED, SPRAYED, HARVESTED, PROCESSED, SORTED, PACKED, SHIPPED, OTHER)


class Batch(db.Model):
    """A lô of one product: what was harvested or made together and is stamped together."""

    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("product_id", "code", name="uq_batches_product_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # Denormalised from the product so seller and officer pages filter without joins.
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    harvested_on: Mapped[date | None]
    packed_on: Mapped[date | None]
    best_before: Mapped[date | None]
    quantity_milli: Mapped[int | None]
    place: Mapped[str] = mapped_column(String(255), default="")
    latitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    longitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    certification_ids: Mapped[list] = mapped_column(JSON, default=list)
    show_ocop: Mapped[bool] = mapped_column(default=True)
    stamp_count: Mapped[int] = mapped_column(default=0)
    # Set by the first scan of any of its stamps; from then on events are append-only.
    first_scanned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    product = relationship("Product")
    stall = relationship("Stall")
    events = relationship(
        "TraceEvent", back_populates="batch", order_by="(TraceEvent.happened_on, TraceEvent.id)",
        cascade="all, delete-orphan",
    )

    @property
    def locked(self) -> bool:
        return self.first_scanned_at is not None


class TraceEvent(db.Model):
    """One step of the journey. After the batch's first scan, never changed: a correction
    is a new event pointing at the one it corrects."""

    __tablename__ = "trace_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    happened_on: Mapped[date]
    actor: Mapped[str] = mapped_column(String(120), default="")  # who did it
    material: Mapped[str] = mapped_column(String(160), default="")  # what was used (fertiliser, spray)
    preharvest_days: Mapped[int | None]  # cách ly: days between spraying and harvest
    place: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(40))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("trace_events.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    batch = relationship(Batch, back_populates="events")
    corrects = relationship("TraceEvent", remote_side=[id])


class Stamp(db.Model):
    """One printed origin stamp; its public code is derived from `id` and signed (see codes.py)."""

    __tablename__ = "stamps"
    __table_args__ = (UniqueConstraint("batch_id", "serial", name="uq_stamps_batch_serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    serial: Mapped[int]
    scan_count: Mapped[int] = mapped_column(default=0)
    first_scanned_at: Mapped[datetime | None]
    last_scanned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    batch = relationship(Batch)


class Scan(db.Model):
    """One scan of a stamp. Only coarse client info: the client's network is kept as a keyed
    hash of its /16 (IPv4) or /32 (IPv6) prefix, never the address itself."""

    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_commune_time", "commune_id", "scanned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp_id: Mapped[int] = mapped_column(ForeignKey("stamps.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)
    place: Mapped[str] = mapped_column(String(16), default="")
    client: Mapped[str] = mapped_column(String(40), default="")  # "Android · Chrome"


@event.listens_for(TraceEvent, "before_update")
@event.listens_for(TraceEvent, "before_delete")
def _frozen_after_first_scan(mapper, connection, target):
    """Last line of defence behind the services: a scanned batch's journey never changes."""
    scanned = connection.scalar(select(Batch.first_scanned_at).where(Batch.id == target.batch_id))
    if scanned is not None:
        raise RuntimeError("trace events of a scanned batch are append-only")
