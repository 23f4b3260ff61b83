"""Delivery fees from a stall's simple rules: flat per stall order or per started kilogram,
priced by zone (same commune / same province / elsewhere), free above an amount."""
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import ValidationError, deny
from ..extensions import db
from .models import ShippingRule

MODES = ("flat", "per_kg")
MAX_FEE = 2_000_000
DEFAULT = {"mode": "flat", "fee_same_commune": 0, "fee_same_province": 20000, "fee_elsewhere": 35000,
           "free_above": None}


def rule_for(stall) -> ShippingRule:
    """The stall's rule, or an unsaved one with the platform defaults."""
    return stall.shipping_rule or ShippingRule(stall_id=stall.id, **DEFAULT)


def fee(stall, subtotal: int, weight_grams: int, ward_code: int | None, province_code: int | None) -> int:
    """The delivery fee of one stall order to the given commune/ward (integer VND)."""
    rule = rule_for(stall)
    if rule.free_above is not None and subtotal >= rule.free_above:
        return 0
    if ward_code and ward_code == stall.commune.ward_code:
        base = rule.fee_same_commune
    elif province_code and province_code == stall.commune.province_code:
        base = rule.fee_same_province
    else:
        base = rule.fee_elsewhere
    if rule.mode == "per_kg":
        return base * max(1, -(-weight_grams // 1000))
    return base


def set_rule(actor, stall, data: dict) -> ShippingRule:
    """Save the stall owner's delivery fee rule; only the owner may, and it is audited."""
    if stall.owner_id != getattr(actor, "id", None):
        raise deny(actor, "shipping.set", stall)
    errors, clean = {}, {}
    clean["mode"] = data.get("mode") if data.get("mode") in MODES else None
    if clean["mode"] is None:
        errors["mode"] = _l("Chọn cách tính phí.")
    for name in ("fee_same_commune", "fee_same_province", "fee_elsewhere", "free_above"):
        value = data.get(name)
        if value in (None, "") and name == "free_above":
            clean[name] = None
            continue
        try:
            clean[name] = int(value)
            if not 0 <= clean[name] <= (MAX_FEE if name != "free_above" else 1_000_000_000):
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = _l("Nhập số tiền hợp lệ (đồng).")
    if errors:
        raise ValidationError(_l("Vui lòng sửa các ô được đánh dấu."), errors)
    rule = rule_for(stall)
    for key, value in clean.items():
        setattr(rule, key, value)
    db.session.add(rule)
    audit.record(actor, "shipping.set", stall, commune_id=stall.commune_id, data=clean)
    db.session.commit()
    return rule
