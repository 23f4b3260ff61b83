"""Checkout, guest lookup and the seller's order forms. The rules live in services; these
only carry input and keep what the user typed."""
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import html_params

from ..core import address


class LongListSelect:
    """A <select> of a long list that rarely changes (the provinces, a province's wards: up to
    ~150 options), rendered once per list, chosen value and language instead of option by
    option on every checkout page, where it was a tenth of the page's time."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        choices = tuple((value, str(label)) for value, label in field.choices)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{_options(choices, field.data)}</select>")


@lru_cache(maxsize=256)
def _options(choices: tuple, chosen) -> Markup:
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(value, Markup(" selected") if value == chosen else "", label)
        for value, label in choices)


class CheckoutForm(FlaskForm):
    name = StringField(_l("Họ tên người nhận"), validators=[Length(max=120)], render_kw={"autocomplete": "name"})
    phone = StringField(_l("Số điện thoại"), validators=[Length(max=30)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    province_code = SelectField(_l("Tỉnh/thành phố"), coerce=int, validate_choice=False, widget=LongListSelect())
    ward_code = SelectField(_l("Xã/phường"), coerce=int, validate_choice=False, widget=LongListSelect())
    address_line = StringField(_l("Số nhà, đường, thôn/xóm"), validators=[Length(max=255)],
                               render_kw={"autocomplete": "street-address"})
    note = TextAreaField(_l("Ghi chú cho người bán"), validators=[Length(max=1000)])
    expected_total = HiddenField()

    def fill_choices(self) -> None:
        self.province_code.choices = [(0, _l("— Chọn tỉnh/thành phố —"))] + address.provinces()
        wards = address.wards(self.province_code.data) if self.province_code.data else []
        self.ward_code.choices = [(0, _l("— Chọn xã/phường —"))] + wards

    def delivery(self) -> dict:
        return {k: getattr(self, k).data for k in ("name", "phone", "province_code", "ward_code", "address_line", "note")}


class GuestLookupForm(FlaskForm):
    code = StringField(_l("Mã đơn hàng"), validators=[DataRequired(_l("Nhập mã đơn hàng.")), Length(max=20)])
    phone = StringField(_l("Số điện thoại người nhận"), validators=[DataRequired(_l("Nhập số điện thoại.")), Length(max=30)],
                        render_kw={"inputmode": "tel"})


class ShippingRuleForm(FlaskForm):
    mode = SelectField(_l("Cách tính phí"), choices=[("flat", _l("Một mức cho mỗi đơn")), ("per_kg", _l("Theo kg"))])
    fee_same_commune = IntegerField(_l("Cùng xã (đồng)"), validators=[NumberRange(min=0)])
    fee_same_province = IntegerField(_l("Cùng tỉnh (đồng)"), validators=[NumberRange(min=0)])
    fee_elsewhere = IntegerField(_l("Tỉnh khác (đồng)"), validators=[NumberRange(min=0)])
    free_above = IntegerField(_l("Miễn phí cho đơn từ (đồng, để trống nếu không)"), validators=[Optional(), NumberRange(min=0)])
