"""Communes, their villages and officer assignments: the tenancy boundary."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Commune(db.Model):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_code: Mapped[int] = mapped_column(unique=True)  # 2025 unit code (vietnam-provinces)
    province_code: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(120))  # "Xã Phúc Hòa"
    province_name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    # When true, every new product waits for an officer; when false, products of
    # approved stalls go live at once (mandatory review is a known bottleneck).
    requires_product_review: Mapped[bool] = mapped_column(default=True)
    household_count: Mapped[int | None]
    # An approved product whose price rises or falls by more than this percentage goes back to
    # review (in communes that review products).
    price_jump_pct: Mapped[int] = mapped_column(default=30)
    # This many open reports on one stall put it at the top of the officers' queue.
    report_threshold: Mapped[int] = mapped_column(default=3)
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    villages = relationship(
        "Village", back_populates="commune", order_by="Village.name", cascade="all, delete-orphan"
    )

    @property
    def short_name(self) -> str:
        for prefix in ("Xã ", "Phường ", "Đặc khu "):
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name


class Village(db.Model):
    """Thôn / ấp / xóm / bản / tổ dân phố of a commune."""

    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    commune = relationship(Commune, back_populates="villages")


class OfficerAssignment(db.Model):
    __tablename__ = "officer_assignments"
    __table_args__ = (UniqueConstraint("user_id", "commune_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", back_populates="assignments")
    commune = relationship(Commune)
