"""Forms of the admin module: moderation decisions and commune settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
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
    price_jump_pct = IntegerField(
        _l("Duyệt lại khi giá thay đổi quá (%)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Từ 1 đến 1000 %."))],
        render_kw={"inputmode": "numeric"},
    )
    report_threshold = IntegerField(
        _l("Ưu tiên gian hàng khi có từ (số báo cáo)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Từ 1 đến 1000."))],
        render_kw={"inputmode": "numeric"},
    )

    def settings(self) -> dict:
        """The submitted settings; an empty threshold box keeps the current value."""
        data = {k: v for k, v in self.data.items() if k != "csrf_token"}
        for key in ("price_jump_pct", "report_threshold"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class VillagesForm(FlaskForm):
    names = TextAreaField(
        _l("Thêm thôn/ấp (mỗi dòng một tên)"),
        validators=[DataRequired(_l("Nhập ít nhất một tên thôn/ấp.")), Length(max=10_000)],
        render_kw={"rows": 4},
    )


class OfficerForm(FlaskForm):
    phone = PhoneField(_l("Số điện thoại của cán bộ"), render_kw={"inputmode": "tel"})


class ReasonForm(FlaskForm):
    """Suspend / reinstate a stall, hide / unhide a product: a reason is always recorded."""

    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Nhập lý do.")), Length(max=1000)],
                           render_kw={"rows": 2})


class BulkApproveForm(FlaskForm):
    """Checked items of the queue (ids are read from the request's `ids` list)."""


class ReportForm(FlaskForm):
    category = SelectField(_l("Loại vi phạm"))
    text = TextAreaField(_l("Mô tả"), validators=[DataRequired(_l("Mô tả điều bạn thấy không đúng.")),
                                                  Length(max=2000)], render_kw={"rows": 4})
    photo = FileField(_l("Ảnh (không bắt buộc)"), render_kw={"accept": "image/*"})


class ResolveForm(FlaskForm):
    outcome = SelectField(_l("Cách xử lý"))
    note = TextAreaField(_l("Ghi chú (người báo cáo sẽ thấy)"),
                         validators=[DataRequired(_l("Ghi chú kết quả xử lý.")), Length(max=1000)],
                         render_kw={"rows": 3})


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(_l("Nhập tiêu đề.")), Length(max=160)])
    body = TextAreaField(_l("Nội dung"), validators=[Length(max=4000)], render_kw={"rows": 4})


class VillagesCsvForm(FlaskForm):
    file = FileField(_l("Tệp CSV danh sách thôn/ấp (cột đầu là tên)"), render_kw={"accept": ".csv,text/csv"})


class CategoryForm(FlaskForm):
    name = StringField(_l("Tên danh mục"), validators=[DataRequired(_l("Nhập tên danh mục.")), Length(max=80)])
    position = IntegerField(_l("Thứ tự"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=10000, message=_l("Từ 0 đến 10000."))],
                            render_kw={"inputmode": "numeric"})
