"""VietQR: the EMVCo merchant-presented QR payload of NAPAS 247 (service QRIBFTTA, transfer to an
account); its image is drawn by core/qr.py.

Fields: 00 format = 01; 01 = 12 (dynamic, amount fixed) or 11 (static, the payer types the
amount); 38 merchant account = GUID A000000727, beneficiary (00 BIN, 01 account), 02 QRIBFTTA;
53 = 704 (VND); 54 amount; 58 = VN; 62/08 purpose; 63 CRC-16/CCITT-FALSE over everything
before it including "6304", as 4 upper-case hex digits."""
import re

from ..core.text import fold

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
_PURPOSE_UNSAFE = re.compile(r"[^A-Za-z0-9 ]")


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def ascii_purpose(text: str, limit: int = 25) -> str:
    """Transfer content banks accept everywhere: ASCII letters, digits and spaces."""
    return _PURPOSE_UNSAFE.sub("", fold(text).upper())[:limit].strip()


def payload(bank_bin: str, account: str, amount: int | None = None, purpose: str = "") -> str:
    """The VietQR string; with an amount it is dynamic (01=12), without it static (01=11)."""
    if not re.fullmatch(r"\d{6}", bank_bin or "") or not re.fullmatch(r"[0-9A-Za-z]{1,19}", account or ""):
        raise ValueError("bank BIN must be 6 digits and the account 1-19 letters or digits")
    if amount is not None and (int(amount) != amount or amount <= 0):
        raise ValueError("amount must be a positive whole number of VND")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
    body = _tlv("00", "01") + _tlv("01", "12" if amount else "11") + _tlv("38", merchant) + _tlv("53", "704")
    if amount:
        body += _tlv("54", str(int(amount)))
    body += _tlv("58", "VN")
    purpose = ascii_purpose(purpose) if purpose else ""
    if purpose:
        body += _tlv("62", _tlv("08", purpose))
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"
