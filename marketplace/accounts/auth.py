"""Flask-Login wiring and role guards used by views."""
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, login_manager
from .models import User


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str):
    """The cookie holds 'id:version'; a password change bumps the version and ends old sessions."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    return user


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def officer_required(view):
    """Officers and admins; which communes they may touch is checked in the services."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not (current_user.is_admin or current_user.is_officer):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
