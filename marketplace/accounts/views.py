"""Sign up, log in, log out, profile and password change."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import ServiceError
from ..core.formerrors import attach_errors
from ..extensions import limiter
from . import services
from .forms import ChangePasswordForm, LoginForm, RegisterForm

bp = Blueprint("accounts", __name__)

# Session keys that survive login: the guest's cart and chosen language.
CARRIED_SESSION_KEYS = ("cart", "lang")


def start_session(user, remember: bool = False) -> None:
    """Log in on a fresh session (no fixation), carrying over the cart and language."""
    carried = {k: session[k] for k in CARRIED_SESSION_KEYS if k in session}
    session.clear()
    session.update(carried)
    login_user(user, remember=remember)


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.route("/dang-ky", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(form.phone.e164, form.name.data, form.password.data, form.email.data)
        except ServiceError as exc:
            attach_errors(form, exc)
        else:
            start_session(user)
            flash(_("Chào mừng %(name)s! Tài khoản đã được tạo.", name=user.name), "success")
            return redirect(_safe_next(url_for("site.home")))
    return render_template("accounts/register.html", form=form)


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.phone.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Số điện thoại hoặc mật khẩu không đúng."))
        else:
            start_session(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("site.home")))
    return render_template("accounts/login.html", form=form)


@bp.post("/dang-xuat")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("site.home"))


@bp.route("/tai-khoan", methods=["GET", "POST"])
@login_required
def profile():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except ServiceError as exc:
            attach_errors(form, exc)
        else:
            start_session(current_user._get_current_object())
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)
