"""Search the storefront: results, facet counts, "did you mean", suggestions as you type.

The HTML page and the JSON API both call search() and suggest(). Whatever the input and
whatever state the index is in, these return an answer: a missing or broken index is rebuilt
in the background while the database answers directly (without facets)."""
import logging
import math
import os
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import pagecache
from ..catalog.models import Category, Product
from ..catalog.services import visible_products
from ..communes.models import Commune
from ..core.text import fold
from ..extensions import db
from ..stalls.models import Stall
from . import index
from .analysis import query_tokens
from .backends import FACETS, SORTS, Hits, Query, make_backend
from .documents import PRICE_BANDS

log = logging.getLogger(__name__)

MAX_PER_PAGE = 60
MAX_PAGE = 1000
FACET_LABELS = {
    "category": _l("Danh mục"), "province": _l("Tỉnh, thành"), "commune": _l("Xã, phường"),
    "price_band": _l("Khoảng giá"), "ocop": _l("Hạng OCOP"), "traceable": _l("Truy xuất nguồn gốc"),
}
SORT_LABELS = {"relevance": _l("Phù hợp nhất"), "price_asc": _l("Giá thấp đến cao"),
               "price_desc": _l("Giá cao đến thấp"), "newest": _l("Mới nhất")}
# An id, a star count or a price band key ("50000-100000"); small enough for any integer column.
_FILTER_VALUE = re.compile(r"^(\d{1,9}|\d{1,7}-\d{0,7})$")


@dataclass
class SearchResult:
    query: str
    items: list
    total: int
    page: int
    per_page: int
    sort: str
    filters: dict
    facets: list = field(default_factory=list)
    did_you_mean: str | None = None
    fallback: bool = False

    # The shape templates' pagination macro expects.
    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def init_app(app) -> None:
    app.config.setdefault("SEARCH_BACKEND", "whoosh")
    app.config.setdefault("SEARCH_INDEX_DIR", os.path.join(app.instance_path, "search-index"))
    app.extensions["search"] = make_backend(app)
    index.install_hooks()


def backend():
    return current_app.extensions["search"]


def clean_filters(raw: dict) -> dict:
    """Known facet fields with well-formed values; anything else is ignored, not an error."""
    return {k: str(raw[k]) for k in FACETS if raw.get(k) and _FILTER_VALUE.match(str(raw[k]))}


def search(text: str | None, filters: dict | None = None, sort: str = "relevance", page: int = 1,
           per_page: int = 24) -> SearchResult:
    """Visible products matching `text` (folded, typo-tolerant) and the filters, one page of
    them in the chosen order, with counts per facet value over all matches."""
    words = query_tokens(text)
    filters = clean_filters(filters or {})
    sort = sort if sort in SORTS else "relevance"
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 24), 1), MAX_PER_PAGE)
    q = Query(words=words, filters=filters, sort=sort, page=page, per_page=per_page)
    hits = _run(q)
    suggestion = None
    if hits.total == 0 and words and not hits.fallback:
        suggestion = _safe(lambda: backend().correct(words))
    return SearchResult(
        query=" ".join((text or "").split())[:200], items=_products(hits.ids), total=hits.total, page=page,
        per_page=per_page, sort=sort, filters=filters, facets=_facets(hits.facets, filters),
        did_you_mean=suggestion, fallback=hits.fallback,
    )


def index_version() -> str:
    """See SearchBackend.version; an unusable index answers from the database ('')."""
    return _safe(lambda: backend().version()) or ""


def suggest(prefix: str | None, limit: int = 8) -> list[dict]:
    """Product and stall names completing what is being typed ("vai th" -> "Vải thiều ...")."""
    words = query_tokens(prefix)
    if not words or (len(words) == 1 and len(words[0][1]) < 2):
        return []  # one letter would expand to most of the lexicon
    found = _safe(lambda: backend().suggest(words, limit)) or []
    return [{"kind": kind, "text": name} for kind, name in found]


def _run(q: Query) -> Hits:
    b = backend()
    try:
        return b.search(q)
    except Exception:
        log.exception("search backend failed; answering from the database")
        if hasattr(b, "rebuild_in_background") and not b.usable():
            b.rebuild_in_background(current_app._get_current_object())
        db.session.rollback()
        return _database_fallback(q)


