"""Label PDFs: the barcode scans to the exact tracking number and the text is real Vietnamese."""
import io
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


def decode_pdf(pdf_bytes, tmp_path):
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    (tmp_path / "s.pdf").write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", str(tmp_path / "s.pdf"), str(tmp_path / "s")],
                   check=True)
    image = Image.open(next(tmp_path.glob("s*.png")))
    return {(s.type, s.data.decode()) for s in decode(image, symbols=[ZBarSymbol.CODE128, ZBarSymbol.QRCODE])}


@needs_poppler
def test_a_shipments_label_scans_to_its_code_then_to_the_carriers_number(client, make, app, tmp_path):
    from marketplace.shipping import services as shipping
    from tests.conftest import login

    so = make.confirmed_order(make.product(price=350_000), name="Trần Văn Đức")
    shipment = make.shipment(so)
    login(client, so.stall.owner)
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    (tmp_path / "a").mkdir()
    found = decode_pdf(client.get(f"/van-don/{shipment.code}/label.pdf").data, tmp_path / "a")
    assert ("CODE128", shipment.code) in found and ("QRCODE", f"{base}/track/{shipment.code}") in found
    shipping.set_tracking_number(so.stall.owner, shipment.code, "EL491610889VN")
    pdf = client.get(f"/van-don/{shipment.code}/label.pdf?format=a4x4").data
    (tmp_path / "b").mkdir()
    found = decode_pdf(pdf, tmp_path / "b")
    assert ("CODE128", "EL491610889VN") in found and ("QRCODE", f"{base}/track/EL491610889VN") in found
    text = page_text(pdf, tmp_path)
    assert "Trần Văn Đức" in text and "350.000 ₫" in text and so.stall.commune.province_name in text
    assert client.get("/track/EL491610889VN").status_code == 200  # where the QR leads


def test_batch_of_100_labels_in_one_pdf(client, make):
    """A day's shipments printed at once (the timing is `make bench-labels`, not a test)."""
    from marketplace.extensions import db
    from marketplace.orders.models import StallOrder
    from marketplace.shipping.models import Shipment
    from marketplace.shipping.services import defaults
    from marketplace.shipping.tracking import new_shipment_code
    from tests.conftest import login

    so = make.confirmed_order()
    codes = []
    for n in range(100):  # rows straight in: placing 100 orders through checkout is not what is tested
        copy = StallOrder(order_id=so.order_id, stall_id=so.stall_id, code=f"CXT{n:05d}", payment_method="cod",
                          status="confirmed", subtotal=so.subtotal, shipping_fee=0, total=so.total)
        db.session.add(copy)
        db.session.flush()
        shipment = Shipment(stall_order_id=copy.id, stall_id=so.stall_id, code=new_shipment_code(), **defaults(so))
        db.session.add(shipment)
        codes.append(shipment.code)
    db.session.commit()
    login(client, so.stall.owner)
    r = client.get("/gian-hang-cua-toi/van-don/in-nhan?" + "&".join(f"code={c}" for c in codes))
    assert r.status_code == 200
    assert len(PdfReader(io.BytesIO(r.data)).pages) == 100


@needs_poppler
def test_packing_slip_lists_items_with_their_batch_and_its_qr(client, make, app, tmp_path):
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    from marketplace.orders import fulfilment
    from tests.conftest import login

    lychee = make.product(name="Vải thiều Phúc Hòa")
    batch = make.batch(lychee, code="VT-2606-A")
    honey = make.product(stall_obj=lychee.stall, name="Mật ong hoa vải", unit="hu")  # no batch yet
    so = make.order(make.user(), [(lychee, 2500), (honey, 1000)], methods={lychee.stall_id: "cod"}).stall_orders[0]
    fulfilment.seller_action(lychee.stall.owner, so.code, "confirm")
    shipment = make.shipment(so)
    login(client, lychee.stall.owner)
    pdf = client.get(f"/van-don/{shipment.code}/label.pdf?slip=1").data
    (tmp_path / "p.pdf").write_bytes(pdf)
    reader = PdfReader(str(tmp_path / "p.pdf"))
    assert len(reader.pages) == 2
    slip = reader.pages[1].extract_text()
    assert "PHIẾU ĐÓNG GÓI" in slip and "Vải thiều Phúc Hòa" in slip and "Số lượng: 2,5 kg" in slip
    assert "Lô: VT-2606-A" in slip and "Mật ong hoa vải" in slip
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "2", "-l", "2", str(tmp_path / "p.pdf"), str(tmp_path / "slip")],
                   check=True)
    found = {s.data.decode() for s in decode(Image.open(next(tmp_path.glob("slip*.png"))), symbols=[ZBarSymbol.QRCODE])}
    assert found == {f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/san-pham/{lychee.id}-{lychee.slug}"}
    assert batch.product_id == lychee.id
    r = client.get(f"/gian-hang-cua-toi/van-don/in-nhan?code={shipment.code}&format=a4x4&slip=1")
    assert len(PdfReader(io.BytesIO(r.data)).pages) == 1  # label and slip side by side
