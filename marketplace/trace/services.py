"""Batches, trace events, stamps and scans: the rules of traceability.

Sellers act only on batches of their own products (404 otherwise, logged). Once any stamp of
a batch has been scanned the batch and its events are frozen: what a buyer saw cannot change,
corrections are new events that reference the corrected one.
"""
import os
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Integer, Select, bindparam, case, cast, func, insert, select, true, union, update
from sqlalchemy.orm import joinedload, selectinload

from ..catalog.models import Product
from ..catalog.services import get_owned
from ..stalls.models import Stall
from ..communes.services import require_manage
from ..core import images
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc, nfc_multiline
from ..core.timeutil import to_local, utcnow
from ..core.transactions import RELAXED_COMMIT, single_statement_writes, write_transaction
from ..extensions import db
from . import codes
from .models import Batch, EventKind, Scan, Stamp, TraceEvent

MAX_STAMPS_PER_ISSUE = 5000
MAX_STAMPS_PER_BATCH = 100_000
MAX_QUANTITY_MILLI = 1_000_000_000  # a million units: inside a 32-bit column
BATCH_FIELDS = ("code", "harvested_on", "packed_on", "best_before", "quantity_milli", "place",
                "latitude", "longitude", "certification_ids", "show_ocop")
EVENT_FIELDS = ("kind", "happened_on", "actor", "material", "preharvest_days", "place", "note")
_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def media_dir() -> str:
    return os.path.join(current_app.config["MEDIA_DIR"], "t")


def local_today() -> date:
    """Today in Vietnam: a farmer's 6 a.m. entry is not 'in the future' because UTC lags."""
    return to_local(utcnow()).date()


def stamp_key() -> bytes:
    return codes.derive_key(current_app.config["SECRET_KEY"])


def stamp_url(code: str) -> str:
    """The absolute URL printed in a stamp's QR code."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/t/{code}"


# ---- batches ---------------------------------------------------------------------------------

def get_owned_batch(actor, batch_id: int) -> Batch:
    """A batch of one of the actor's own products; 404 otherwise (and the attempt is logged)."""
    batch = db.session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(_l("Không tìm thấy lô hàng."))
    if batch.stall.owner_id != getattr(actor, "id", None):
        deny(actor, "batch.access", batch)
        raise NotFound(_l("Không tìm thấy lô hàng."))
    return batch


def stall_batches(stall_id: int, product_id: int | None = None) -> Select:
    """A stall's batches, newest first, with their product loaded."""
    query = (select(Batch).where(Batch.stall_id == stall_id)
             .options(selectinload(Batch.product)).order_by(Batch.created_at.desc(), Batch.id.desc()))
    if product_id:
        query = query.where(Batch.product_id == product_id)
    return query


def suggest_code(product: Product, day: date | None = None) -> str:
    """A batch code not yet used for this product: the harvest date, then -2, -3, ..."""
    base = (day or local_today()).strftime("%y%m%d")
    taken = set(db.session.scalars(select(Batch.code).where(Batch.product_id == product.id,
                                                            Batch.code.like(base + "%"))))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def clean_batch_data(product: Product, data: dict, batch: Batch | None = None) -> dict:
    """Normalise and check batch fields; ValidationError names each bad field."""
    errors = {}
    clean = {k: data.get(k) for k in BATCH_FIELDS}
    clean["code"] = nfc(clean["code"]).upper().replace(" ", "-")[:20]
    if not clean["code"]:
        clean["code"] = suggest_code(product, clean["harvested_on"])
    elif not set(clean["code"]) <= _CODE_CHARS:
        errors["code"] = _l("Mã lô chỉ gồm chữ không dấu, số và dấu gạch ngang.")
    else:
        clash = select(Batch.id).where(Batch.product_id == product.id, Batch.code == clean["code"])
        if batch is not None:
            clash = clash.where(Batch.id != batch.id)
        if db.session.scalar(clash):
            errors["code"] = _l("Sản phẩm đã có lô với mã này.")
    if clean["packed_on"] and clean["harvested_on"] and clean["packed_on"] < clean["harvested_on"]:
        errors["packed_on"] = _l("Ngày đóng gói không thể trước ngày thu hoạch.")
    start = clean["packed_on"] or clean["harvested_on"]
    if clean["best_before"] and start and clean["best_before"] <= start:
        errors["best_before"] = _l("Hạn sử dụng phải sau ngày thu hoạch/đóng gói.")
    quantity = clean["quantity_milli"]
    if quantity is not None and (not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY_MILLI):
        errors["quantity_milli"] = _l("Sản lượng phải lớn hơn 0 và không quá 1 triệu đơn vị.")
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = clean[name]
        if value is not None and not -limit <= float(value) <= limit:
            errors[name] = _l("Tọa độ không hợp lệ.")
        clean[name] = round(float(value), 6) if value is not None else None
    clean["place"] = nfc(clean["place"])[:255] or _default_place(product)
    own = {c.id for c in product.certifications}
    clean["certification_ids"] = sorted({int(i) for i in clean["certification_ids"] or [] if int(i) in own})
    clean["show_ocop"] = bool(clean["show_ocop"]) if clean["show_ocop"] is not None else True
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    return clean


