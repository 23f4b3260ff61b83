"""QR codes with error correction M and the standard 4-module quiet zone: as a PNG, or as
horizontal runs of dark modules for vector drawing (an SVG path in a page, rectangles in a PDF)."""
import io
from functools import lru_cache
from itertools import groupby
from typing import Iterator

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET = 4


def _code(data: str, box_size: int = 8) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=QUIET)
    code.add_data(data)
    code.make(fit=True)
    return code


def png(data: str, box_size: int = 8) -> bytes:
    buffer = io.BytesIO()
    _code(data, box_size).make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def dark_runs(matrix) -> Iterator[tuple[int, int, int]]:
    """(column, row, length) of each horizontal run of dark modules: one filled rectangle each
    keeps a drawn code small and sharp at any resolution."""
    for y, row in enumerate(matrix):
        x = 0
        for dark, modules in groupby(row):
            n = len(list(modules))
            if dark:
                yield x, y, n
            x += n


@lru_cache(maxsize=512)
def svg_path(data: str) -> tuple[int, str]:
    """The code as one SVG path and its side in modules (quiet zone included). Drawn inline, a
    VietQR code arrives with the order page instead of costing a second request over 3G, about
    1 KB compressed. Kept per payload: a buyer waiting for the bank reloads the page, and
    choosing the mask is most of the cost."""
    matrix = _code(data).get_matrix()
    return len(matrix), "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in dark_runs(matrix))
