"""Shipment forms: carry input and keep what the seller typed; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from .models import EVENT_KINDS
from .services import FREIGHT_PAYERS, SERVICES, STATUS_LABELS
from .tracking import CARRIERS

NUMERIC = {"inputmode": "numeric"}


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ShipmentForm(FlaskForm):
    carrier = SelectField(_l("Đơn vị vận chuyển"), choices=_choices(CARRIERS.items()))
    service = SelectField(_l("Dịch vụ"), choices=_choices(SERVICES.items()))
    tracking_number = StringField(_l("Mã vận đơn của hãng (nếu đã có)"), validators=[Length(max=60)],
                                  render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    weight_grams = StringField(_l("Khối lượng (gam)"), render_kw=NUMERIC)
    length_cm = StringField(_l("Dài (cm)"), render_kw=NUMERIC)
    width_cm = StringField(_l("Rộng (cm)"), render_kw=NUMERIC)
    height_cm = StringField(_l("Cao (cm)"), render_kw=NUMERIC)
    cod_amount = StringField(_l("Tiền thu hộ COD (đồng, 0 nếu không thu)"), render_kw=NUMERIC)
    allow_inspection = BooleanField(_l("Cho xem hàng trước khi nhận"))
    freight_payer = SelectField(_l("Người trả cước"), choices=_choices(FREIGHT_PAYERS.items()))
    content = StringField(_l("Nội dung hàng hóa"), validators=[Length(max=255)])
    note = TextAreaField(_l("Ghi chú cho bưu tá"), validators=[Length(max=500)])

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class TrackingNumberForm(FlaskForm):
    tracking_number = StringField(_l("Mã vận đơn của hãng"), validators=[Length(max=60)],
                                  render_kw={"autocapitalize": "characters", "autocomplete": "off"})


class EventForm(FlaskForm):
    kind = SelectField(_l("Cập nhật từ hãng vận chuyển"), choices=_choices((k, STATUS_LABELS[k]) for k in EVENT_KINDS))
    note = StringField(_l("Ghi chú (chỉ bạn thấy)"), validators=[Length(max=500)])


class RemittanceForm(FlaskForm):
    amount = StringField(_l("Số tiền thu hộ đã nhận (đồng)"), render_kw=NUMERIC)