def _default_place(product: Product) -> str:
    stall = product.stall
    parts = [stall.village.name if stall.village else "", stall.commune.name, stall.commune.province_name]
    return ", ".join(p for p in parts if p)


def create_batch(actor, product_id: int, data: dict) -> Batch:
    """Record a new batch of one's own product; place defaults to the stall's village."""
    product = get_owned(actor, product_id)
    clean = clean_batch_data(product, data)
    batch = Batch(product=product, stall_id=product.stall_id, commune_id=product.stall.commune_id, **clean)
    db.session.add(batch)
    db.session.commit()
    return batch


def update_batch(actor, batch_id: int, data: dict) -> Batch:
    """Change a batch until its first scan; the code is fixed once stamps carry it."""
    batch = get_owned_batch(actor, batch_id)
    _require_unlocked(batch)
    current = {k: getattr(batch, k) for k in BATCH_FIELDS}
    clean = clean_batch_data(batch.product, {**current, **{k: v for k, v in data.items() if k in BATCH_FIELDS}}, batch)
    if batch.stamp_count and clean["code"] != batch.code:
        raise ValidationError(_l("Lô đã in tem: không đổi được mã lô."), {"code": _l("Lô đã in tem: không đổi được mã lô.")})
    for key, value in clean.items():
        setattr(batch, key, value)
    db.session.commit()
    return batch


def delete_batch(actor, batch_id: int) -> None:
    """Only a batch without stamps can go: printed stamps must keep resolving."""
    batch = get_owned_batch(actor, batch_id)
    if batch.stamp_count:
        raise Conflict(_l("Lô đã in tem nên không xóa được."))
    for event in batch.events:
        if event.photo_key:
            images.delete_photo(media_dir(), event.photo_key)
    db.session.delete(batch)
    db.session.commit()


def _require_unlocked(batch: Batch) -> None:
    if batch.locked:
        raise Conflict(_l("Tem của lô đã được quét: thông tin không sửa được nữa. Hãy thêm sự kiện đính chính."))


# ---- events ----------------------------------------------------------------------------------

def clean_event_data(batch: Batch, data: dict) -> dict:
    errors = {}
    clean = {k: data.get(k) for k in EVENT_FIELDS}
    if clean["kind"] not in EventKind.ALL:
        errors["kind"] = _l("Chọn loại công việc.")
    if not isinstance(clean["happened_on"], date):
        errors["happened_on"] = _l("Nhập ngày.")
    elif clean["happened_on"] > local_today():
        errors["happened_on"] = _l("Ngày không thể ở tương lai.")
    days = clean["preharvest_days"]
    if days is not None and (not isinstance(days, int) or not 0 <= days <= 365):
        errors["preharvest_days"] = _l("Thời gian cách ly từ 0 đến 365 ngày.")
    for key, size in (("actor", 120), ("material", 160), ("place", 255)):
        clean[key] = nfc(clean[key])[:size]
    clean["note"] = nfc_multiline(clean["note"])[:2000]
    if not clean["actor"]:
        clean["actor"] = batch.stall.household_name
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    return clean


def add_event(actor, batch_id: int, data: dict, photo=None, corrects_id: int | None = None) -> TraceEvent:
    """Append a step to the journey (allowed at any time); `corrects_id` marks it as the
    correction of an earlier event of the same batch."""
    batch = get_owned_batch(actor, batch_id)
    clean = clean_event_data(batch, data)
    if corrects_id and not any(e.id == corrects_id for e in batch.events):
        raise ValidationError(_l("Sự kiện được đính chính không thuộc lô này."), {"corrects_id": _l("Không hợp lệ.")})
    event = TraceEvent(batch=batch, corrects_id=corrects_id or None, created_by_id=actor.id, **clean)
    if photo:
        event.photo_key, _, _ = images.save_photo(photo, media_dir(), current_app.config["MAX_IMAGE_BYTES"])
    db.session.add(event)
    db.session.commit()
    return event


