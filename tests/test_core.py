"""Rules of the domain that every area relies on."""
import unicodedata

import pytest

from marketplace.catalog.units import UNITS, format_quantity, parse_quantity, quantity_error
from marketplace.core import address, codes
from marketplace.core.identity import is_valid_cccd
from marketplace.core.money import format_vnd, line_total, parse_vnd
from marketplace.core.phone import display_phone, normalize_phone
from marketplace.core.text import ascii_upper, fold, nfc, slugify


@pytest.mark.parametrize("typed", ["0912 345 678", "0912345678", "+84912345678", "+84 912 345 678",
                                   "84912345678", "0912.345.678", "(+84) 912-345-678", "0084912345678"])
def test_phone_numbers_typed_any_usual_way_become_e164(typed):
    assert normalize_phone(typed) == "+84912345678"


@pytest.mark.parametrize("typed", ["", "12345", "0912 345 67", "09123456789", "+1 202 555 0100", "abc", "0112345678"])
def test_wrong_phone_numbers_are_refused(typed):
    with pytest.raises(ValueError):
        normalize_phone(typed)


def test_phone_is_shown_the_way_people_read_it():
    assert display_phone("+84912345678") == "0912 345 678"


def test_vnd_is_formatted_with_dots_and_dong_sign():
    assert format_vnd(120000) == "120.000 ₫"
    assert format_vnd(0) == "0 ₫"
    assert format_vnd(1250000) == "1.250.000 ₫"
    assert parse_vnd("45.000") == 45000 and parse_vnd("45,000 ₫") == 45000 and parse_vnd("45000") == 45000
    with pytest.raises(ValueError):
        parse_vnd("bốn lăm nghìn")


def test_line_total_is_exact_for_weights():
    assert line_total(45000, 1500) == 67500  # 1,5 kg at 45.000 ₫/kg
    assert line_total(33333, 500) == 16667  # rounded half up to whole đồng


def test_folding_handles_case_nfd_and_d_stroke():
    decomposed = unicodedata.normalize("NFD", "Vải thiều")
    assert fold("VẢI THIỀU") == fold(decomposed) == fold("vai thieu") == "vai thieu"
    assert fold("Đặc sản đồng bằng") == "dac san dong bang"
    assert nfc(decomposed) == "Vải thiều"
    assert slugify("Mật ong hoa vải Lục Ngạn!") == "mat-ong-hoa-vai-luc-ngan"
    assert ascii_upper("Nguyễn Văn Đức") == "NGUYEN VAN DUC"


def test_quantities_are_exact_thousandths():
    assert parse_quantity("1,5") == 1500 == parse_quantity("1.5")
    assert format_quantity(1500) == "1,5" and format_quantity(3000) == "3" and format_quantity(250) == "0,25"
    for bad in ("abc", "1.2345", "nan", "inf"):
        with pytest.raises(ValueError):
            parse_quantity(bad)
    kg, jar = UNITS["kg"], UNITS["hu"]
    assert quantity_error(kg, 1500, 500, 1000) is None
    assert quantity_error(kg, 1200, 500, 1000) is not None  # off the 0,5 kg step
    assert quantity_error(kg, 500, 500, 1000) is not None  # below the 1 kg minimum
    assert quantity_error(jar, 1500, 1000, 1000) is not None  # half a jar
    assert quantity_error(jar, 2000, 1000, 1000) is None


def test_codes_carry_a_check_character():
    code = codes.new_code("CX")
    assert codes.is_valid_code(code, "CX") and codes.is_valid_code(code.lower(), "CX")
    body = code[2:-1]
    swapped = body[1] + body[0] + body[2:]
    if swapped != body:
        assert not codes.is_valid_code("CX" + swapped + code[-1], "CX")
    for i, ch in enumerate(body):
        other = "1" if ch != "1" else "2"
        assert not codes.is_valid_code("CX" + body[:i] + other + body[i + 1:] + code[-1], "CX")
    assert not all(ch in code for ch in "ILOU")


def test_cccd_numbers():
    assert is_valid_cccd("024090001234")  # Bắc Giang (024)
    assert not is_valid_cccd("02409000123")  # 11 digits
    assert not is_valid_cccd("999090001234")  # no such province code
    assert not is_valid_cccd("02409000123a")


def test_2025_administrative_units():
    names = dict(address.provinces())
    assert len(names) == 34 and names[24] == "Bắc Ninh"
    assert "Xã Phúc Hòa" in dict(address.wards(24)).values()
    phuc_hoa = next(code for code, name in address.wards(24) if name == "Xã Phúc Hòa")
    assert address.ward_in_province(phuc_hoa, 24) and not address.ward_in_province(phuc_hoa, 1)
    assert address.ward(999999) is None and address.wards(999) == []
