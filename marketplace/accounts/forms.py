from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.validators import Email

from ..core.phone import normalize_phone


class PhoneField(StringField):
    """A phone number as people type it; `.e164` holds the normalised form after validation."""

    def pre_validate(self, form):
        try:
            self.e164 = normalize_phone(self.data or "")
        except ValueError:
            raise ValidationError(_l("Số điện thoại không hợp lệ (ví dụ 0912 345 678)."))


class RegisterForm(FlaskForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Nhập họ và tên.")), Length(max=120)])
    phone = PhoneField(_l("Số điện thoại"), render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = EmailField(_l("Email (không bắt buộc)"), validators=[Optional(), Email(_l("Email không hợp lệ.")), Length(max=254)])
    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu.")), Length(min=8, max=128, message=_l("Mật khẩu từ 8 đến 128 ký tự."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"), validators=[EqualTo("password", _l("Hai mật khẩu không giống nhau."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    phone = StringField(_l("Số điện thoại"), validators=[DataRequired(_l("Nhập số điện thoại.")), Length(max=30)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu.")), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Nhập mật khẩu hiện tại."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("Mật khẩu mới"), validators=[DataRequired(_l("Nhập mật khẩu mới.")), Length(min=8, max=128, message=_l("Mật khẩu từ 8 đến 128 ký tự."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[EqualTo("new_password", _l("Hai mật khẩu không giống nhau."))],
                            render_kw={"autocomplete": "new-password"})
