"""Accounts: sign-up, password login, password change, API tokens."""
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import Conflict, ValidationError
from ..core.phone import normalize_phone
from ..core.text import nfc
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ApiToken, User

MIN_PASSWORD = 8


def find_by_phone(phone_text: str) -> User | None:
    try:
        phone = normalize_phone(phone_text)
    except ValueError:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


def register_user(phone_text: str, name: str, password: str, email: str | None = None) -> User:
    """Create a buyer account; the phone number is unique in E.164 form."""
    try:
        phone = normalize_phone(phone_text)
    except ValueError:
        raise ValidationError(_l("Số điện thoại không hợp lệ."), {"phone": _l("Số điện thoại không hợp lệ.")})
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(_l("Mật khẩu quá ngắn."), {"password": _l("Mật khẩu cần ít nhất 8 ký tự.")})
    if db.session.scalar(select(User.id).where(User.phone == phone)):
        raise Conflict(_l("Số điện thoại này đã có tài khoản."), {"phone": _l("Số điện thoại này đã có tài khoản.")})
    user = User(phone=phone, name=nfc(name)[:120], email=(email or None))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(phone_text: str, password: str) -> User | None:
    """The active user with this phone and password, or None (same answer for either mistake)."""
    user = find_by_phone(phone_text)
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password and end the user's other sessions and API tokens."""
    if not user.check_password(current or ""):
        raise ValidationError(_l("Mật khẩu hiện tại không đúng."), {"current_password": _l("Mật khẩu hiện tại không đúng.")})
    if len(new or "") < MIN_PASSWORD:
        raise ValidationError(_l("Mật khẩu quá ngắn."), {"new_password": _l("Mật khẩu cần ít nhất 8 ký tự.")})
    user.set_password(new)
    user.session_version += 1
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()
    db.session.commit()


def issue_token(user: User, name: str = "") -> str:
    """Return a new bearer token; only its hash is kept, so it is shown once."""
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(raw), name=nfc(name)[:80]))
    db.session.commit()
    return raw


def user_for_token(raw: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(raw or "")))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user


def revoke_token(raw: str) -> bool:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(raw or "")))
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.commit()
    return True


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
