"""The stall form: what a household types to open or fix its stall. The rules (CCCD, phone,
village of the commune, bank account) live in stalls.services.clean_stall_data."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from ..communes.models import Commune, Village
from ..extensions import db
from .banks import bank_choices


def int_or_none(value):
    """Coerce a submitted id without WTForms' English 'Invalid Choice' message: a bad value
    becomes None and the service says, in Vietnamese, what to choose."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def commune_choices() -> dict[str, list[SelectChoice]]:
    """Communes that are on the market, grouped by province (an <optgroup> each)."""
    groups: dict[str, list[SelectChoice]] = {}
    for commune in db.session.scalars(select(Commune).order_by(Commune.province_name, Commune.name)):
        groups.setdefault(commune.province_name, []).append(SelectChoice(commune.id, commune.name))
    return groups


def village_choices() -> dict[str, list[SelectChoice]]:
    """Every village of every commune on the market, grouped by commune; each option carries
    its commune id so static/js/stalls.js can show only the chosen commune's villages."""
    groups: dict[str, list[SelectChoice]] = {"": [SelectChoice("", _l("— Chọn thôn/ấp —"))]}
    query = select(Village).join(Village.commune).order_by(Commune.province_name, Commune.name, Village.name)
    for village in db.session.scalars(query):
        label = f"{village.commune.name} ({village.commune.province_name})"
        groups.setdefault(label, []).append(
            SelectChoice(village.id, village.name, render_kw={"data-commune": str(village.commune_id)}))
    return groups


class StallForm(FlaskForm):
    name = StringField(_l("Tên gian hàng"), render_kw={"maxlength": 120, "autocomplete": "off"})
    household_name = StringField(_l("Tên hộ / người đại diện"), render_kw={"maxlength": 120, "autocomplete": "name"})
    id_number = StringField(
        _l("Số CCCD"), render_kw={"inputmode": "numeric", "maxlength": 15, "autocomplete": "off"}
    )
    phone = StringField(_l("Số điện thoại"), render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 30})
    commune_id = SelectField(_l("Xã / phường"), coerce=int_or_none, validate_choice=False)
    village_id = SelectField(_l("Thôn / ấp / xóm"), coerce=int_or_none, validate_choice=False)
    address_line = StringField(_l("Địa chỉ (số nhà, đường)"), render_kw={"maxlength": 255, "autocomplete": "street-address"})
    story = TextAreaField(_l("Giới thiệu gian hàng"), render_kw={"rows": 5, "maxlength": 4000})
    cover = FileField(
        _l("Ảnh bìa"),
        render_kw={"accept": "image/*", "capture": "environment", "data-downscale": "1600"},
    )
    bank_bin = SelectField(_l("Ngân hàng nhận tiền"), validate_choice=False)
    bank_account = StringField(
        _l("Số tài khoản"), render_kw={"inputmode": "numeric", "maxlength": 25, "autocomplete": "off"}
    )
    bank_holder = StringField(_l("Tên chủ tài khoản"), render_kw={"maxlength": 70, "autocomplete": "off"})
    accepts_cod = BooleanField(_l("Nhận thanh toán khi giao hàng (COD)"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_id.choices = {"": [SelectChoice("", _l("— Chọn xã —"))], **commune_choices()}
        self.village_id.choices = village_choices()
        self.bank_bin.choices = [SelectChoice("", _l("— Chọn ngân hàng —"))] + [
            SelectChoice(bin_, label) for bin_, label in bank_choices()]

    def stall_data(self) -> dict:
        """The submitted values, as stalls.services expects them."""
        return {
            "name": self.name.data, "household_name": self.household_name.data,
            "id_number": self.id_number.data, "phone": self.phone.data,
            "commune_id": self.commune_id.data, "village_id": self.village_id.data,
            "address_line": self.address_line.data, "story": self.story.data,
            "bank_bin": self.bank_bin.data, "bank_account": self.bank_account.data,
            "bank_holder": self.bank_holder.data, "accepts_cod": bool(self.accepts_cod.data),
        }

    def cover_upload(self):
        """The chosen photo, or None when the input was left empty."""
        data = self.cover.data
        return data if data and getattr(data, "filename", "") else None
