"""Vietnamese phone numbers: typed as 09.., +84 9.., 84.. with spaces; stored as E.164."""
import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile (3x, 5x, 7x, 8x, 9x) and landline (2x) numbers have 9 digits after the country code.
_NATIONAL = re.compile(r"^[235789]\d{8}$")


def normalize_phone(text: str) -> str:
    """Return '+849xxxxxxxx' for any usual way of typing the number; ValueError if it is not one."""
    raw = _SEPARATORS.sub("", (text or "").strip())
    if raw.startswith("+84"):
        national = raw[3:]
    elif raw.startswith("0084"):
        national = raw[4:]
    elif raw.startswith("84") and len(raw) == 11:
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        raise ValueError("invalid phone")
    if not _NATIONAL.match(national):
        raise ValueError("invalid phone")
    return "+84" + national


def display_phone(e164: str | None) -> str:
    """'+84912345678' -> '0912 345 678', the way people read it."""
    if not e164:
        return ""
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    return f"{national[:4]} {national[4:7]} {national[7:]}"