def _owned_event(actor, batch_id: int, event_id: int) -> TraceEvent:
    batch = get_owned_batch(actor, batch_id)
    event = next((e for e in batch.events if e.id == event_id), None)
    if event is None:
        raise NotFound(_l("Không tìm thấy sự kiện."))
    _require_unlocked(batch)
    return event


def update_event(actor, batch_id: int, event_id: int, data: dict) -> TraceEvent:
    """Edit an event while no stamp of its batch has been scanned."""
    event = _owned_event(actor, batch_id, event_id)
    current = {k: getattr(event, k) for k in EVENT_FIELDS}
    clean = clean_event_data(event.batch, {**current, **{k: v for k, v in data.items() if k in EVENT_FIELDS}})
    for key, value in clean.items():
        setattr(event, key, value)
    db.session.commit()
    return event


def delete_event(actor, batch_id: int, event_id: int) -> None:
    """Remove an event while no stamp of its batch has been scanned."""
    event = _owned_event(actor, batch_id, event_id)
    if any(e.corrects_id == event.id for e in event.batch.events):
        raise Conflict(_l("Sự kiện này đã có đính chính nên không xóa được."))
    if event.photo_key:
        images.delete_photo(media_dir(), event.photo_key)
    db.session.delete(event)
    db.session.commit()


# ---- stamps ----------------------------------------------------------------------------------

def issue_stamps(actor, batch_id: int, count: int) -> tuple[int, int]:
    """Create `count` new stamps for the batch, serials continuing after the last one;
    returns (first, last) serial. Concurrent issues never share a serial."""
    batch = get_owned_batch(actor, batch_id)
    if not isinstance(count, int) or not 1 <= count <= MAX_STAMPS_PER_ISSUE:
        message = lazy_ngettext("Mỗi lần in từ 1 đến %(num)s tem.", "Mỗi lần in từ 1 đến %(num)s tem.",
                                MAX_STAMPS_PER_ISSUE)
        raise ValidationError(message, {"count": message})
    # One conditional UPDATE both reserves the serial range and enforces the batch limit.
    last = db.session.execute(
        update(Batch).where(Batch.id == batch.id, Batch.stamp_count + count <= MAX_STAMPS_PER_BATCH)
        .values(stamp_count=Batch.stamp_count + count).returning(Batch.stamp_count)
    ).scalar()
    if last is None:
        db.session.rollback()
        raise Conflict(_l("Lô đã đạt số tem tối đa."))
    first = last - count + 1
    now = utcnow()
    db.session.execute(insert(Stamp), [{"batch_id": batch.id, "serial": s, "created_at": now}
                                       for s in range(first, last + 1)])
    db.session.commit()
    return first, last


def sheet_stamps(batch: Batch, first: int | None = None, last: int | None = None) -> list[tuple[int, str]]:
    """(serial, absolute URL) of the batch's stamps in a serial range, for printing."""
    query = select(Stamp.id, Stamp.serial).where(Stamp.batch_id == batch.id).order_by(Stamp.serial)
    if first:
        query = query.where(Stamp.serial >= first)
    if last:
        query = query.where(Stamp.serial <= last)
    key = stamp_key()
    return [(serial, stamp_url(codes.make_code(key, stamp_id))) for stamp_id, serial in db.session.execute(query)]


def stamp_code(stamp: Stamp) -> str:
    return codes.make_code(stamp_key(), stamp.id)


def owned_stamp(actor, batch_id: int, serial: int) -> Stamp:
    batch = get_owned_batch(actor, batch_id)
    stamp = db.session.scalar(select(Stamp).where(Stamp.batch_id == batch.id, Stamp.serial == serial))
    if stamp is None:
        raise NotFound(_l("Không tìm thấy tem."))
    return stamp


# ---- scanning --------------------------------------------------------------------------------

def stamp_id_for_code(code: str) -> int | None:
    """The stamp id of a genuine code; None for anything forged or mistyped (no database access)."""
    return codes.parse_code(stamp_key(), code)


