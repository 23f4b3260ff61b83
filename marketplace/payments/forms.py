"""Refund and payout forms: they carry input; the rules are in refunds.py and ledger.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RefundForm(FlaskForm):
    code = StringField(_l("Mã đơn của gian hàng"), validators=[DataRequired(), Length(max=12)])
    reason = StringField(_l("Lý do hoàn tiền"), validators=[DataRequired(), Length(max=500)])
    amount = IntegerField(_l("Số tiền hoàn (đồng, để trống = toàn bộ)"),
                          validators=[Optional(), NumberRange(min=1, max=2_000_000_000)])


class PayoutForm(FlaskForm):
    stall_id = HiddenField(validators=[DataRequired()])
    amount = IntegerField(_l("Số tiền đã chuyển (đồng)"), validators=[DataRequired(), NumberRange(min=1, max=2_000_000_000)])
    reference = StringField(_l("Mã giao dịch ngân hàng"), validators=[DataRequired(), Length(max=80)])
