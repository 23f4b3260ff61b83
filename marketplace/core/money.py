"""Money is integer VND: no minor unit, never float."""
import re

_NON_DIGITS = re.compile(r"[.\s,₫đĐ]|vnd|VND")


def format_vnd(amount: int | None) -> str:
    """120000 -> '120.000 ₫' (Vietnamese thousands separator)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " ₫"


def parse_vnd(text: str) -> int:
    """Parse '120.000', '120,000 ₫' or '120000' into 120000; ValueError otherwise."""
    cleaned = _NON_DIGITS.sub("", str(text).strip())
    if not cleaned.isdigit():
        raise ValueError("not an amount")
    return int(cleaned)


def line_total(unit_price: int, quantity_milli: int) -> int:
    """Price of `quantity_milli` thousandths of a unit, rounded half up to whole đồng."""
    return (unit_price * quantity_milli + 500) // 1000
