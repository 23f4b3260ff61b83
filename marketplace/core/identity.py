"""Citizen ID (CCCD) numbers: 12 digits; the first 3 are the code of the province of birth
(the 63 pre-2025 provinces), the 4th encodes century and sex."""
import re

_CCCD = re.compile(r"^\d{12}$")
_PROVINCE_CODES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
}


def is_valid_cccd(text: str) -> bool:
    value = (text or "").replace(" ", "")
    return bool(_CCCD.match(value)) and value[:3] in _PROVINCE_CODES