def _safe(func):
    try:
        return func()
    except Exception:
        log.exception("search helper failed")
        db.session.rollback()
        return None


def _products(ids: list[int]) -> list[Product]:
    """The hit products in hit order; visibility is checked again, so a stale entry never shows."""
    if not ids:
        return []
    found = {p.id: p for p in db.session.scalars(visible_products().where(Product.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _database_fallback(q: Query) -> Hits:
    """Slow but correct: fold names in Python. Used only while the index is unavailable."""
    query = (visible_products().with_only_columns(
        Product.id, Product.name, Product.price, Product.category_id, Product.created_at,
        Stall.name, Commune.name, Commune.province_name, Commune.id, Commune.province_code)
        .join(Stall.commune))
    f = q.filters
    if f.get("category"):
        query = query.where(Product.category_id == int(f["category"]))
    if f.get("commune"):
        query = query.where(Commune.id == int(f["commune"]))
    if f.get("province"):
        query = query.where(Commune.province_code == int(f["province"]))
    words = [w for _a, w in q.words]
    rows = [r for r in db.session.execute(query)
            if all(w in fold(" ".join(str(x) for x in r[1:3] + r[5:8])) for w in words)]
    key = {"price_asc": lambda r: r[2], "price_desc": lambda r: -r[2]}.get(q.sort, lambda r: -r[4].timestamp())
    rows.sort(key=key)
    start = (q.page - 1) * q.per_page
    return Hits(ids=[r[0] for r in rows[start:start + q.per_page]], total=len(rows), facets={}, fallback=True)


def _facets(counts: dict[str, dict[str, int]], filters: dict) -> list[dict]:
    labels = _facet_labels(counts)
    out = []
    for name in FACETS:
        values = {v: n for v, n in counts.get(name, {}).items() if n and v in labels[name]}
        if name == "traceable" and not values:
            continue  # hidden until some product has traceable batches
        items = [{"value": v, "label": labels[name][v], "count": n, "selected": filters.get(name) == v}
                 for v, n in values.items()]
        if name == "price_band":
            order = [k for k, _lo, _hi in PRICE_BANDS]
            items.sort(key=lambda i: order.index(i["value"]))
        elif name == "ocop":
            items.sort(key=lambda i: -int(i["value"]))
        else:
            items.sort(key=lambda i: (-i["count"], str(i["label"])))
        if items:
            out.append({"name": name, "label": FACET_LABELS[name], "values": items})
    return out


def _facet_labels(counts) -> dict[str, dict[str, str]]:
    names = pagecache.fragment("facet-names", "", _place_and_category_names) if counts else {}
    return {
        **{name: names.get(name, {}) for name in ("category", "commune", "province")},
        "price_band": {k: _price_label(lo, hi) for k, lo, hi in PRICE_BANDS},
        "ocop": {str(n): _l("OCOP %(n)s sao", n=n) for n in (3, 4, 5)},
        "traceable": {"1": _l("Có truy xuất nguồn gốc")},
    }


def _place_and_category_names() -> dict[str, dict[str, str]]:
    """Every category's and commune's name (a province has a few hundred communes at most): they
    change rarely, and every change moves the page cache's generation, so kept there a search
    asks the database for its products only. Names only, as rows: whole objects cost more."""
    communes = db.session.execute(select(Commune.id, Commune.name, Commune.province_code, Commune.province_name)).all()
    return {
        "category": {str(i): name for i, name in db.session.execute(select(Category.id, Category.name))},
        "commune": {str(c.id): c.name for c in communes},
        "province": {str(c.province_code): c.province_name for c in communes},
    }


def _price_label(low: int, high: int | None) -> str:
    from ..core.money import format_vnd

    if low == 0:
        return _l("Dưới %(p)s", p=format_vnd(high))
    if high is None:
        return _l("Từ %(p)s", p=format_vnd(low))
    return f"{format_vnd(low)} – {format_vnd(high)}"


def sort_options() -> list[tuple[str, str]]:
    return [(key, SORT_LABELS[key]) for key in SORTS]
