"""Vietnam's administrative units in force since 1 July 2025: province -> commune/ward."""
from functools import lru_cache

from vietnam_provinces import Province, Ward

from .text import fold


@lru_cache(maxsize=1)
def provinces() -> list[tuple[int, str]]:
    """(code, name) of the 34 provinces, sorted as Vietnamese readers expect (folded name)."""
    items = [(int(p.code), p.name) for p in Province.iter_all()]
    return sorted(items, key=lambda item: fold(short_name(item[1])))


@lru_cache(maxsize=64)
def wards(province_code: int) -> list[tuple[int, str]]:
    """(code, name) of the communes and wards of one province."""
    try:
        province = Province.from_code(province_code)
    except (ValueError, KeyError):
        return []
    items = [(int(w.code), w.name) for w in Ward.iter_by_province(province.code)]
    return sorted(items, key=lambda item: fold(short_name(item[1])))


def province_name(code: int | None) -> str:
    try:
        return Province.from_code(code).name if code else ""
    except (ValueError, KeyError):
        return ""


def ward(code: int | None):
    """The Ward for a code, or None when the code is not a 2025 unit."""
    try:
        return Ward.from_code(code) if code else None
    except (ValueError, KeyError):
        return None


def ward_in_province(ward_code: int | None, province_code: int | None) -> bool:
    found = ward(ward_code)
    return found is not None and int(found.province_code) == province_code


def short_name(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name
