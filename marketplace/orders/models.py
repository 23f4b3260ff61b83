"""Orders: one Order per checkout, one StallOrder per stall in it, OrderItems with the price and
quantity as they were when the buyer placed the order, and the status history."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..catalog.units import UNITS
from ..core import address
from ..core.timeutil import utcnow
from ..extensions import db


class CartItem(db.Model):
    """A logged-in buyer's cart line; guests keep theirs in the session until they log in."""

    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("user_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity_milli: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    product = relationship("Product")


class ShippingRule(db.Model):
    """A stall's delivery fee: flat per stall order or per started kg, by zone, free above an amount."""

    __tablename__ = "stall_shipping_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(8), default="flat")  # flat | per_kg
    fee_same_commune: Mapped[int] = mapped_column(default=0)
    fee_same_province: Mapped[int] = mapped_column(default=20000)
    fee_elsewhere: Mapped[int] = mapped_column(default=35000)
    free_above: Mapped[int | None]  # subtotal from which delivery is free

    # Stall.shipping_rule: the checkout's cart query loads it with each stall.
    stall = relationship("Stall", backref=backref("shipping_rule", uselist=False))


class Order(db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(16), index=True)
    province_code: Mapped[int]
    ward_code: Mapped[int]
    address_line: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    subtotal: Mapped[int]
    shipping_total: Mapped[int]
    total: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    buyer = relationship("User")
    stall_orders = relationship("StallOrder", back_populates="order", order_by="StallOrder.id")

    @property
    def full_address(self) -> str:
        """Street/village line, commune/ward, province: what goes on the parcel."""
        ward = address.ward(self.ward_code)
        parts = (self.address_line, ward.name if ward else "", address.province_name(self.province_code))
        return ", ".join(part for part in parts if part)


class StallOrder(db.Model):
    """What one stall must deliver and be paid for. `status` changes only in orders.status.set_status."""

    __tablename__ = "stall_orders"
    __table_args__ = (
        Index("ix_stall_orders_stall_status", "stall_id", "status"),
        Index("ix_stall_orders_expiry", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"))
    code: Mapped[str] = mapped_column(String(12), unique=True)
    payment_method: Mapped[str] = mapped_column(String(12))  # vietqr | cod
    status: Mapped[str] = mapped_column(String(20), index=True)
    subtotal: Mapped[int]
    shipping_fee: Mapped[int]
    total: Mapped[int]
    paid_amount: Mapped[int] = mapped_column(default=0)
    paid_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # Copy of the shipment's barcode (carrier number or internal code) for order lists; written by shipping.
    tracking_number: Mapped[str] = mapped_column(String(40), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    order = relationship(Order, back_populates="stall_orders")
    stall = relationship("Stall")
    items = relationship("OrderItem", back_populates="stall_order", order_by="OrderItem.id")
    history = relationship("StatusChange", order_by="StatusChange.id", viewonly=True)


class OrderItem(db.Model):
    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity_milli > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_order_id: Mapped[int] = mapped_column(ForeignKey("stall_orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(8))
    unit_price: Mapped[int]
    quantity_milli: Mapped[int]
    line_total: Mapped[int]
    weight_grams: Mapped[int]  # of the whole line, for the per-kg fee and labels

    stall_order = relationship(StallOrder, back_populates="items")
    product = relationship("Product")

    @property
    def unit_label(self) -> str:
        return UNITS.get(self.unit, UNITS["cai"]).label


class StatusChange(db.Model):
    """Append-only history of a stall order's status: the buyer's timeline."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_order_id: Mapped[int] = mapped_column(ForeignKey("stall_orders.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
