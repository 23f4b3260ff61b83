"""Postal shipping labels as PDF: 100×150 mm thermal, A6, or A4 with four labels per page.

Each label carries what a post office counter needs: sender, receiver (commune/ward and
province large), codes, weight, the COD amount in large type, the inspection rule, content,
a Code 128 barcode of the tracking number and a QR to the public tracking page. Both codes are
vector drawings, sharp on any printer. A packing slip (items, quantities, batch codes with a QR
to their origin) may follow each label, in the same format.
"""
import io
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from ..catalog.units import format_quantity
from ..core.money import format_vnd
from ..core.pdf import register_fonts

FORMATS = {
    # name: (page size, label size, labels per page as (columns, rows))
    "100x150": ((100 * mm, 150 * mm), (100 * mm, 150 * mm), (1, 1)),
    "a6": ((105 * mm, 148 * mm), (105 * mm, 148 * mm), (1, 1)),
    "a4x4": (A4, (A4[0] / 2, A4[1] / 2), (2, 2)),
}


@dataclass
class Party:
    name: str
    phone: str
    address_line: str
    commune: str
    province: str
    extra: str = ""  # sender: household name; receiver: postal code


@dataclass
class Label:
    carrier: str
    service: str
    sender: Party
    receiver: Party
    order_code: str
    stall_order_code: str
    weight_grams: int
    cod_amount: int
    allow_inspection: bool
    content: str
    barcode_value: str
    tracking_url: str
    note: str = ""


@dataclass
class SlipLine:
    name: str
    quantity: str  # "2,5 kg"
    batch_code: str = ""
    trace_url: str = ""


@dataclass
class PackingSlip:
    order_code: str
    stall_order_code: str
    stall_name: str
    receiver_name: str
    lines: list[SlipLine]


def render(labels: list[Label], fmt: str = "100x150", slips: list[PackingSlip] | None = None) -> bytes:
    """One PDF with every label, in the chosen format; with `slips` (one per label), each label
    is followed by its packing slip."""
    if slips:
        labels = [page for pair in zip(labels, slips) for page in pair]
    page_size, (width, height), (cols, rows) = FORMATS[fmt]
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=page_size, pageCompression=1)
    pdf.setTitle("Nhãn gửi hàng")
    per_page = cols * rows
    for index, label in enumerate(labels):
        slot = index % per_page
        if index and slot == 0:
            pdf.showPage()
        col, row = slot % cols, slot // cols
        x, y = col * width, page_size[1] - (row + 1) * height
        draw = _draw_slip if isinstance(label, PackingSlip) else _draw
        draw(pdf, label, x, y, width, height, regular, bold)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw(pdf, label: Label, x, y, width, height, regular, bold):
    margin = 4 * mm
    left, right, top = x + margin, x + width - margin, y + height - margin
    inner = right - left
    pdf.setLineWidth(0.6)
    pdf.rect(x + 1.5 * mm, y + 1.5 * mm, width - 3 * mm, height - 3 * mm)

    qr_size = 22 * mm
    _qr(pdf, label.tracking_url, right - qr_size, top - qr_size, qr_size)
    cursor = top - 4 * mm
    pdf.setFont(bold, 12)
    pdf.drawString(left, cursor, label.carrier)
    cursor -= 5 * mm
    pdf.setFont(regular, 8)
    pdf.drawString(left, cursor, label.service)
    cursor -= 4 * mm
    pdf.drawString(left, cursor, f"Đơn {label.order_code} · {label.stall_order_code}")
    cursor -= 4 * mm
    pdf.drawString(left, cursor, f"Khối lượng: {format_quantity(label.weight_grams)} kg")  # grams are milli-kg
    cursor = min(cursor, top - qr_size) - 5 * mm

    cursor = _party(pdf, "NGƯỜI GỬI", label.sender, left, cursor, inner, regular, bold, large=False)
    pdf.line(left, cursor + 1.5 * mm, right, cursor + 1.5 * mm)
    cursor = _party(pdf, "NGƯỜI NHẬN", label.receiver, left, cursor - 2 * mm, inner, regular, bold, large=True)

    cursor -= 2 * mm
    box = 13 * mm
    pdf.rect(left, cursor - box, inner, box)
    if label.cod_amount > 0:
        pdf.setFont(regular, 8)
        pdf.drawString(left + 2 * mm, cursor - 4 * mm, "THU HỘ (COD)")
        pdf.setFont(bold, 18)
        pdf.drawRightString(right - 2 * mm, cursor - 10 * mm, format_vnd(label.cod_amount))
    else:
        pdf.setFont(bold, 14)
        pdf.drawString(left + 2 * mm, cursor - 8.5 * mm, "Không thu tiền")
    cursor -= box + 5 * mm
    pdf.setFont(bold, 10)
    pdf.drawString(left, cursor, "Cho xem hàng" if label.allow_inspection else "Không cho xem hàng")
    cursor -= 4.5 * mm
    pdf.setFont(regular, 8)
    for line in simpleSplit(f"Nội dung: {label.content}", regular, 8, inner)[:3]:
        pdf.drawString(left, cursor, line)
        cursor -= 3.6 * mm
    if label.note:
        for line in simpleSplit(f"Ghi chú: {label.note}", regular, 8, inner)[:2]:
            pdf.drawString(left, cursor, line)
            cursor -= 3.6 * mm

    _barcode(pdf, label.barcode_value, left, y + margin, inner, regular)


