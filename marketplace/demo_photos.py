"""Product and stall pictures for the demo, drawn with Pillow: a tinted background, a simple
shape that suggests the product (a lychee cluster, a honey bottle, a clay pot...) and its name.

Drawing is seeded by the product name, so every run draws the same picture.
"""
import io
import math
import random
import zlib
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 600  # 4:3, the shape of a product card
BAND = 128  # the caption band at the bottom

# colour family -> (main, dark, background)
PALETTE = {
    "red": ((206, 44, 58), (128, 24, 34), (253, 232, 228)),
    "green": ((86, 160, 62), (44, 98, 36), (232, 245, 222)),
    "yellow": ((242, 196, 40), (176, 132, 16), (255, 246, 214)),
    "amber": ((222, 140, 30), (146, 84, 14), (255, 236, 212)),
    "brown": ((140, 88, 52), (84, 50, 28), (244, 232, 218)),
    "cream": ((240, 226, 190), (168, 146, 96), (250, 246, 236)),
    "pink": ((226, 104, 140), (150, 52, 84), (253, 234, 240)),
}
LEAF, LEAF_DARK = (74, 150, 60), (38, 96, 34)
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


def product_photo(name: str, shape: str, color: str) -> io.BytesIO:
    """A JPEG of the product as an upload stream, ready for catalog.services.create_product."""
    rng = random.Random(zlib.crc32(name.encode("utf-8")))
    main, dark, background = PALETTE.get(color, PALETTE["green"])
    image = _background(background, rng)
    draw = ImageDraw.Draw(image)
    cx, cy = WIDTH // 2 + rng.randint(-30, 30), (HEIGHT - BAND) // 2 + 10
    SHAPES.get(shape, _round)(draw, rng, cx, cy, main, dark)
    _caption(draw, name)
    return _jpeg(image)


def cover_photo(name: str, color: str) -> io.BytesIO:
    """A wide stall cover: rolling hills of the orchard in the stall's colours."""
    rng = random.Random(zlib.crc32(("cover " + name).encode("utf-8")))
    main = PALETTE.get(color, PALETTE["green"])[0]
    image = Image.new("RGB", (1200, 400), (200, 228, 246))
    draw = ImageDraw.Draw(image)
    for band, shade in enumerate(((150, 200, 120), (110, 170, 90), (80, 140, 70))):
        y = 200 + band * 60
        points = [(x, y + int(30 * rng.random())) for x in range(0, 1260, 60)]
        draw.polygon([(0, 400)] + points + [(1200, 400)], fill=shade)
    for _ in range(14):
        x, y = rng.randint(20, 1180), rng.randint(250, 380)
        draw.ellipse((x - 28, y - 40, x + 28, y + 10), fill=LEAF_DARK)
        for _ in range(4):
            fx, fy = x + rng.randint(-18, 18), y + rng.randint(-30, 0)
            draw.ellipse((fx - 5, fy - 5, fx + 5, fy + 5), fill=main)
    draw.ellipse((1020, 40, 1100, 120), fill=(255, 220, 120))
    return _jpeg(image)


# ---- shapes ----------------------------------------------------------------------------------

