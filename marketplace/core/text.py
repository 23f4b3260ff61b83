"""Vietnamese text: NFC on the way in; folding for search and slugs."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# C0 controls (NUL included) except tab and newline: PostgreSQL refuses NUL in text, and the
# others are never meant in a name or a story; pasted text sometimes carries them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def nfc(text: str | None) -> str:
    """Unicode NFC with surrounding whitespace trimmed and inner runs collapsed."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", _CONTROLS.sub("", str(text)))).strip()


def nfc_multiline(text: str | None) -> str:
    """NFC for free text where line breaks matter (descriptions, stories)."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = unicodedata.normalize("NFC", _CONTROLS.sub("", text)).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def fold(text: str | None) -> str:
    """Lower-case and strip Vietnamese diacritics, including đ -> d (which NFD leaves alone)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def slugify(text: str, max_length: int = 80) -> str:
    """'Vải thiều Lục Ngạn' -> 'vai-thieu-luc-ngan'."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "x"


def ascii_upper(text: str) -> str:
    """Bank account holder form: 'Nguyễn Văn Đức' -> 'NGUYEN VAN DUC'."""
    return _SPACES.sub(" ", fold(text)).strip().upper()
