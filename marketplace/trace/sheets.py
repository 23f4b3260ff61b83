"""Printable stamp sheets (PDF, vector QR).

QR modules are drawn as filled rectangles (one per horizontal run) so the code stays sharp at
any printer resolution; each code keeps a 4-module quiet zone inside its label.
"""
import io
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from ..core.pdf import register_fonts
from ..core.qr import QUIET, dark_runs

CALL_TO_ACTION = "Quét để xem nguồn gốc"


@dataclass(frozen=True)
class Layout:
    label: str  # shown in the seller's choice
    page: tuple[float, float]
    cols: int
    rows: int
    width: float  # label size, points
    height: float
    gap_x: float = 0
    gap_y: float = 0
    qr_side: float = 0  # QR incl. quiet zone
    qr_top: bool = False  # QR above the text (narrow roll labels) instead of left of it
    font_size: float = 5

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """Bottom-left corner of the index-th label of a page (labels fill rows, top first)."""
        row, col = divmod(index, self.cols)
        used_w = self.cols * self.width + (self.cols - 1) * self.gap_x
        used_h = self.rows * self.height + (self.rows - 1) * self.gap_y
        left = (self.page[0] - used_w) / 2
        top = (self.page[1] + used_h) / 2
        return left + col * (self.width + self.gap_x), top - (row + 1) * self.height - row * self.gap_y


LAYOUTS = {
    "a4-5x13": Layout("A4 · 5×13 tem 38×21 mm", A4, 5, 13, 38.1 * mm, 21.2 * mm, gap_x=2.5 * mm,
                      qr_side=21 * mm, font_size=5),
    "a4-3x8": Layout("A4 · 3×8 tem 70×37 mm", A4, 3, 8, 70 * mm, 37 * mm, qr_side=36 * mm, font_size=8),
    "roll-40": Layout("Cuộn in nhiệt 40 mm (40×40 mm)", (40 * mm, 40 * mm), 1, 1, 40 * mm, 40 * mm,
                      qr_side=27 * mm, qr_top=True, font_size=6),
}


def qr_matrix(data: str, version: int | None = None, mask: int | None = None) -> list[list[bool]]:
    """Modules of the QR code (error correction M), without quiet zone.

    `version` and `mask` are hints for sheets: scoring all eight masks is ~90% of the cost of
    a code, and codes of one batch share length and alphabet, so the mask that scores best for
    the first code is reused for the rest (any mask is a valid symbol; the score only avoids
    patterns that confuse scanners, and the sheet tests decode every label).
    """
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask)
    code.add_data(data)
    try:
        code.make(fit=version is None)
    except DataOverflowError:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask)
        code.add_data(data)
        code.make(fit=True)
    return code.get_matrix()


def _best_mask(data: str) -> tuple[int, int]:
    """(version, mask) qrcode picks for `data` after scoring every mask."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.version, code.best_mask_pattern()


def _draw_qr(pdf: canvas.Canvas, matrix, x: float, y: float, side: float) -> None:
    """Draw the modules inside a square of `side` points whose border is the quiet zone.

    The square is scaled so one module is one unit: each horizontal run of dark modules is one
    integer `re` operator, which keeps 1,000 codes fast to write and the file small.
    """
    module = side / (len(matrix) + 2 * QUIET)
    ops = [f"{x} {y} {n} 1 re" for x, y, n in dark_runs(matrix)]
    pdf.saveState()
    # Origin at the top-left module, y growing downwards like the matrix rows.
    pdf.transform(module, 0, 0, -module, x + QUIET * module, y + side - QUIET * module)
    # Raw path operators: reportlab's own widgets write to the page stream the same way.
    pdf._code.append(" ".join(ops) + " f")
    pdf.restoreState()


def _wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".") + "…"
    # A single word wider than the column is cut rather than spilling onto the next label.
    return [_fit(item, font, size, width) for item in lines]


def _fit(text: str, font: str, size: float, width: float) -> str:
    while len(text) > 1 and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _draw_text(pdf, layout: Layout, fonts, x: float, top: float, width: float, product: str,
               batch_code: str, serial: int) -> None:
    regular, bold = fonts
    size = layout.font_size
    lead = size * 1.22
    lines = [(bold, line) for line in _wrap(product, bold, size, width, 2)]
    both = f"Lô: {batch_code} · Số: {serial}"
    if pdfmetrics.stringWidth(both, regular, size) <= width:
        lines.append((regular, both))
    else:
        lines += [(regular, _fit(f"Lô: {batch_code}", regular, size, width)), (regular, f"Số: {serial}")]
    lines += [(regular, line) for line in _wrap(CALL_TO_ACTION, regular, size, width, 2)]
    y = top - size
    for font, line in lines:
        pdf.setFont(font, size)
        pdf.drawString(x, y, line)
        y -= lead


def stamp_sheet_pdf(stamps: list[tuple[int, str]], product_name: str, batch_code: str,
                    layout_name: str = "a4-5x13") -> bytes:
    """A PDF of labels, one per (serial, url), in the chosen layout (see LAYOUTS)."""
    layout = LAYOUTS[layout_name]
    fonts = register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=layout.page, pageCompression=1)
    pdf.setTitle(f"Tem truy xuất — {product_name} — lô {batch_code}")
    pad = 1 * mm
    version, mask = _best_mask(stamps[0][1]) if stamps else (None, None)
    for index, (serial, url) in enumerate(stamps):
        slot = index % layout.per_page
        if index and slot == 0:
            pdf.showPage()
        x, y = layout.origin(slot)
        matrix = qr_matrix(url, version, mask)
        side = min(layout.qr_side, layout.height if not layout.qr_top else layout.width)
        if layout.qr_top:
            qx, qy = x + (layout.width - side) / 2, y + layout.height - side
            _draw_qr(pdf, matrix, qx, qy, side)
            _draw_text(pdf, layout, fonts, x + 2 * mm, qy, layout.width - 4 * mm, product_name, batch_code, serial)
        else:
            qy = y + (layout.height - side) / 2
            _draw_qr(pdf, matrix, x, qy, side)
            # The quiet zone already separates text from the modules; no extra gap needed.
            _draw_text(pdf, layout, fonts, x + side, y + layout.height - pad, layout.width - side - pad,
                       product_name, batch_code, serial)
    if not stamps:
        pdf.setFont(fonts[0], 10)
        pdf.drawString(20 * mm, layout.page[1] - 20 * mm, "Lô chưa có tem.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
