"""The stall's A5 poster for the market stand: its static VietQR (the payer types the amount), a
QR to the stall's page, and bank, account and holder in large type."""
import io

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from ..core import qr
from ..core.pdf import register_fonts
from ..stalls.banks import bank_name
from . import vietqr


def _fit(c, text: str, font: str, size: float, width: float) -> float:
    while size > 8 and c.stringWidth(text, font, size) > width:
        size -= 1
    return size


def stall_poster(stall, stall_url: str) -> bytes:
    """PDF bytes of the poster (A5 portrait)."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    width, height = A5
    c = canvas.Canvas(buffer, pagesize=A5)
    c.setTitle(f"VietQR — {stall.name}")
    margin = 12 * mm
    usable = width - 2 * margin
    y = height - margin - 10 * mm
    size = _fit(c, stall.name, bold, 22, usable)
    c.setFont(bold, size)
    c.drawCentredString(width / 2, y, stall.name)
    y -= 8 * mm
    c.setFont(regular, 12)
    c.drawCentredString(width / 2, y, "Quét mã bằng ứng dụng ngân hàng để thanh toán")
    payload = vietqr.payload(stall.bank_bin, stall.bank_account, None, "")
    qr_size = 82 * mm
    y -= qr_size + 4 * mm
    c.drawImage(ImageReader(io.BytesIO(qr.png(payload, box_size=10))), (width - qr_size) / 2, y, qr_size, qr_size)
    lines = [(bold, 18, bank_name(stall.bank_bin) or stall.bank_bin), (bold, 22, stall.bank_account),
             (regular, 16, stall.bank_holder)]
    for font, font_size, text in lines:
        y -= 10 * mm
        c.setFont(font, _fit(c, text, font, font_size, usable))
        c.drawCentredString(width / 2, y, text)
    small = 26 * mm
    c.drawImage(ImageReader(io.BytesIO(qr.png(stall_url, box_size=4))), margin, margin, small, small)
    c.setFont(regular, 10)
    c.drawString(margin + small + 4 * mm, margin + small / 2 + 2 * mm, "Xem sản phẩm và đặt hàng online:")
    c.drawString(margin + small + 4 * mm, margin + small / 2 - 4 * mm, stall_url[:60])
    c.showPage()
    c.save()
    return buffer.getvalue()
