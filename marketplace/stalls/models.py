"""Stalls (gian hàng): a household's shop, with the bank account VietQR pays into."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class StallStatus:
    PENDING = "pending"  # chờ duyệt
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    ALL = (PENDING, APPROVED, REJECTED, SUSPENDED)


class Stall(db.Model):
    __tablename__ = "stalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One stall per household account: "Gian hàng của tôi" is always one place.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    household_name: Mapped[str] = mapped_column(String(120))
    id_number: Mapped[str] = mapped_column(String(12))  # CCCD; shown masked
    phone: Mapped[str] = mapped_column(String(16))
    address_line: Mapped[str] = mapped_column(String(255), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    cover_key: Mapped[str | None] = mapped_column(String(40))
    bank_bin: Mapped[str] = mapped_column(String(6))
    bank_account: Mapped[str] = mapped_column(String(19))
    bank_holder: Mapped[str] = mapped_column(String(70))
    accepts_cod: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(12), default=StallStatus.PENDING, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner = relationship("User", back_populates="stalls")
    commune = relationship("Commune")
    village = relationship("Village")

    @property
    def is_open(self) -> bool:
        return self.status == StallStatus.APPROVED

    @property
    def masked_id_number(self) -> str:
        return "•" * 8 + self.id_number[-4:] if self.id_number else ""