def stamp_id_for_gs1(gtin: str, batch_code: str, serial: str) -> int | None:
    """GS1 Digital Link (01 GTIN, 10 batch, 21 serial): the stamp only when the serial belongs
    to that batch of the product with that GTIN."""
    gtin = (gtin or "").strip()
    if not (gtin.isdigit() and len(gtin) in (8, 12, 13, 14) and codes.gtin_check_digit(gtin[:-1]) == gtin[-1]):
        return None
    if not serial.isdigit() or len(serial) > 9:
        return None
    return db.session.scalar(
        select(Stamp.id).join(Batch, Stamp.batch_id == Batch.id).join(Product, Batch.product_id == Product.id)
        .where(Product.gtin == gtin.zfill(14), Batch.code == (batch_code or "").upper(), Stamp.serial == int(serial))
    )


class StampCounts(NamedTuple):
    """What the trace page says about the stamp itself, read back from the scan's own UPDATE."""
    batch_id: int
    serial: int
    scan_count: int
    first_scanned_at: datetime | None
    places: int | None = None  # networks it was scanned from, counted only where it matters


def _places_window() -> tuple[int, int]:
    """The scan counts at which a stamp's places must be counted to tell if it is copied. A stamp
    scanned more often is already suspicious, and counting would read every one of its scans
    (thousands, for a copied stamp) on every view; fewer scans cannot come from that many places."""
    config = current_app.config
    return config["TRACE_SUSPICIOUS_PLACES"], config["TRACE_SUSPICIOUS_SCANS"] - 1


def _places_matter(scan_count: int) -> bool:
    low, high = _places_window()
    return low <= scan_count <= high


@cache
def _scan_statements():
    """The scan's statements, built once: a market full of people scanning runs them all day.
    Core statements on the tables (no ORM bookkeeping: nothing here is loaded as an object)."""
    stamps, batches, scans = Stamp.__table__, Batch.__table__, Scan.__table__
    stamp_id, batch_id = bindparam("stamp_id", type_=Integer), bindparam("batch_id", type_=Integer)
    now = bindparam("now", type_=stamps.c.last_scanned_at.type)
    # Names no column has: an UPDATE takes a parameter named like a column as a value to SET.
    place, client = bindparam("scan_place", type_=scans.c.place.type), bindparam("scan_client", type_=scans.c.client.type)
    counters = (stamps.c.batch_id, stamps.c.serial, stamps.c.scan_count, stamps.c.first_scanned_at)
    count = (stamps.update().where(stamps.c.id == stamp_id)
             .values(scan_count=stamps.c.scan_count + 1, last_scanned_at=now,
                     first_scanned_at=func.coalesce(stamps.c.first_scanned_at, now))
             .returning(*counters))
    # PostgreSQL runs the whole scan as one statement (a round trip costs as much as a query):
    # count it, lock the batch on a stamp's first scan, log it.
    counted = count.cte("counted")
    locked = (batches.update().values(first_scanned_at=now, updated_at=now)  # no Python defaults inside WITH
              .where(batches.c.id == select(counted.c.batch_id).where(counted.c.scan_count == 1).scalar_subquery(),
                     batches.c.first_scanned_at.is_(None))
              .cte("locked"))
    logged = scans.insert().from_select(
        ["stamp_id", "batch_id", "scanned_at", "commune_id", "place", "client"],
        select(stamp_id, counted.c.batch_id, now, batches.c.commune_id, place, client)
        .select_from(counted.join(batches, batches.c.id == counted.c.batch_id))).cte("logged")
    relaxed = select(RELAXED_COMMIT.label("relaxed")).cte("relaxed")
    # Its places where they matter (see _places_window), in the same round trip. The statement
    # does not see the scan it logs: its own place is added to the logged ones.
    own_place = cast(place, scans.c.place.type)
    places_seen = union(
        select(scans.c.place).where(scans.c.stamp_id == stamp_id, scans.c.place != ""),
        select(own_place).where(own_place != ""),
    ).subquery()
    places = case((counted.c.scan_count.between(bindparam("places_from", type_=Integer),
                                                bindparam("places_until", type_=Integer)),
                   select(func.count()).select_from(places_seen).scalar_subquery()))
    return {
        "scan": select(*counted.c, places.label("places")).add_cte(locked, logged).join_from(counted, relaxed, true()),
        "count": count,
        "lock_batch": batches.update()
        .where(batches.c.id == batch_id, batches.c.first_scanned_at.is_(None))
        .values(first_scanned_at=now, updated_at=now),
        "log": scans.insert().values(
            stamp_id=stamp_id, batch_id=batch_id, scanned_at=now,
            commune_id=select(batches.c.commune_id).where(batches.c.id == batch_id).scalar_subquery(),
            place=place, client=client),
        "read": select(*counters).where(stamps.c.id == stamp_id),
        "places": select(func.count(func.distinct(scans.c.place)))
        .where(scans.c.stamp_id == stamp_id, scans.c.place != ""),
    }


