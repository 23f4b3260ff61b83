"""Users and API tokens. Roles are derived: buyer (everyone), seller (has a stall),
officer (assigned to communes), admin (platform flag)."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.timeutil import utcnow
from ..extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on password change so other sessions of this user end.
    session_version: Mapped[int] = mapped_column(default=1)

    stalls = relationship("Stall", back_populates="owner", lazy="select")
    assignments = relationship("OfficerAssignment", back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def commune_ids(self) -> set[int]:
        return {a.commune_id for a in self.assignments}

    @property
    def is_officer(self) -> bool:
        return bool(self.assignments)

    @property
    def is_seller(self) -> bool:
        return bool(self.stalls)

    @property
    def role_name(self) -> str:
        if self.is_admin:
            return "admin"
        if self.is_officer:
            return "officer"
        if self.is_seller:
            return "seller"
        return "buyer"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship(User)
