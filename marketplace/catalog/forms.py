"""The seller's product form. Fields parse what people type ("45.000", "0,5") into integers;
the rules (units, steps, OCOP, certifications) live in catalog.services."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    FieldList, Form, FormField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField,
)

from ..core.money import parse_vnd
from ..stalls.forms import int_or_none
from .models import CertificationKind
from .units import UNITS, parse_quantity


class _ParsedField(StringField):
    """A text input whose `.value` is parsed; a bad value is an error next to the field, in
    Vietnamese, while `.data` keeps exactly what was typed so the page can show it again."""

    message = _l("Giá trị không hợp lệ.")
    value = None

    def parse(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.value = None
        text = (self.data or "").strip()
        if text:
            try:
                self.value = self.parse(text)
            except (ValueError, OverflowError):
                raise ValueError(str(self.message))

    def _value(self):
        return self.data if isinstance(self.data, str) else self.format(self.data)

    def format(self, value) -> str:
        return "" if value is None else str(value)


class VndField(_ParsedField):
    message = _l("Nhập giá bằng số đồng, ví dụ 45.000.")

    def parse(self, text):
        return parse_vnd(text)

    def format(self, value):
        return "" if value is None else f"{value:,}".replace(",", ".")


class QuantityField(_ParsedField):
    """'0,5' or '0.5' -> 500 thousandths of the unit."""

    message = _l("Nhập số, ví dụ 0,5 hoặc 2.")

    def parse(self, text):
        if len(text) > 20:
            raise ValueError("too long")
        return parse_quantity(text)

    def format(self, value):
        from .units import format_quantity

        return format_quantity(value) if value is not None else ""


class WholeNumberField(_ParsedField):
    message = _l("Nhập số nguyên, ví dụ 500.")

    def parse(self, text):
        text = text.replace(".", "").replace(" ", "")
        if not (text.isascii() and text.isdigit()) or len(text) > 9:
            raise ValueError("not a whole number")
        return int(text)


class DayField(_ParsedField):
    """A <input type=date> (yyyy-mm-dd) that also accepts dd/mm/yyyy typed on old phones."""

    message = _l("Nhập ngày dạng ngày/tháng/năm.")

    def parse(self, text):
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError("not a date")

    def format(self, value):
        return value.isoformat() if isinstance(value, date) else ""


def unit_choices():
    return [SelectChoice(u.code, u.label) for u in UNITS.values()]


CERT_KINDS = [
    SelectChoice(CertificationKind.VIETGAP, "VietGAP"),
    SelectChoice(CertificationKind.ORGANIC, _l("Hữu cơ")),
    SelectChoice(CertificationKind.GLOBALGAP, "GlobalGAP"),
    SelectChoice(CertificationKind.OTHER, _l("Khác")),
]


class CertificationForm(Form):
    kind = SelectField(_l("Loại chứng nhận"), choices=CERT_KINDS, validate_choice=False)
    number = StringField(_l("Số chứng nhận"), render_kw={"maxlength": 60})
    body = StringField(_l("Tổ chức cấp"), render_kw={"maxlength": 160})
    issued_on = DayField(_l("Ngày cấp"), render_kw={"type": "date"})
    expires_on = DayField(_l("Ngày hết hạn"), render_kw={"type": "date"})


class ProductForm(FlaskForm):
    name = StringField(_l("Tên sản phẩm"), render_kw={"maxlength": 120})
    category_id = SelectField(_l("Danh mục"), coerce=int_or_none, validate_choice=False)
    description = TextAreaField(_l("Mô tả"), render_kw={"rows": 5, "maxlength": 5000})
    photos = MultipleFileField(
        _l("Ảnh sản phẩm"),
        render_kw={"multiple": True, "accept": "image/*", "capture": "environment", "data-downscale": "1600"},
    )
    remove_photos = SelectMultipleField(_l("Bỏ ảnh"), coerce=int_or_none, validate_choice=False)
    unit = SelectField(_l("Đơn vị bán"), choices=unit_choices, validate_choice=False, default="kg")
    price = VndField(_l("Giá bán (đồng / đơn vị)"), render_kw={"inputmode": "numeric", "maxlength": 20})
    stock = QuantityField(_l("Số lượng còn"), render_kw={"inputmode": "decimal", "maxlength": 20})
    step = QuantityField(_l("Bước mua (với kg, lít)"), render_kw={"inputmode": "decimal", "maxlength": 20})
    minimum = QuantityField(_l("Mua tối thiểu"), render_kw={"inputmode": "decimal", "maxlength": 20})
    weight_grams = WholeNumberField(_l("Khối lượng giao hàng của 1 đơn vị (gam)"),
                                    render_kw={"inputmode": "numeric", "maxlength": 9})
    gtin = StringField(_l("Mã vạch (GTIN, không bắt buộc)"), render_kw={"inputmode": "numeric", "maxlength": 14})
    ocop_stars = SelectField(
        _l("Hạng OCOP"), coerce=int_or_none, validate_choice=False,
        choices=[SelectChoice("", _l("Không có"))] + [SelectChoice(n, _l("%(n)s sao", n=n)) for n in (3, 4, 5)],
    )
    ocop_decision = StringField(_l("Số quyết định công nhận OCOP"), render_kw={"maxlength": 60})
    ocop_date = DayField(_l("Ngày công nhận"), render_kw={"type": "date"})
    ocop_expiry = DayField(_l("Ngày hết hạn OCOP"), render_kw={"type": "date"})
    certifications = FieldList(FormField(CertificationForm), min_entries=2, max_entries=6)

    # catalog.services names quantities in thousandths; the inputs take them as typed.
    error_aliases = {"stock_milli": "stock", "step_milli": "step", "min_milli": "minimum"}

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice("", _l("— Chọn danh mục —"))] + [
            SelectChoice(c.id, c.name) for c in categories]

    def fill_from(self, product) -> None:
        """Show a stored product in the form (GET of the edit page)."""
        for name in ("name", "category_id", "description", "unit", "gtin", "ocop_stars", "ocop_decision"):
            self[name].data = getattr(product, name)
        for name, attr in (("price", "price"), ("stock", "stock_milli"), ("step", "step_milli"),
                           ("minimum", "min_milli"), ("weight_grams", "weight_grams"),
                           ("ocop_date", "ocop_date"), ("ocop_expiry", "ocop_expiry")):
            self[name].data = getattr(product, attr)
        rows = [{"kind": c.kind, "number": c.number, "body": c.body, "issued_on": c.issued_on,
                 "expires_on": c.expires_on} for c in product.certifications]
        while self.certifications.entries:
            self.certifications.pop_entry()
        for row in rows + [{}] * max(1, 2 - len(rows)):
            self.certifications.append_entry(row)

    def product_data(self) -> dict:
        """The submitted values, as catalog.services expects them (integers, dates)."""
        return {
            "name": self.name.data, "category_id": self.category_id.data, "description": self.description.data,
            "unit": self.unit.data, "price": self.price.value, "stock_milli": self.stock.value,
            "step_milli": self.step.value, "min_milli": self.minimum.value,
            "weight_grams": self.weight_grams.value, "gtin": self.gtin.data, "ocop_stars": self.ocop_stars.data,
            "ocop_decision": self.ocop_decision.data, "ocop_date": self.ocop_date.value,
            "ocop_expiry": self.ocop_expiry.value,
        }

    def certification_data(self) -> list[dict]:
        return [
            {"kind": row.kind.data, "number": row.number.data, "body": row.body.data,
             "issued_on": row.issued_on.value, "expires_on": row.expires_on.value}
            for row in (entry.form for entry in self.certifications.entries)
        ]

    def photo_uploads(self) -> list:
        return [f for f in (self.photos.data or []) if f and getattr(f, "filename", "")]
