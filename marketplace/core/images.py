"""Photo uploads: checked by content, EXIF-rotated, stripped of metadata, resized.

A photo is stored as `<dir>/<key>_<size>.jpg` for each size; originals are not kept,
so GPS and camera data never reach the disk.
"""
import io
import os
import secrets

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ValidationError

# Each size's JPEG qualities, best first, and the most bytes it may take. Thumbnails fill listing
# pages over 3G: each stays within 25 KB however busy the photo (a 320 px square of pure noise,
# the worst a camera can give, fits at quality 20).
SIZES = {320: ((78, 68, 58, 48, 38, 28, 20), 25 * 1024), 1200: ((82,), None)}
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # a 40 MP phone photo; bigger is refused before decoding


def save_photo(stream, directory: str, max_bytes: int, field: str = "photo") -> tuple[str, int, int]:
    """Store a photo in every size; returns (key, width, height) of the large version."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _l("Ảnh quá lớn (tối đa %(mb)s MB).", mb=max_bytes // (1024 * 1024)),
            {field: _l("Ảnh quá lớn (tối đa %(mb)s MB).", mb=max_bytes // (1024 * 1024))},
        )
    image = _open(data, field)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = _flatten(image)
    os.makedirs(directory, exist_ok=True)
    key = secrets.token_hex(12)
    large = (0, 0)
    for size, (qualities, budget) in SIZES.items():
        copy = image.copy()
        copy.thumbnail((size, size), Image.LANCZOS)
        # Saving a fresh RGB image drops EXIF, ICC and XMP: no GPS leaves the phone's photo.
        jpeg = _jpeg(copy.convert("RGB"), qualities, budget)
        with open(os.path.join(directory, f"{key}_{size}.jpg"), "wb") as f:
            f.write(jpeg)
        large = copy.size
    return key, large[0], large[1]


def _jpeg(image: Image.Image, qualities, max_bytes: int | None) -> bytes:
    """The image as a JPEG at the first of `qualities` that fits in `max_bytes`."""
    for quality in qualities:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if max_bytes is None or buffer.tell() <= max_bytes:
            break
    return buffer.getvalue()


def delete_photo(directory: str, key: str) -> None:
    for size in SIZES:
        try:
            os.remove(os.path.join(directory, f"{key}_{size}.jpg"))
        except FileNotFoundError:
            pass


def _open(data: bytes, field: str) -> Image.Image:
    message = _l("Tệp không phải ảnh JPEG, PNG hoặc WebP.")
    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ALLOWED_FORMATS:
            raise ValidationError(message, {field: message})
        if probe.width * probe.height > MAX_PIXELS:
            raise ValidationError(_l("Ảnh có độ phân giải quá lớn."), {field: _l("Ảnh có độ phân giải quá lớn.")})
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
        return image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(message, {field: message})


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent PNG/WebP onto white, so the JPEG does not turn the background black."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.split()[-1])
    return background
