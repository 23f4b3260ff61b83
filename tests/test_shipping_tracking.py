"""Tracking numbers a post office would accept."""
import pytest

from marketplace.core import codes
from marketplace.core.errors import ValidationError
from marketplace.shipping.tracking import (
    SHIPMENT_PREFIX, clean_tracking_number, is_valid_s10, new_shipment_code, s10_check_digit,
)


@pytest.mark.parametrize("number", ["EL491610889VN", "RR473124829VN", "EE123456785VN"])
def test_real_format_vnpost_numbers_pass(number):
    assert is_valid_s10(number)
    assert clean_tracking_number("vnpost", number.lower()[:4] + " " + number[4:]) == number


def test_check_digit_edge_cases():
    # 11 - (sum mod 11) == 10 gives 0 and == 11 gives 5 (UPU S10).
    assert s10_check_digit("00000000") == 5  # sum 0 -> 11 -> 5
    assert s10_check_digit("00000001") == 4  # 7 -> 11-7
    serial_giving_ten = next(f"{n:08d}" for n in range(10**6) if 11 - sum(int(d) * w for d, w in zip(f"{n:08d}", (8, 6, 4, 2, 3, 5, 9, 7))) % 11 == 10)
    assert s10_check_digit(serial_giving_ten) == 0
    assert is_valid_s10(f"EL{serial_giving_ten}0VN")


def test_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as err:
        clean_tracking_number("vnpost", "EL491610888VN")
    assert "chữ số kiểm tra" in str(err.value.fields["tracking_number"])
    with pytest.raises(ValidationError):
        clean_tracking_number("vnpost", "EL491610889US")
    with pytest.raises(ValidationError):
        clean_tracking_number("vnpost", "4916108899")


def test_other_carriers_take_alphanumeric_numbers():
    assert clean_tracking_number("ghn", "lbk6-xq 7r") == "LBK6XQ7R"
    with pytest.raises(ValidationError):
        clean_tracking_number("ghtk", "<script>")


def test_internal_codes_are_self_checking():
    code = new_shipment_code()
    assert code.startswith(SHIPMENT_PREFIX) and codes.is_valid_code(code, SHIPMENT_PREFIX)
