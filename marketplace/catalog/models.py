"""Categories, products, their photos and certifications."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..core.timeutil import utcnow
from ..extensions import db
from .units import MILLI, UNITS


class ProductStatus:
    PENDING = "pending"  # chờ duyệt
    APPROVED = "approved"
    REJECTED = "rejected"
    ALL = (PENDING, APPROVED, REJECTED)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock_milli >= 0", name="stock_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_products_listing", "status", "hidden", "deleted_at"),
        # The storefront's "newest first" order (catalog.services.browse), whole market, per
        # category and per stall: a LIMIT reads a few index entries instead of sorting them all.
        # PostgreSQL walks the plain order index backwards and checks visibility on the way;
        # SQLite, without statistics, prefers indexes whose leading columns the query fixes.
        Index("ix_products_order_newest", "featured", "created_at", "id"),
        Index("ix_products_newest", "status", "hidden", "deleted_at", "featured", "created_at", "id"),
        Index("ix_products_category_newest", "category_id", "status", "hidden", "deleted_at", "featured", "created_at", "id"),
        Index("ix_products_stall_newest", "stall_id", "status", "hidden", "deleted_at", "featured", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(8), default="kg")
    price: Mapped[int]  # VND per unit
    stock_milli: Mapped[int] = mapped_column(default=0)
    step_milli: Mapped[int] = mapped_column(default=MILLI)
    min_milli: Mapped[int] = mapped_column(default=MILLI)
    weight_grams: Mapped[int] = mapped_column(default=1000)  # shipping weight of one unit
    gtin: Mapped[str | None] = mapped_column(String(14))
    ocop_stars: Mapped[int | None]
    ocop_decision: Mapped[str | None] = mapped_column(String(60))
    ocop_date: Mapped[date | None]
    ocop_expiry: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default=ProductStatus.PENDING)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    # Hidden by a commune officer (a report, a rule broken): separate from the seller's own
    # `hidden`, so the seller cannot put it back on sale.
    officer_hidden: Mapped[bool] = mapped_column(default=False)
    officer_hidden_reason: Mapped[str] = mapped_column(Text, default="")
    # The product as last approved, kept when a change sends it back to review, so the officer
    # sees before/after. None when it is not re-reviewing an approved product.
    approved_snapshot: Mapped[dict | None] = mapped_column(JSON)
    featured: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    stall = relationship("Stall")
    category = relationship(Category)
    images = relationship(
        "ProductImage", order_by="[ProductImage.position, ProductImage.id]", cascade="all, delete-orphan",
        back_populates="product",
    )
    certifications = relationship(
        "Certification", order_by="Certification.id", cascade="all, delete-orphan",
        back_populates="product",
    )
    # The cover photo's key, where a listing query asks for it (catalog.services.visible_products):
    # a product card needs nothing else of its photos.
    cover_key: Mapped[str | None] = query_expression()

    @property
    def unit_info(self):
        return UNITS.get(self.unit, UNITS["cai"])

    @property
    def in_stock(self) -> bool:
        return self.stock_milli >= self.min_milli

    @property
    def is_visible(self) -> bool:
        """What the storefront shows: approved, not hidden or deleted, on an open stall."""
        return (
            self.status == ProductStatus.APPROVED
            and not self.hidden
            and not self.officer_hidden
            and self.deleted_at is None
            and self.stall.is_open
        )

    @property
    def cover(self):
        return self.images[0] if self.images else None


class ProductImage(db.Model):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    product = relationship(Product, back_populates="images")


class CertificationKind:
    VIETGAP = "vietgap"
    ORGANIC = "organic"
    GLOBALGAP = "globalgap"
    OTHER = "other"
    ALL = (VIETGAP, ORGANIC, GLOBALGAP, OTHER)


class Certification(db.Model):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    number: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(String(160), default="")  # issuing body
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]

    product = relationship(Product, back_populates="certifications")

    def is_valid_on(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day