def record_scan(stamp_id: int, ip: str | None, user_agent: str | None) -> StampCounts | None:
    """Count one scan of a stamp and log it; the stamp's counters after it (with its places
    when they matter), None when there is no such stamp.

    The count is one UPDATE ... SET scan_count = scan_count + 1, so concurrent scans never lose
    an increment; a market full of people scanning at once queue as writers, and a scan's
    commit does not wait for the disk (see write_transaction(durable=False)).
    """
    statements = _scan_statements()
    params = {"stamp_id": stamp_id, "now": utcnow(), "scan_place": codes.network_place(stamp_key(), ip),
              "scan_client": codes.client_family(user_agent)[:40]}
    if db.session.get_bind().dialect.name == "postgresql":
        # The whole scan in one statement that commits on its own: one round trip.
        connection = single_statement_writes()
        low, high = _places_window()
        row = connection.execute(statements["scan"], {**params, "places_from": low, "places_until": high}).first()
    else:  # SQLite has no UPDATE inside WITH: the same steps one by one, in a write transaction
        write_transaction(durable=False)
        connection = db.session.connection()
        row = connection.execute(statements["count"], params).first()
        if row is not None:
            params["batch_id"] = row.batch_id
            if row.scan_count == 1:  # the stamp's first scan may be its batch's first
                connection.execute(statements["lock_batch"], params)
            connection.execute(statements["log"], params)
    if row is None:
        db.session.rollback()
        return None
    counts = StampCounts(*row)
    if counts.places is None and _places_matter(counts.scan_count):  # SQLite: on the same connection
        counts = counts._replace(places=connection.scalar(statements["places"], params))
    db.session.commit()
    return counts


@cache
def _batch_statement():
    """The batch with its product, stall and place in one row; its journey, the product's
    certificates and photos in one statement each. Built on first use: loader options need
    the mappers configured."""
    product_of, stall_of = joinedload(Batch.product), joinedload(Batch.stall)
    return select(Batch).where(Batch.id == bindparam("batch_id")).options(
        product_of.selectinload(Product.certifications), product_of.selectinload(Product.images),
        stall_of.joinedload(Stall.commune), stall_of.joinedload(Stall.village), selectinload(Batch.events))


def stamp_status(stamp_id: int | None, counts: StampCounts | None = None) -> dict | None:
    """The stamp's own part of the trace view, given the counters record_scan returned (read
    here otherwise): how often it was scanned and whether that looks like a copied stamp.
    None when there is no such stamp."""
    if counts is None and stamp_id:
        row = db.session.execute(_scan_statements()["read"], {"stamp_id": stamp_id}).first()
        counts = StampCounts(*row) if row else None
    if counts is None:
        return None
    places = counts.places
    if places is None and _places_matter(counts.scan_count):
        places = db.session.scalar(_scan_statements()["places"], {"stamp_id": stamp_id})
    config = current_app.config
    suspicious = counts.scan_count >= config["TRACE_SUSPICIOUS_SCANS"] or (places or 0) >= config["TRACE_SUSPICIOUS_PLACES"]
    return {"stamp": counts, "scan_count": counts.scan_count, "first_scanned_at": counts.first_scanned_at,
            "suspicious": suspicious}


