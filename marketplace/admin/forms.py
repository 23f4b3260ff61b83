"""Forms of the admin module: moderation decisions and commune settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..accounts.forms import PhoneField

# The usual reasons, so an officer decides in two taps; the details say what to fix.
REJECT_REASONS = (
    ("info", _l("Thông tin chưa đầy đủ hoặc chưa chính xác")),
    ("photo", _l("Ảnh không rõ hoặc không phải ảnh thật")),
    ("origin", _l("Không rõ nguồn gốc / không sản xuất tại xã")),
    ("identity", _l("Thông tin hộ, CCCD hoặc tài khoản ngân hàng không khớp")),
    ("banned", _l("Hàng cấm hoặc kinh doanh có điều kiện")),
    ("certificate", _l("Chứng nhận OCOP/VietGAP không hợp lệ hoặc hết hạn")),
    ("other", _l("Lý do khác")),
)


class RejectForm(FlaskForm):
    reason = SelectField(_l("Lý do"), choices=[SelectChoice(value, label) for value, label in REJECT_REASONS])
    details = TextAreaField(
        _l("Giải thích cho người bán"),
        validators=[DataRequired(_l("Ghi rõ điều người bán cần sửa.")), Length(max=900)],
        render_kw={"rows": 3},
    )

    def reason_text(self) -> str:
        """What the seller reads: the chosen reason, then the officer's details."""
        label = dict(REJECT_REASONS).get(self.reason.data, "")
        return f"{label}: {self.details.data.strip()}"


class ProvinceForm(FlaskForm):
    class Meta:
        csrf = False

    province = SelectField(_l("Tỉnh/thành phố"), coerce=int, validate_choice=False)


class CreateCommuneForm(FlaskForm):
    ward_code = SelectField(_l("Xã/phường"), coerce=int, validate_choice=False)
    intro = TextAreaField(_l("Giới thiệu"), validators=[Length(max=4000)])
    requires_product_review = BooleanField(_l("Duyệt từng sản phẩm trước khi lên chợ"), default=True)


class CommuneSettingsForm(FlaskForm):
    intro = TextAreaField(_l("Giới thiệu"), validators=[Length(max=4000)], render_kw={"rows": 5})
    requires_product_review = BooleanField(_l("Duyệt từng sản phẩm trước khi lên chợ"))
    household_count = IntegerField(
        _l("Số hộ trong xã"), validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("Số hộ không hợp lệ."))],
        render_kw={"inputmode": "numeric"},
    )
    contact = TextAreaField(_l("Liên hệ của xã"), validators=[Length(max=1000)], render_kw={"rows": 3})


class VillagesForm(FlaskForm):
    names = TextAreaField(
        _l("Thêm thôn/ấp (mỗi dòng một tên)"),
        validators=[DataRequired(_l("Nhập ít nhất một tên thôn/ấp.")), Length(max=10_000)],
        render_kw={"rows": 4},
    )


class OfficerForm(FlaskForm):
    phone = PhoneField(_l("Số điện thoại của cán bộ"), render_kw={"inputmode": "tel"})