def _draw_slip(pdf, slip: PackingSlip, x, y, width, height, regular, bold):
    margin = 4 * mm
    left, right, cursor = x + margin, x + width - margin, y + height - margin - 5 * mm
    pdf.setLineWidth(0.6)
    pdf.rect(x + 1.5 * mm, y + 1.5 * mm, width - 3 * mm, height - 3 * mm)
    pdf.setFont(bold, 12)
    pdf.drawString(left, cursor, "PHIẾU ĐÓNG GÓI")
    cursor -= 5 * mm
    pdf.setFont(regular, 8)
    pdf.drawString(left, cursor, f"Đơn {slip.order_code} · {slip.stall_order_code}")
    cursor -= 4 * mm
    pdf.drawString(left, cursor, f"{slip.stall_name} → {slip.receiver_name}"[:90])
    cursor -= 3 * mm
    pdf.line(left, cursor, right, cursor)
    qr_size = 16 * mm
    for index, line in enumerate(slip.lines):
        row = qr_size + 2 * mm if line.trace_url else 9 * mm
        if cursor - row < y + margin + 5 * mm:
            pdf.setFont(regular, 8)
            pdf.drawString(left, cursor - 5 * mm, f"… và {len(slip.lines) - index} mặt hàng khác")
            break
        text_width = right - left - (qr_size + 2 * mm if line.trace_url else 0)
        pdf.setFont(bold, 9)
        pdf.drawString(left, cursor - 4.5 * mm, simpleSplit(line.name, bold, 9, text_width)[0])
        pdf.setFont(regular, 9)
        pdf.drawString(left, cursor - 9 * mm, f"Số lượng: {line.quantity}")
        if line.batch_code:
            pdf.drawString(left, cursor - 13 * mm, f"Lô: {line.batch_code}")
        if line.trace_url:
            _qr(pdf, line.trace_url, right - qr_size, cursor - qr_size - 1 * mm, qr_size)
        cursor -= row
        pdf.line(left, cursor, right, cursor)


def _party(pdf, title, party: Party, left, cursor, width, regular, bold, large: bool):
    pdf.setFont(regular, 7)
    pdf.drawString(left, cursor, title)
    cursor -= 4.5 * mm if large else 3.8 * mm
    name_size = 12 if large else 9
    pdf.setFont(bold, name_size)
    pdf.drawString(left, cursor, f"{party.name} · {party.phone}"[:80])
    cursor -= (name_size * 0.5) * mm
    pdf.setFont(regular, 8.5 if large else 7.5)
    lines = ([party.extra] if party.extra and not large else []) + simpleSplit(party.address_line, regular, 8.5, width)[:2]
    for line in lines:
        pdf.drawString(left, cursor, line)
        cursor -= 3.8 * mm
    size = 12 if large else 8
    pdf.setFont(bold, size)
    for line in simpleSplit(f"{party.commune}, {party.province}", bold, size, width)[:2]:
        pdf.drawString(left, cursor, line)
        cursor -= (size * 0.45) * mm
    if large and party.extra:
        pdf.setFont(bold, 10)
        pdf.drawString(left, cursor, f"Mã bưu chính: {party.extra}")
        cursor -= 4.5 * mm
    return cursor - 1.5 * mm


def _qr(pdf, data: str, x, y, size):
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def _barcode(pdf, value: str, left, bottom, width, regular):
    bar_height = 14 * mm
    barcode = code128.Code128(value, barHeight=bar_height, barWidth=0.42 * mm, quiet=True, lquiet=6 * mm, rquiet=6 * mm)
    if barcode.width > width:  # long carrier numbers: narrow the bars to fit the label
        barcode = code128.Code128(value, barHeight=bar_height, barWidth=0.42 * mm * width / barcode.width,
                                  quiet=True, lquiet=4 * mm, rquiet=4 * mm)
    barcode.drawOn(pdf, left + (width - barcode.width) / 2, bottom + 5 * mm)
    pdf.setFont(regular, 10)
    pdf.drawCentredString(left + width / 2, bottom + 1 * mm, value)
