"""PDF helpers shared by stamp sheets, posters and shipping labels: a Unicode font
(DejaVu Sans, from Debian's fonts-dejavu-core) so Vietnamese renders without tofu boxes."""
import os
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = (
    os.environ.get("PDF_FONT_DIR", ""),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans regular and bold once; returns their reportlab names."""
    for directory in FONT_DIRS:
        regular = os.path.join(directory, "DejaVuSans.ttf")
        bold = os.path.join(directory, "DejaVuSans-Bold.ttf")
        if directory and os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont(REGULAR, regular))
            pdfmetrics.registerFont(TTFont(BOLD, bold))
            return REGULAR, BOLD
    raise RuntimeError(
        "DejaVu Sans not found: install Debian's fonts-dejavu-core or set PDF_FONT_DIR "
        "(Vietnamese text needs a Unicode TrueType font)."
    )