def _round(draw, rng, cx, cy, main, dark):
    r = 150
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=main, outline=dark, width=6)
    draw.ellipse((cx - r // 2 - 30, cy - r // 2 - 20, cx - r // 2 + 30, cy - r // 2 + 10), fill=_lighten(main))
    draw.line((cx, cy - r, cx + 10, cy - r - 40), fill=LEAF_DARK, width=10)
    _leaf(draw, cx + 10, cy - r - 40, 1)


def _cluster(draw, rng, cx, cy, main, dark):
    draw.line((cx, cy - 190, cx, cy - 90), fill=LEAF_DARK, width=8)
    _leaf(draw, cx, cy - 170, -1)
    _leaf(draw, cx, cy - 150, 1)
    for row, count in enumerate((2, 3, 4, 3)):
        for i in range(count):
            x = cx + (i - (count - 1) / 2) * 78 + rng.randint(-8, 8)
            y = cy - 70 + row * 66 + rng.randint(-6, 6)
            draw.line((cx, cy - 90, x, y), fill=LEAF_DARK, width=3)
    for row, count in enumerate((2, 3, 4, 3)):
        for i in range(count):
            x = cx + (i - (count - 1) / 2) * 78 + rng.randint(-8, 8)
            y = cy - 70 + row * 66 + rng.randint(-6, 6)
            draw.ellipse((x - 38, y - 38, x + 38, y + 38), fill=main, outline=dark, width=4)
            for _ in range(6):  # the bumpy skin of lychee and rambutan
                dx, dy = rng.randint(-24, 24), rng.randint(-24, 24)
                draw.ellipse((x + dx - 3, y + dy - 3, x + dx + 3, y + dy + 3), fill=dark)


def _bottle(draw, rng, cx, cy, main, dark):
    draw.rounded_rectangle((cx - 80, cy - 90, cx + 80, cy + 180), radius=40, fill=main, outline=dark, width=6)
    draw.rectangle((cx - 30, cy - 170, cx + 30, cy - 88), fill=main, outline=dark, width=6)
    draw.rectangle((cx - 36, cy - 200, cx + 36, cy - 168), fill=dark)
    draw.rectangle((cx - 80, cy + 10, cx + 80, cy + 100), fill=(255, 255, 255), outline=dark, width=4)
    _leaf(draw, cx - 10, cy + 55, 1, size=34)


def _jar(draw, rng, cx, cy, main, dark):
    draw.rounded_rectangle((cx - 130, cy - 110, cx + 130, cy + 170), radius=50, fill=main, outline=dark, width=6)
    draw.rounded_rectangle((cx - 110, cy - 160, cx + 110, cy - 108), radius=12, fill=dark)
    draw.rounded_rectangle((cx - 100, cy - 10, cx + 100, cy + 90), radius=14, fill=(255, 255, 255))
    draw.ellipse((cx - 26, cy + 14, cx + 26, cy + 66), fill=main)


def _box(draw, rng, cx, cy, main, dark):
    draw.rectangle((cx - 170, cy - 90, cx + 170, cy + 170), fill=main, outline=dark, width=6)
    draw.rectangle((cx - 185, cy - 140, cx + 185, cy - 86), fill=_lighten(main), outline=dark, width=6)
    draw.rectangle((cx - 18, cy - 140, cx + 18, cy + 170), fill=(255, 255, 255))
    draw.ellipse((cx - 70, cy - 190, cx - 4, cy - 136), outline=(255, 255, 255), width=14)
    draw.ellipse((cx + 4, cy - 190, cx + 70, cy - 136), outline=(255, 255, 255), width=14)


def _packet(draw, rng, cx, cy, main, dark):
    top = [(cx - 150 + i * 30, cy - 170 + (12 if i % 2 else 0)) for i in range(11)]
    draw.polygon(top + [(cx + 170, cy + 180), (cx - 170, cy + 180)], fill=main, outline=dark)
    draw.line((cx - 150, cy - 130, cx + 150, cy - 130), fill=dark, width=4)
    draw.ellipse((cx - 80, cy - 60, cx + 80, cy + 100), fill=(255, 255, 255), outline=dark, width=4)
    for _ in range(12):
        x, y = cx + rng.randint(-50, 50), cy + 20 + rng.randint(-50, 50)
        draw.ellipse((x - 10, y - 6, x + 10, y + 6), fill=dark)


def _pot(draw, rng, cx, cy, main, dark):  # a clay niêu looks the same whatever is inside
    clay = (150, 82, 48)
    draw.ellipse((cx - 190, cy - 70, cx + 190, cy + 190), fill=clay, outline=(90, 46, 24), width=6)
    draw.ellipse((cx - 160, cy - 110, cx + 160, cy - 30), fill=(122, 62, 34), outline=(90, 46, 24), width=6)
    draw.ellipse((cx - 30, cy - 150, cx + 30, cy - 100), fill=(90, 46, 24))
    for i in range(3):  # steam
        x = cx - 70 + i * 70
        draw.arc((x - 20, cy - 230, x + 20, cy - 160), 90, 270, fill=(170, 170, 170), width=6)


def _plant(draw, rng, cx, cy, main, dark):
    draw.polygon([(cx - 110, cy + 60), (cx + 110, cy + 60), (cx + 80, cy + 190), (cx - 80, cy + 190)],
                 fill=(176, 96, 60), outline=(110, 56, 32))
    draw.line((cx, cy + 60, cx, cy - 160), fill=LEAF_DARK, width=12)
    for i in range(6):
        y = cy + 20 - i * 34
        _leaf(draw, cx, y, 1 if i % 2 else -1, size=70 - i * 4)
    if main != PALETTE["green"][0]:
        for _ in range(5):
            x, y = cx + rng.randint(-90, 90), cy - rng.randint(40, 170)
            draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=main, outline=dark, width=3)


def _fish(draw, rng, cx, cy, main, dark):
    draw.polygon([(cx + 150, cy), (cx + 250, cy - 80), (cx + 250, cy + 80)], fill=dark)
    draw.ellipse((cx - 230, cy - 70, cx + 170, cy + 70), fill=main, outline=dark, width=6)
    draw.ellipse((cx - 180, cy - 20, cx - 150, cy + 10), fill=(255, 255, 255))
    draw.ellipse((cx - 172, cy - 12, cx - 158, cy + 2), fill=(30, 30, 30))
    for i in range(4):
        draw.arc((cx - 80 + i * 50, cy - 40, cx - 20 + i * 50, cy + 40), 300, 60, fill=dark, width=4)


def _banana(draw, rng, cx, cy, main, dark):
    for i in range(4):
        off = i * 34 - 50
        draw.arc((cx - 220, cy - 260 + off, cx + 220, cy + 120 + off), 25, 155, fill=dark, width=46)
        draw.arc((cx - 216, cy - 256 + off, cx + 216, cy + 116 + off), 27, 153, fill=main, width=36)
    draw.rectangle((cx - 20, cy - 170, cx + 20, cy - 100), fill=LEAF_DARK)


def _grain(draw, rng, cx, cy, main, dark):
    draw.rounded_rectangle((cx - 150, cy - 120, cx + 150, cy + 180), radius=40, fill=(222, 200, 160), outline=(140, 110, 70), width=6)
    draw.polygon([(cx - 120, cy - 120), (cx, cy - 190), (cx + 120, cy - 120)], fill=(222, 200, 160), outline=(140, 110, 70))
    for _ in range(60):
        x, y = cx + rng.randint(-120, 120), cy + rng.randint(-80, 150)
        draw.ellipse((x - 10, y - 5, x + 10, y + 5), fill=main, outline=dark)


def _coconut(draw, rng, cx, cy, main, dark):
    draw.ellipse((cx - 160, cy - 140, cx + 160, cy + 180), fill=main, outline=dark, width=6)
    draw.polygon([(cx - 60, cy - 130), (cx, cy - 190), (cx + 60, cy - 130)], fill=_lighten(main), outline=dark)
    draw.ellipse((cx - 60, cy - 40, cx + 60, cy + 80), fill=(250, 250, 240), outline=dark, width=4)


def _durian(draw, rng, cx, cy, main, dark):
    r = 160
    for i in range(36):
        a = i * math.pi / 18
        x, y = cx + math.cos(a) * r, cy + math.sin(a) * r
        draw.polygon([(x, y), (cx + math.cos(a - 0.08) * (r - 20), cy + math.sin(a - 0.08) * (r - 20)),
                      (cx + math.cos(a + 0.08) * (r - 20), cy + math.sin(a + 0.08) * (r - 20))], fill=dark)
    draw.ellipse((cx - r + 12, cy - r + 12, cx + r - 12, cy + r - 12), fill=main, outline=dark, width=5)
    for _ in range(40):
        x, y = cx + rng.randint(-120, 120), cy + rng.randint(-120, 120)
        draw.polygon([(x, y - 8), (x - 7, y + 6), (x + 7, y + 6)], fill=dark)
    draw.rectangle((cx - 10, cy - r - 40, cx + 10, cy - r + 10), fill=LEAF_DARK)


SHAPES = {
    "round": _round, "cluster": _cluster, "bottle": _bottle, "jar": _jar, "box": _box, "packet": _packet,
    "pot": _pot, "plant": _plant, "fish": _fish, "banana": _banana, "grain": _grain, "coconut": _coconut,
    "durian": _durian,
}


# ---- background, leaves, caption ---------------------------------------------------------

def _background(color, rng) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), color)
    draw = ImageDraw.Draw(image)
    for _ in range(8):  # soft blots so the pictures don't look like flat swatches
        x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT - BAND), rng.randint(40, 110)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_lighten(color, 0.5))
    return image


def _leaf(draw, x, y, direction, size=60):
    tip = (x + direction * size * 2, y - size // 2)
    draw.polygon([(x, y), (x + direction * size, y - size // 2 - 14), tip, (x + direction * size, y + 10)],
                 fill=LEAF, outline=LEAF_DARK)


def _caption(draw, name: str) -> None:
    draw.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill=(255, 255, 255))
    font = _font(44)
    lines = _wrap(draw, name, font, WIDTH - 60)
    if len(lines) > 1:
        font = _font(36)
        lines = _wrap(draw, name, font, WIDTH - 60)[:2]
    line_height = font.size + 8 if hasattr(font, "size") else 44
    top = HEIGHT - BAND + (BAND - line_height * len(lines)) // 2
    for i, line in enumerate(lines):
        width = draw.textlength(line, font=font)
        draw.text(((WIDTH - width) / 2, top + i * line_height), line, fill=(40, 40, 40), font=font)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + [current] if current else lines


@lru_cache(maxsize=4)
def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _lighten(color, amount=0.35):
    return tuple(int(c + (255 - c) * amount) for c in color)


def _jpeg(image: Image.Image) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    buffer.seek(0)
    return buffer
