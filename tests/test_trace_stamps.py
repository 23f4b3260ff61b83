"""Origin stamps: signed codes, real QR decoding (PNG and PDF), genuine / not genuine pages, GS1 links."""
import io
import shutil
import subprocess
import pytest
import qrcode
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode
from qrcode.constants import ERROR_CORRECT_M

from marketplace.core.codes import ALPHABET
from marketplace.trace import codes, sheets
from marketplace.trace import services as trace
from tests.conftest import login

NOT_GENUINE = "Tem KHÔNG chính hãng"
GENUINE = "Tem chính hãng"


def _path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_code_roundtrip_and_every_single_character_change_is_refused():
    key = codes.derive_key("secret")
    for stamp_id in (1, 31, 32, 1023, 1024, 987_654_321):
        code = codes.make_code(key, stamp_id)
        assert codes.parse_code(key, code) == stamp_id
        assert codes.parse_code(key, code.lower()) == stamp_id
        for i, ch in enumerate(code):
            for other in ALPHABET:
                if other != ch:
                    assert codes.parse_code(key, code[:i] + other + code[i + 1:]) is None
    assert codes.parse_code(codes.derive_key("another install"), codes.make_code(key, 5)) is None
    assert codes.parse_code(key, "0" + codes.make_code(key, 5)) is None  # no second spelling
    for junk in ("", "abc", "é" * 12, "1" * 40, "../../etc/passwd"):
        assert codes.parse_code(key, junk) is None


def test_stamp_url_fits_qr_version_4_at_level_m():
    key = codes.derive_key("secret")
    for stamp_id in (1, 10**6, 10**9, 2**31 - 1):
        url = f"https://choxa.vn/t/{codes.make_code(key, stamp_id)}"
        qr = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_M)
        qr.add_data(url)
        qr.make(fit=True)
        assert qr.version <= 4, (url, qr.version)


def test_png_stamp_decodes_to_a_genuine_page(client, make):
    batch = make.batch(stamps=3)
    login(client, batch.stall.owner)
    png = client.get(f"/gian-hang-cua-toi/lo/{batch.id}/tem/2.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    found = decode(Image.open(io.BytesIO(png.data)))
    assert len(found) == 1
    url = found[0].data.decode()
    assert url.startswith("http://localhost/t/")
    anonymous = client.application.test_client()
    page = anonymous.get(_path(url))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and GENUINE in text and NOT_GENUINE not in text
    assert "Tem số 2 của lô" in text and batch.code in text


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) not installed")
@pytest.mark.parametrize("layout,count", [("a4-5x13", 65), ("a4-3x8", 24), ("roll-40", 2)])
def test_pdf_sheet_decodes_with_a_real_decoder(client, make, tmp_path, layout, count):
    product = make.product(name="Vải thiều Thanh Hà loại đặc biệt")
    batch = make.batch(product, stamps=count)
    login(client, product.stall.owner)
    r = client.get(f"/gian-hang-cua-toi/lo/{batch.id}/tem.pdf?layout={layout}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert b"DejaVuSans" in r.data  # the Vietnamese-capable font is embedded
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(r.data)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    urls = _decode_labels(sorted(tmp_path.glob("page*.png")), sheets.LAYOUTS[layout], count)
    assert len(urls) == count
    expected = {f"http://localhost/t/{code}" for code in make.stamp_codes(batch).values()}
    assert urls == expected
    page = client.get(_path(sorted(urls)[0]))
    assert GENUINE in page.get_data(as_text=True)


def test_pdf_text_is_vietnamese(client, make):
    pypdf = pytest.importorskip("pypdf")
    product = make.product(name="Mật ong rừng Đắk Lắk")
    batch = make.batch(product, stamps=2)
    login(client, product.stall.owner)
    r = client.get(f"/gian-hang-cua-toi/lo/{batch.id}/tem.pdf?layout=a4-3x8")
    text = " ".join(pypdf.PdfReader(io.BytesIO(r.data)).pages[0].extract_text().split())
    assert "Mật ong rừng" in text and "Quét để xem nguồn gốc" in text and batch.code in text


def _decode_labels(pages, layout, count, dpi=300):
    """Decode each label on its own, as a phone held over one stamp does."""
    scale, urls, images = dpi / 72, set(), {}
    for index in range(count):
        page, slot = divmod(index, layout.per_page)
        image = images.get(page) or images.setdefault(page, Image.open(pages[page]).convert("L"))
        x, y = layout.origin(slot)
        box = (x * scale, (layout.page[1] - y - layout.height) * scale, (x + layout.width) * scale,
               (layout.page[1] - y) * scale)
        found = decode(image.crop(tuple(round(v) for v in box)), symbols=[ZBarSymbol.QRCODE])
        assert len(found) == 1, f"label {index} did not decode"
        urls.add(found[0].data.decode())
    return urls


def test_one_changed_character_shows_a_clear_not_genuine_page(client, make):
    batch = make.batch(stamps=1)
    code = make.stamp_codes(batch)[1]
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    r = client.get(f"/t/{forged}")
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert NOT_GENUINE in text and "trace-fake" in text and batch.code not in text
    assert client.get("/t/%3Cscript%3E").status_code == 200


def test_gs1_link_accepts_only_a_serial_of_that_batch_and_gtin(client, make):
    product = make.product(gtin="08938500000010")
    other_product = make.product(stall_obj=product.stall, name="Nhãn lồng", gtin="08938500000027")
    small = make.batch(product, code="L1", stamps=2)
    big = make.batch(product, code="L2", stamps=5)
    make.batch(other_product, code="L1", stamps=5)
    ok = client.get("/01/08938500000010/10/L2/21/5").get_data(as_text=True)
    assert GENUINE in ok and "lô L2" in ok
    assert NOT_GENUINE in client.get("/01/08938500000010/10/L1/21/5").get_data(as_text=True)  # serial of L2 only
    assert NOT_GENUINE in client.get("/01/08938500000027/10/L2/21/1").get_data(as_text=True)  # other GTIN
    assert NOT_GENUINE in client.get("/01/08938500000011/10/L1/21/1").get_data(as_text=True)  # bad check digit
    assert NOT_GENUINE in client.get("/01/abc/10/L1/21/x").get_data(as_text=True)
    assert GENUINE in client.get("/01/8938500000010/10/l1/21/2").get_data(as_text=True)  # GTIN-13 form
    assert small.id != big.id


def test_a_genuine_code_shows_its_own_batch_not_another(client, make):
    product = make.product()
    first = make.batch(product, code="LO-A", stamps=1)
    second = make.batch(product, code="LO-B", stamps=1)
    page = client.get(f"/t/{make.stamp_codes(second)[1]}").get_data(as_text=True)
    assert "lô LO-B" in page and "LO-A" not in page
    assert first.id


def test_sheet_urls_use_the_public_base_url(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://choxa.vn/")
    batch = make.batch(stamps=1)
    (serial, url), = trace.sheet_stamps(batch)
    assert serial == 1 and url.startswith("https://choxa.vn/t/")
    assert (len(sheets.qr_matrix(url)) - 17) // 4 <= 4
