"""Units of sale. Quantities are stored exactly as integer thousandths of a unit
("milli"): 1.5 kg = 1500, 3 jars = 3000. Never float."""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import LazyString, gettext, ngettext
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


# A quantity with its unit ("1 bottle", "3 bottles"): one ngettext per unit, written out so that
# message extraction sees every form. Vietnamese nouns do not change with the number.
_AMOUNTS = {
    "kg": lambda n, q: ngettext("%(q)s kg", "%(q)s kg", n, q=q),
    "lit": lambda n, q: ngettext("%(q)s lít", "%(q)s lít", n, q=q),
    "qua": lambda n, q: ngettext("%(q)s quả", "%(q)s quả", n, q=q),
    "hop": lambda n, q: ngettext("%(q)s hộp", "%(q)s hộp", n, q=q),
    "chai": lambda n, q: ngettext("%(q)s chai", "%(q)s chai", n, q=q),
    "hu": lambda n, q: ngettext("%(q)s hũ", "%(q)s hũ", n, q=q),
    "tui": lambda n, q: ngettext("%(q)s túi", "%(q)s túi", n, q=q),
    "goi": lambda n, q: ngettext("%(q)s gói", "%(q)s gói", n, q=q),
    "bo": lambda n, q: ngettext("%(q)s bó", "%(q)s bó", n, q=q),
    "nieu": lambda n, q: ngettext("%(q)s niêu", "%(q)s niêu", n, q=q),
    "cai": lambda n, q: ngettext("%(q)s cái", "%(q)s cái", n, q=q),
}


def format_amount(milli: int, unit: "Unit | str") -> str:
    """1000 milli of 'chai' -> '1 chai' ('1 bottle'), 3000 -> '3 bottles', 1500 of 'lit' ->
    '1,5 litres': the quantity and its unit in the number the language wants. `unit` is a Unit
    or its code; an unknown code reads as 'cái', as on past orders."""
    code = unit.code if isinstance(unit, Unit) else unit
    whole, frac = divmod(int(milli), MILLI)
    # Plural rules take whole numbers; a fraction reads as plural ("0,5 litres", "1,5 litres").
    count = whole if not frac else 2
    return _AMOUNTS.get(code, _AMOUNTS["cai"])(count, format_quantity(milli))


def lazy_amount(milli: int, unit: "Unit | str") -> LazyString:
    """format_amount in the language of the request that finally shows it (for lazy messages)."""
    return LazyString(format_amount, milli, unit)


# A product page shows its stock exactly while it is low, where a buyer needs the number to
# choose a quantity, and above that the round figure it exceeds ("hơn 500 kg"): an order then
# changes a well-stocked product's page only when the stock falls past a figure, so the page
# stays cached while the product sells.
EXACT_STOCK_UP_TO = 100 * MILLI


def shown_stock(milli: int) -> tuple[int, bool]:
    """(amount, exact) a page shows for a stock of `milli`: the stock itself up to
    EXACT_STOCK_UP_TO, else the largest of 100, 200, 500, 1000, 2000... units below it."""
    if milli <= EXACT_STOCK_UP_TO:
        return milli, True
    figure = scale = EXACT_STOCK_UP_TO
    while True:
        for factor in (2, 5, 10):
            if scale * factor >= milli:
                return figure, False
            figure = scale * factor
        scale *= 10


def format_stock(milli: int, unit: "Unit | str") -> str:
    """The stock as a page shows it: '25,5 kg', or 'hơn 500 kg' (see shown_stock)."""
    amount, exact = shown_stock(milli)
    return format_amount(amount, unit) if exact else gettext("hơn %(amount)s", amount=format_amount(amount, unit))


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
        return _l("Mua tối thiểu %(amount)s.", amount=lazy_amount(min_milli, unit))
    if step_milli and (milli - min_milli) % step_milli:
        return _l("Số lượng tăng theo bước %(amount)s.", amount=lazy_amount(step_milli, unit))
    return None
