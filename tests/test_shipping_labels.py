"""Label PDFs: the barcode scans to the exact tracking number and the text is real Vietnamese."""
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from marketplace.shipping.labels import FORMATS, Label, Party, render

needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")


def make_label(number="EL491610889VN", cod=350_000, **over):
    values = dict(
        carrier="Bưu điện Việt Nam (VNPost)", service="Chuyển phát nhanh",
        sender=Party("Vườn vải nhà Tiệp", "0912 345 678", "Thôn Đồng", "Xã Phúc Hòa", "Bắc Ninh", "Hộ Ngô Văn Tiệp"),
        receiver=Party("Nguyễn Thị Hương", "0987 654 321", "Số 12 ngõ 34 phố Láng", "Phường Láng", "Thành phố Hà Nội", "100000"),
        order_code="CX7K2M9Q4", stall_order_code="CX7K2M9Q4-1", weight_grams=2500, cod_amount=cod,
        allow_inspection=True, content="Vải thiều 2 kg, mật ong hoa vải 1 chai", barcode_value=number,
        tracking_url="https://choxa.vn/track/" + number,
    )
    values.update(over)
    return Label(**values)


def page_text(pdf_bytes, tmp_path):
    path = tmp_path / "label.pdf"
    path.write_bytes(pdf_bytes)
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_label_text_has_receiver_cod_and_province(tmp_path):
    text = page_text(render([make_label()]), tmp_path)
    assert "Nguyễn Thị Hương" in text
    assert "350.000 ₫" in text
    assert "Thành phố Hà Nội" in text and "Phường Láng" in text
    assert "Cho xem hàng" in text and "EL491610889VN" in text
    assert "Khối lượng: 2,5 kg" in text


def test_no_cod_says_so(tmp_path):
    text = page_text(render([make_label(cod=0, allow_inspection=False)]), tmp_path)
    assert "Không thu tiền" in text and "Không cho xem hàng" in text


@pytest.mark.parametrize("fmt,pages", [("100x150", 5), ("a6", 5), ("a4x4", 2)])
def test_formats_and_batch_printing(fmt, pages, tmp_path):
    pdf = render([make_label() for _ in range(5)], fmt)
    path = tmp_path / "batch.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(str(path))
    assert len(reader.pages) == pages
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == {"100x150": 100, "a6": 105, "a4x4": 210}[fmt]
    assert set(FORMATS) == {"100x150", "a6", "a4x4"}


@needs_poppler
@pytest.mark.parametrize("number", ["EL491610889VN", "VD3K7M2Q9XH"])
def test_barcode_decodes_to_the_tracking_number(number, tmp_path):
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    (tmp_path / "l.pdf").write_bytes(render([make_label(number=number)], "100x150"))
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(tmp_path / "l.pdf"), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = {(s.type, s.data.decode()) for s in decode(image, symbols=[ZBarSymbol.CODE128, ZBarSymbol.QRCODE])}
    assert ("CODE128", number) in found
    assert ("QRCODE", "https://choxa.vn/track/" + number) in found
