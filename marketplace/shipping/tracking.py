"""Tracking numbers: carriers' own numbers, checked where the format is published, and
internal shipment codes for parcels that have none yet."""
import re

from flask_babel import lazy_gettext as _l

from ..core import codes
from ..core.errors import ValidationError

CARRIERS = {
    "vnpost": _l("Bưu điện Việt Nam (VNPost)"),
    "viettelpost": _l("Viettel Post"),
    "ghn": _l("Giao Hàng Nhanh (GHN)"),
    "ghtk": _l("Giao Hàng Tiết Kiệm (GHTK)"),
    "self": _l("Tự giao hàng"),
}
SHIPMENT_PREFIX = "VD"  # vận đơn

_S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
_GENERIC = re.compile(r"^[A-Z0-9]{6,30}$")
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial: weights 8,6,4,2,3,5,9,7, then 11 - sum mod 11,
    where 10 becomes 0 and 11 becomes 5."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("serial must be 8 digits")
    check = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS)) % 11
    return {10: 0, 11: 5}.get(check, check)


def is_valid_s10(number: str, country: str | None = "VN") -> bool:
    match = _S10.match(normalize(number))
    if not match:
        return False
    _service, serial, check, origin = match.groups()
    return (country is None or origin == country) and s10_check_digit(serial) == int(check)


def normalize(number: str) -> str:
    return re.sub(r"[\s\-]", "", number or "").upper()


def clean_tracking_number(carrier: str, number: str) -> str:
    """The carrier's tracking number in canonical form; ValidationError with a clear reason."""
    value = normalize(number)
    if carrier == "vnpost":
        match = _S10.match(value)
        if not match or match.group(4) != "VN":
            raise _invalid(_l("Mã bưu gửi VNPost gồm 2 chữ cái, 9 chữ số và đuôi VN (ví dụ EL491610889VN)."))
        if s10_check_digit(match.group(2)) != int(match.group(3)):
            raise _invalid(_l("Mã bưu gửi sai chữ số kiểm tra: hãy xem lại từng chữ số trên biên nhận."))
        return value
    if not _GENERIC.match(value):
        raise _invalid(_l("Mã vận đơn chỉ gồm chữ và số, dài 6–30 ký tự."))
    return value


def new_shipment_code() -> str:
    """An internal code (with a check character) printed as the barcode until the carrier's exists."""
    return codes.new_code(SHIPMENT_PREFIX, length=8)


def _invalid(message) -> ValidationError:
    return ValidationError(message, {"tracking_number": message})
