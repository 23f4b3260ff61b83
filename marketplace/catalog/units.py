"""Units of sale. Quantities are stored exactly as integer thousandths of a unit
("milli"): 1.5 kg = 1500, 3 jars = 3000. Never float."""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

MILLI = 1000


@dataclass(frozen=True)
class Unit:
    code: str
    label: str  # as on a price tag (translatable): "120.000 ₫ / kg"
    decimal: bool  # sold by weight/volume: decimal quantities with a step


UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit("kg", "kg", True),
        Unit("lit", _l("lít"), True),
        Unit("qua", _l("quả"), False),
        Unit("hop", _l("hộp"), False),
        Unit("chai", _l("chai"), False),
        Unit("hu", _l("hũ"), False),
        Unit("tui", _l("túi"), False),
        Unit("goi", _l("gói"), False),
        Unit("bo", _l("bó"), False),
        Unit("nieu", _l("niêu"), False),
        Unit("cai", _l("cái"), False),
    )
}


def parse_quantity(text: str | int | float | Decimal) -> int:
    """'1,5' or '1.5' -> 1500 milli-units; ValueError when it is not a number with at most 3 decimals."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not value.is_finite():
        raise ValueError("not a number")
    milli = value * MILLI
    if milli != milli.to_integral_value():
        raise ValueError("too many decimals")
    return int(milli)


def format_quantity(milli: int | None) -> str:
    """1500 -> '1,5'; 3000 -> '3' (Vietnamese decimal comma)."""
    if milli is None:
        return ""
    whole, frac = divmod(int(milli), MILLI)
    if not frac:
        return str(whole)
    return f"{whole},{str(frac).rjust(3, '0').rstrip('0')}"


def quantity_error(unit: Unit, milli: int, step_milli: int, min_milli: int):
    """Why `milli` is not a sellable quantity of this unit (a message for the buyer), or None."""
    if milli <= 0:
        return _l("Số lượng phải lớn hơn 0.")
    if not unit.decimal and milli % MILLI:
        return _l("Sản phẩm này bán theo %(unit)s, chỉ nhận số nguyên.", unit=unit.label)
    if milli < min_milli:
        return _l("Mua tối thiểu %(q)s %(unit)s.", q=format_quantity(min_milli), unit=unit.label)
    if step_milli and (milli - min_milli) % step_milli:
        return _l("Số lượng tăng theo bước %(q)s %(unit)s.", q=format_quantity(step_milli), unit=unit.label)
    return None
