"""Shipments (vận đơn): one per stall order, with the parcel's details as printed on the label,
the carrier's tracking number or our internal code, and the carrier's updates as a timeline."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

CREATED = "created"  # label ready, parcel not yet handed over
ACCEPTED = "accepted"  # accepted at the post office / picked up by the carrier
IN_TRANSIT = "in_transit"
OUT_FOR_DELIVERY = "out_for_delivery"
DELIVERED = "delivered"
RETURNED = "returned"
CANCELLED = "cancelled"  # the stall order was cancelled before the parcel left
FINAL = frozenset({DELIVERED, RETURNED, CANCELLED})
# Updates a seller records from the carrier, in the order a parcel goes through them.
EVENT_KINDS = (ACCEPTED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, RETURNED)


class Shipment(db.Model):
    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint("weight_grams > 0", name="weight_positive"),
        CheckConstraint("cod_amount >= 0", name="cod_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_order_id: Mapped[int] = mapped_column(ForeignKey("stall_orders.id"), unique=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # internal, with a check character
    carrier: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(12), default="standard")  # standard | express
    tracking_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    weight_grams: Mapped[int]
    length_cm: Mapped[int | None]
    width_cm: Mapped[int | None]
    height_cm: Mapped[int | None]
    cod_amount: Mapped[int] = mapped_column(default=0)
    allow_inspection: Mapped[bool] = mapped_column(default=True)
    freight_payer: Mapped[str] = mapped_column(String(8), default="sender")  # sender | receiver
    content: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=CREATED, index=True)
    cod_remitted_at: Mapped[datetime | None]
    cod_remitted_amount: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    stall_order = relationship("StallOrder")
    stall = relationship("Stall")
    events = relationship("TrackingEvent", back_populates="shipment", order_by="TrackingEvent.id",
                          cascade="all, delete-orphan")

    @property
    def barcode_value(self) -> str:
        """What the label's barcode and the tracking link carry: the carrier's number once known."""
        return self.tracking_number or self.code

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class TrackingEvent(db.Model):
    """One carrier update the seller recorded; `note` is for the seller only, never public."""

    __tablename__ = "tracking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shipment = relationship(Shipment, back_populates="events")