def batch_view(batch_id: int) -> dict:
    """The batch's part of the trace view, the same for every stamp of the batch: product,
    seller, place, certificates in force and the journey."""
    batch = db.session.scalar(_batch_statement(), {"batch_id": batch_id})
    product, stall = batch.product, batch.stall
    today = local_today()
    certifications = [
        {"kind": c.kind, "number": c.number, "body": c.body, "issued_on": c.issued_on,
         "expires_on": c.expires_on, "valid": c.is_valid_on(today)}
        for c in product.certifications if c.id in set(batch.certification_ids or [])
    ]
    if batch.show_ocop and product.ocop_stars:
        certifications.append({
            "kind": "ocop", "number": product.ocop_decision or "", "body": f"OCOP {product.ocop_stars}★",
            "issued_on": product.ocop_date, "expires_on": product.ocop_expiry,
            "valid": product.ocop_expiry is None or product.ocop_expiry >= today,
        })
    return {
        "batch": batch, "product": product, "stall": stall, "commune": stall.commune, "village": stall.village,
        "events": batch.events, "corrected_ids": {e.corrects_id for e in batch.events if e.corrects_id},
        "certifications": certifications, "on_sale": product.is_visible,
    }


def trace_view(stamp_id: int | None, counts: StampCounts | None = None) -> dict:
    """Everything GET /api/v1/trace/<code> shows for a stamp. `genuine` is False (and nothing
    else is said) when there is no such stamp."""
    status = stamp_status(stamp_id, counts)
    if status is None:
        return {"genuine": False}
    return {"genuine": True, **status, **batch_view(status["stamp"].batch_id)}


# ---- scan reports ----------------------------------------------------------------------------

def batch_scan_report(actor, batch_id: int, limit: int = 50) -> dict:
    """Scans of one's own batch: totals and the latest scans."""
    batch = get_owned_batch(actor, batch_id)
    total, stamps = db.session.execute(
        select(func.coalesce(func.sum(Stamp.scan_count), 0), func.count(Stamp.id).filter(Stamp.scan_count > 0))
        .where(Stamp.batch_id == batch.id)
    ).one()
    latest = db.session.execute(
        select(Scan.scanned_at, Stamp.serial, Scan.client).join(Stamp, Scan.stamp_id == Stamp.id)
        .where(Scan.batch_id == batch.id).order_by(Scan.scanned_at.desc(), Scan.id.desc()).limit(limit)
    ).all()
    return {"batch": batch, "total": int(total), "stamps_scanned": stamps, "latest": latest}


def commune_scan_report(actor, commune) -> dict:
    """Scans of the commune's stamps, per batch; officers of that commune and admins only."""
    require_manage(actor, commune.id, "trace.commune_scans", commune)
    rows = db.session.execute(
        select(Batch, func.count(Scan.id), func.max(Scan.scanned_at))
        .join(Scan, Scan.batch_id == Batch.id).where(Scan.commune_id == commune.id)
        .group_by(Batch.id).order_by(func.count(Scan.id).desc()).limit(200)
        .options(selectinload(Batch.product), selectinload(Batch.stall))
    ).all()
    total = db.session.scalar(select(func.count(Scan.id)).where(Scan.commune_id == commune.id))
    return {"commune": commune, "rows": rows, "total": total}


# ---- summaries for other areas' pages --------------------------------------------------------

def product_summary(product_id: int) -> dict | None:
    """The product's current batch (latest created) with its journey, in one query; None
    when the product has no batch."""
    batch = db.session.scalars(
        select(Batch).where(Batch.product_id == product_id).order_by(Batch.created_at.desc(), Batch.id.desc())
        .limit(1).options(joinedload(Batch.events))
    ).unique().first()
    if batch is None:
        return None
    return {"batch": batch, "events": [e for e in batch.events if not e.corrects_id][-5:]}


def stall_summary(stall_id: int) -> dict:
    """Counts for the seller's home panel and the three latest batches."""
    batches, stamps = db.session.execute(
        select(func.count(Batch.id), func.coalesce(func.sum(Batch.stamp_count), 0)).where(Batch.stall_id == stall_id)
    ).one()
    scans = db.session.scalar(select(func.count(Scan.id)).join(Batch, Scan.batch_id == Batch.id)
                              .where(Batch.stall_id == stall_id))
    latest = db.session.scalars(stall_batches(stall_id).limit(3)).all()
    return {"batches": batches, "stamps": int(stamps), "scans": scans, "latest": latest}


def traceable_product_ids(session, product_ids: set[int]) -> set[int]:
    """Which of these products have at least one batch (lô): what search's
    "Có truy xuất nguồn gốc" facet means."""
    if not product_ids:
        return set()
    rows = session.execute(select(Batch.product_id).where(Batch.product_id.in_(product_ids)).distinct())
    return {product_id for (product_id,) in rows}
