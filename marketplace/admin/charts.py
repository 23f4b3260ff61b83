"""Bar charts as inline SVG drawn on the server: geometry here, markup in
templates/admin/_chart.html. No styles, only SVG presentation attributes and classes (CSP),
a viewBox so the chart scales to a 360 px phone and to paper."""
from dataclasses import dataclass

WIDTH, HEIGHT = 360, 180
LEFT, BOTTOM, TOP = 4, 28, 16
MAX_LABELS = 8


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: int
    text: str  # the value as shown above the bar
    part: int = 0  # height of the highlighted part (cashless), from the bottom
    title: str = ""  # the tooltip: label and value, always


def bars(items: list[dict], key: str, part_key: str | None = None, fmt=str) -> list[Bar]:
    """One bar per item, scaled to the biggest value; `part_key` highlights a share of each bar."""
    if not items:
        return []
    top = max(item[key] for item in items) or 1
    slot = (WIDTH - LEFT) // len(items)
    width = max(slot - 6, 2)
    usable = HEIGHT - BOTTOM - TOP
    # At most MAX_LABELS captions fit a phone's width; the others stay in each bar's tooltip.
    step = -(-len(items) // MAX_LABELS)
    out = []
    for i, item in enumerate(items):
        height = round(item[key] * usable / top)
        part = round(item[part_key] * usable / top) if part_key else 0
        shown = i % step == 0
        out.append(Bar(x=LEFT + i * slot + 3, y=HEIGHT - BOTTOM - height, width=width, height=height,
                       label=item["label"] if shown else "", value=item[key],
                       text=fmt(item[key]) if shown else "", part=part, title=f"{item['label']}: {fmt(item[key])}"))
    return out


def compact_vnd(value: int) -> str:
    """120000 -> "120k", 3500000 -> "3,5tr": short enough to sit above a narrow bar."""
    if value >= 1_000_000:
        whole, rest = divmod(value, 1_000_000)
        return f"{whole},{rest // 100_000}tr" if rest >= 100_000 and whole < 100 else f"{whole}tr"
    if value >= 1000:
        return f"{value // 1000}k"
    return str(value)
