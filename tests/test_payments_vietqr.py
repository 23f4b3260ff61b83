"""VietQR payloads against the published vector, read back by the test's own EMVCo parser,
as PNG and as the inline SVG through zbar, and the stall poster PDF."""
import binascii
import io
import re

from flask import g
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pyzbar.pyzbar import decode

from marketplace.core import qr
from marketplace.payments import vietqr
from tests.conftest import login

VECTOR = ("00020101021238540010A00000072701240006970422011003383565890208QRIBFTTA53037045406550000"
          "5802VN62180814VINREG1A2BKXYZ6304E16E")


def parse_tlv(text: str) -> dict:
    """Minimal EMVCo TLV reader written for the tests, independent of the generator."""
    fields, i = {}, 0
    while i < len(text):
        tag, length = text[i:i + 2], int(text[i + 2:i + 4])
        fields[tag] = text[i + 4:i + 4 + length]
        i += 4 + length
    assert i == len(text), "trailing bytes"
    return fields


def crc_ok(payload: str) -> bool:
    # binascii.crc_hqx is CRC-CCITT (poly 0x1021, no reflection); starting from 0xFFFF it is CCITT-FALSE.
    body, crc = payload[:-4], payload[-4:]
    return body.endswith("6304") and f"{binascii.crc_hqx(body.encode('ascii'), 0xFFFF):04X}" == crc


def test_published_vector_exactly():
    assert vietqr.payload("970422", "0338356589", 550000, "VINREG1A2BKXYZ") == VECTOR
    assert crc_ok(VECTOR)


def test_independent_parser_reads_every_field():
    payload = vietqr.payload("970405", "1500205123456", 187500, "CX7K2M9QD")
    fields = parse_tlv(payload)
    assert crc_ok(payload)
    assert fields["00"] == "01" and fields["01"] == "12"
    merchant = parse_tlv(fields["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert parse_tlv(merchant["01"]) == {"00": "970405", "01": "1500205123456"}
    assert fields["53"] == "704" and fields["54"] == "187500" and fields["58"] == "VN"
    assert parse_tlv(fields["62"]) == {"08": "CX7K2M9QD"}


def test_static_payload_has_no_amount_and_purpose_is_ascii():
    fields = parse_tlv(vietqr.payload("970405", "123456789"))
    assert fields["01"] == "11" and "54" not in fields and "62" not in fields
    purpose = parse_tlv(parse_tlv(vietqr.payload("970405", "1", 1000, "Trả tiền Vải thiều!"))["62"])["08"]
    assert purpose == "TRA TIEN VAI THIEU"


def test_png_decodes_to_the_exact_payload():
    image = Image.open(io.BytesIO(qr.png(VECTOR)))
    assert [d.data.decode() for d in decode(image)] == [VECTOR]


def test_inline_svg_path_draws_a_code_that_decodes_to_the_exact_payload():
    side, path = qr.svg_path(VECTOR)
    scale = 8
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):  # one run of dark modules each
        x, y, n = int(x), int(y), int(n)
        draw.rectangle([x * scale, y * scale, (x + n) * scale - 1, (y + 1) * scale - 1], fill=0)
    assert len(re.findall(r"M", path)) == len(re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path))
    assert [d.data.decode() for d in decode(image)] == [VECTOR]


def test_changed_digit_breaks_crc():
    assert not crc_ok(VECTOR.replace("550000", "560000"))


def test_stall_poster_pdf(client, make):
    stall = make.stall()
    login(client, stall.owner)
    r = client.get("/gian-hang-cua-toi/poster-vietqr.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 420 and round(float(page.mediabox.height)) == 595  # A5
    text = page.extract_text()
    assert "1500205123456" in text and "NGUYEN VAN TIEP" in text and "Agribank" in text
    assert stall.name in text  # Vietnamese letters survive (DejaVu embedded)


def test_poster_needs_a_stall(client, make):
    assert client.get("/gian-hang-cua-toi/poster-vietqr.pdf").status_code == 302  # to login
    g.pop("_login_user", None)  # requests share the test's app context, and with it flask.g
    login(client, make.user())
    assert client.get("/gian-hang-cua-toi/poster-vietqr.pdf").status_code in (403, 404)


def test_poster_qr_codes_scan(client, make, tmp_path):
    """Rendered like a printer would, the poster's big QR is the stall's static VietQR and the small
    one its page."""
    import subprocess

    stall = make.stall()
    login(client, stall.owner)
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(client.get("/gian-hang-cua-toi/poster-vietqr.pdf").data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    found = {d.data.decode() for d in decode(Image.open(tmp_path / "page.png"))}
    static = vietqr.payload(stall.bank_bin, stall.bank_account)
    assert static in found and parse_tlv(static)["01"] == "11"
    assert any(stall.slug in value for value in found - {static})
