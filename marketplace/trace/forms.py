"""Batch, trace event and stamp forms (the JSON API validates with the same classes)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.ids import MAX_ID
from ..catalog.units import parse_quantity
from .models import EventKind
from .sheets import LAYOUTS

EVENT_LABELS = {
    EventKind.PLANTED: _l("Gieo trồng"),
    EventKind.FERTILISED: _l("Bón phân"),
    EventKind.SPRAYED: _l("Phun thuốc BVTV"),
    EventKind.HARVESTED: _l("Thu hoạch"),
    EventKind.PROCESSED: _l("Chế biến"),
    EventKind.SORTED: _l("Phân loại"),
    EventKind.PACKED: _l("Đóng gói"),
    EventKind.SHIPPED: _l("Vận chuyển"),
    EventKind.OTHER: _l("Khác"),
}


class QuantityField(StringField):
    """'1,5' -> 1500 thousandths of the product's unit (`.milli`)."""

    milli = None

    def pre_validate(self, form):
        self.milli = None
        if (self.data or "").strip():
            try:
                self.milli = parse_quantity(self.data)
            except ValueError:
                raise ValidationError(_l("Nhập số, ví dụ 250 hoặc 1,5."))


class BatchForm(FlaskForm):
    code = StringField(_l("Mã lô"), validators=[Optional(), Length(max=20)],
                       description=_l("Để trống để tự tạo theo ngày thu hoạch."))
    harvested_on = DateField(_l("Ngày thu hoạch / sản xuất"), validators=[Optional()])
    packed_on = DateField(_l("Ngày đóng gói"), validators=[Optional()])
    best_before = DateField(_l("Hạn sử dụng"), validators=[Optional()])
    quantity = QuantityField(_l("Sản lượng của lô"), render_kw={"inputmode": "decimal"})
    place = StringField(_l("Nơi sản xuất"), validators=[Optional(), Length(max=255)],
                        description=_l("Để trống: thôn, xã của gian hàng."))
    latitude = DecimalField(_l("Vĩ độ (GPS)"), places=6, validators=[Optional(), NumberRange(-90, 90)])
    longitude = DecimalField(_l("Kinh độ (GPS)"), places=6, validators=[Optional(), NumberRange(-180, 180)])
    certification_ids = SelectMultipleField(_l("Chứng nhận áp dụng cho lô"), coerce=int, validate_choice=True)
    show_ocop = BooleanField(_l("Hiển thị OCOP của sản phẩm"), default=True)

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        certs = product.certifications if product is not None else []
        self.certification_ids.choices = [SelectChoice(c.id, f"{c.kind.upper()} {c.number}") for c in certs]
        if product is not None and not product.ocop_stars:
            del self.show_ocop  # nothing to show; the batch keeps the default for a later rating

    def to_data(self) -> dict:
        return {
            "code": self.code.data, "harvested_on": self.harvested_on.data, "packed_on": self.packed_on.data,
            "best_before": self.best_before.data, "quantity_milli": self.quantity.milli, "place": self.place.data,
            "latitude": self.latitude.data, "longitude": self.longitude.data,
            "certification_ids": self.certification_ids.data or [],
            "show_ocop": self.show_ocop.data if "show_ocop" in self else None,
        }


class EventForm(FlaskForm):
    kind = SelectField(_l("Công việc"), choices=[SelectChoice(k, v) for k, v in EVENT_LABELS.items()],
                       validators=[InputRequired(_l("Chọn loại công việc."))])
    happened_on = DateField(_l("Ngày"), validators=[InputRequired(_l("Nhập ngày."))])
    material = StringField(_l("Vật tư đã dùng (phân, thuốc…)"), validators=[Optional(), Length(max=160)])
    preharvest_days = IntegerField(_l("Thời gian cách ly (ngày)"), validators=[Optional(), NumberRange(0, 365)],
                                   render_kw={"inputmode": "numeric"})
    actor = StringField(_l("Người thực hiện"), validators=[Optional(), Length(max=120)])
    place = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=255)])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("Ảnh (không bắt buộc)"), render_kw={"accept": "image/*", "capture": "environment"})
    corrects_id = IntegerField(_l("Đính chính cho sự kiện"), validators=[Optional(), NumberRange(1, MAX_ID)])

    def to_data(self) -> dict:
        return {k: getattr(self, k).data for k in
                ("kind", "happened_on", "material", "preharvest_days", "actor", "place", "note")}


class IssueStampsForm(FlaskForm):
    count = IntegerField(_l("Số tem cần in thêm"), default=100,
                         validators=[InputRequired(_l("Nhập số tem.")), NumberRange(1, 5000, _l("Từ 1 đến 5000 tem."))],
                         render_kw={"inputmode": "numeric"})


class SheetForm(FlaskForm):
    class Meta:
        csrf = False

    layout = SelectField(_l("Khổ giấy"), choices=[SelectChoice(k, v.label) for k, v in LAYOUTS.items()], default="a4-5x13")
    first = IntegerField(_l("Từ số"), validators=[Optional(), NumberRange(1, 100_000)])
    last = IntegerField(_l("Đến số"), validators=[Optional(), NumberRange(1, 100_000)])
