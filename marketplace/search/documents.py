"""What the index knows about a product: one flat document per visible product, built from
committed rows only (catalog.services.visible_products is the single definition of visible)."""
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, defaultload, selectinload

from ..catalog.models import Product
from ..catalog.services import visible_products
from ..stalls.models import Stall

# Price bands shown as a facet: (key, lower bound inclusive, upper bound exclusive or None).
PRICE_BANDS = (
    ("0-50000", 0, 50_000),
    ("50000-100000", 50_000, 100_000),
    ("100000-200000", 100_000, 200_000),
    ("200000-500000", 200_000, 500_000),
    ("500000-", 500_000, None),
)


def price_band(price: int) -> str:
    for key, low, high in PRICE_BANDS:
        if price >= low and (high is None or price < high):
            return key
    return PRICE_BANDS[-1][0]


def _no_traceability(session: Session, product_ids: set[int]) -> set[int]:
    return set()


# Which products have traceable batches. Search does not know the trace area; it asks this
# function, which the trace area replaces (set_traceability_source) once batches exist.
_traceable_source: Callable[[Session, set[int]], set[int]] = _no_traceability


def set_traceability_source(func: Callable[[Session, set[int]], set[int]] | None) -> None:
    """Point the `traceable` field at real data: func(session, product ids) -> ids that have
    batches. The session is the one reading the documents (after a commit, a separate one)."""
    global _traceable_source
    _traceable_source = func or _no_traceability


def _document(p: Product, traceable: bool) -> dict:
    stall = p.stall
    commune = stall.commune
    village = stall.village.name if stall.village else ""
    certs = " ".join(f"{c.kind} {c.number} {c.body}" for c in p.certifications)
    ocop = f"OCOP {p.ocop_stars} sao" if p.ocop_stars else ""
    doc = {
        "id": str(p.id),
        "name": p.name,
        "category": p.category.name,
        "stall": stall.name,
        "place": " ".join(x for x in (village, commune.name, commune.short_name, commune.province_name) if x),
        "description": p.description or "",
        "extra": " ".join(x for x in (certs, ocop) if x),
        "category_id": str(p.category_id),
        "province": str(commune.province_code),
        "commune": str(commune.id),
        "price": int(p.price),
        "price_band": price_band(p.price),
        "ocop": str(p.ocop_stars or 0),
        "in_stock": 1 if p.in_stock else 0,
        "created": int(p.created_at.timestamp()),
        "traceable": "1" if traceable else "0",
    }
    doc["fingerprint"] = hashlib.sha1(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]
    return doc


def _query(ids: Iterable[int] | None):
    query = visible_products().options(
        selectinload(Product.category), selectinload(Product.certifications),
        defaultload(Product.stall).selectinload(Stall.village),
    )
    if ids is not None:
        query = query.where(Product.id.in_(list(ids)))
    return query.order_by(Product.id)


def load(session: Session, ids: Iterable[int]) -> dict[int, dict]:
    """Documents of those of `ids` that are visible now; the others must leave the index."""
    ids = list(ids)
    products = []
    for start in range(0, len(ids), 500):
        products.extend(session.scalars(_query(ids[start:start + 500])).unique())
    traceable = _traceable_source(session, {p.id for p in products})
    return {p.id: _document(p, p.id in traceable) for p in products}


def iter_all(session: Session, batch: int = 1000) -> Iterator[dict]:
    """Every visible product's document, in id order, a batch at a time (bounded memory)."""
    last = 0
    while True:
        products = list(session.scalars(_query(None).where(Product.id > last).limit(batch)).unique())
        if not products:
            return
        traceable = _traceable_source(session, {p.id for p in products})
        for p in products:
            yield _document(p, p.id in traceable)
        last = products[-1].id
        session.expunge_all()


def product_ids_for(session: Session, stall_ids=(), commune_ids=(), village_ids=(), category_ids=()) -> set[int]:
    """Products whose documents mention a changed stall, commune, village or category."""
    ids: set[int] = set()
    if stall_ids:
        ids |= set(session.scalars(select(Product.id).where(Product.stall_id.in_(list(stall_ids)))))
    if commune_ids or village_ids:
        stalls = select(Stall.id).where(
            Stall.commune_id.in_(list(commune_ids)) | Stall.village_id.in_(list(village_ids)))
        ids |= set(session.scalars(select(Product.id).where(Product.stall_id.in_(stalls))))
    if category_ids:
        ids |= set(session.scalars(select(Product.id).where(Product.category_id.in_(list(category_ids)))))
    return ids
