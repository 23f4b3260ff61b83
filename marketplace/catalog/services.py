"""Products: listing by sellers, moderation by officers, and what the storefront may show."""
import os
from datetime import date
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload, with_expression

from ..core.ids import as_id
from ..communes.services import managed_commune_ids, require_manage
from ..core import audit, images
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc, nfc_multiline, slugify
from ..core.timeutil import utcnow
from ..extensions import db
from ..stalls.models import Stall, StallStatus
from .models import Category, Certification, CertificationKind, Product, ProductImage, ProductStatus
from .units import MILLI, UNITS

MAX_PHOTOS = 8
TOO_MANY_PHOTOS = lazy_ngettext("Tối đa %(num)s ảnh.", "Tối đa %(num)s ảnh.", MAX_PHOTOS)
MAX_PRICE = 1_000_000_000
# A million units: far above any household's stock, and inside a 32-bit INTEGER column.
MAX_QUANTITY_MILLI = 1_000_000_000
FIELDS = (
    "name", "category_id", "description", "unit", "price", "stock_milli", "step_milli", "min_milli",
    "weight_grams", "gtin", "ocop_stars", "ocop_decision", "ocop_date", "ocop_expiry",
)
# In communes that review products, changing what the product *is* needs review again.
REVIEWED_FIELDS = {"name", "category_id", "description", "unit"}


def media_dir() -> str:
    return os.path.join(current_app.config["MEDIA_DIR"], "p")


# ---- what buyers see -------------------------------------------------------------------------

def visible_condition() -> ColumnElement[bool]:
    """Product.is_visible in SQL, for a query that joins the product's stall."""
    return and_(
        Product.status == ProductStatus.APPROVED,
        Product.hidden.is_(False),
        Product.officer_hidden.is_(False),
        Product.deleted_at.is_(None),
        Stall.status == StallStatus.APPROVED,
    )


@cache
def visible_products() -> Select:
    """Products the storefront shows: approved, not hidden or deleted, on an approved stall.

    Built once: a statement is immutable (callers' .where() and .order_by() return new ones)
    and building this one, with its loader options, took 0.8 ms of every listing and search."""
    return (
        select(Product)
        .join(Product.stall)
        .where(visible_condition())
        # The stall (already joined), its commune and the cover photo's key come in the same
        # rows: every listing shows a card's commune and cover.
        .options(contains_eager(Product.stall).joinedload(Stall.commune), with_expression(Product.cover_key, _cover_key()))
    )


def _cover_key():
    """The key of the product's first photo, in Product.images' order (Product.cover), for each
    row of a listing."""
    return (select(ProductImage.key).where(ProductImage.product_id == Product.id)
            .order_by(ProductImage.position, ProductImage.id).limit(1).scalar_subquery())


def browse(commune_id=None, category_id=None, stall_id=None, min_price=None, max_price=None, sort="new") -> Select:
    """The visible products narrowed by the storefront's filters, in a stable order."""
    query = visible_products()
    if commune_id:
        # Through the commune's stalls, so the database reads their products by stall_id instead
        # of walking the whole market's listing index and dropping other communes' rows.
        query = query.where(Product.stall_id.in_(select(Stall.id).where(Stall.commune_id == commune_id)))
    if category_id:
        query = query.where(Product.category_id == category_id)
    if stall_id:
        query = query.where(Product.stall_id == stall_id)
    if min_price is not None:
        query = query.where(Product.price >= min_price)
    if max_price is not None:
        query = query.where(Product.price <= max_price)
    order = {
        "price_asc": (Product.price.asc(), Product.id.desc()),
        "price_desc": (Product.price.desc(), Product.id.desc()),
    }.get(sort, (Product.featured.desc(), Product.created_at.desc(), Product.id.desc()))
    return query.order_by(*order)


def get_visible(product_id: int) -> Product:
    # What the product page shows, in one statement: the product with its stall, commune,
    # category, photos and certificates (a few rows: photos x certificates). Each further
    # statement cost the page more ORM work than its rows.
    stall = joinedload(Product.stall)
    product = db.session.get(Product, product_id, options=[
        stall.joinedload(Stall.commune), stall.joinedload(Stall.village), joinedload(Product.category),
        joinedload(Product.images), joinedload(Product.certifications)])
    if product is None or not product.is_visible:
        raise NotFound(_l("Không tìm thấy sản phẩm."))
    return product


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def get_category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound(_l("Không tìm thấy danh mục."))
    return category


# ---- what sellers do -------------------------------------------------------------------------

def get_owned(actor, product_id: int) -> Product:
    """A product of the actor's own stall (deleted ones are gone); 404 otherwise, and logged."""
    product = db.session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise NotFound(_l("Không tìm thấy sản phẩm."))
    if product.stall.owner_id != getattr(actor, "id", None):
        deny(actor, "product.access", product)
        raise NotFound(_l("Không tìm thấy sản phẩm."))
    return product


def stall_products(stall: Stall) -> Select:
    """All of a stall's products that are not deleted, newest first (for the seller)."""
    return (
        select(Product)
        .where(Product.stall_id == stall.id, Product.deleted_at.is_(None))
        .options(selectinload(Product.images))
        .order_by(Product.created_at.desc(), Product.id.desc())
    )


def needs_attention(stall: Stall) -> dict[str, list[Product]]:
    """What the seller should act on: rejected products (with the officer's reason) and
    products on sale whose stock no longer covers the minimum order."""
    rows = list(db.session.scalars(
        select(Product).where(Product.stall_id == stall.id, Product.deleted_at.is_(None))
        .where((Product.status == ProductStatus.REJECTED)
               | ((Product.status == ProductStatus.APPROVED) & Product.hidden.is_(False)
                  & (Product.stock_milli < Product.min_milli)))
        .order_by(Product.updated_at.desc()).limit(50)
    ))
    return {
        "rejected": [p for p in rows if p.status == ProductStatus.REJECTED],
        "out_of_stock": [p for p in rows if p.status == ProductStatus.APPROVED],
    }


def clean_product_data(data: dict) -> dict:
    """Normalise and check product fields; ValidationError names each bad field."""
    errors = {}
    clean = {k: data.get(k) for k in FIELDS}
    clean["name"] = nfc(clean["name"])[:120]
    clean["description"] = nfc_multiline(clean["description"])[:5000]
    if not clean["name"]:
        errors["name"] = _l("Nhập tên sản phẩm.")
    clean["category_id"] = as_id(clean["category_id"])
    if db.session.get(Category, clean["category_id"] or 0) is None:
        errors["category_id"] = _l("Chọn danh mục.")
    unit = UNITS.get(clean["unit"] or "")
    if unit is None:
        errors["unit"] = _l("Chọn đơn vị bán.")
    price = clean["price"]
    if not _is_int(price) or not 0 < price <= MAX_PRICE:
        errors["price"] = _l("Giá phải là số đồng lớn hơn 0.")
    if not _is_int(clean["stock_milli"]) or not 0 <= clean["stock_milli"] <= MAX_QUANTITY_MILLI:
        errors["stock_milli"] = _l("Số lượng tồn kho không hợp lệ.")
    if not _is_int(clean["weight_grams"]) or not 0 < clean["weight_grams"] <= 100_000:
        errors["weight_grams"] = _l("Khối lượng giao hàng từ 1 g đến 100 kg.")
    if unit is not None:
        step = MILLI if not unit.decimal else (clean["step_milli"] or MILLI)
        minimum = clean["min_milli"] or step
        clean["step_milli"], clean["min_milli"] = step, minimum
        if not _is_int(step) or not 0 < step <= MAX_QUANTITY_MILLI:
            errors["step_milli"] = _l("Bước số lượng không hợp lệ.")
        elif not _is_int(minimum) or not 0 < minimum <= MAX_QUANTITY_MILLI or minimum % step:
            errors["min_milli"] = _l("Số lượng tối thiểu phải là bội số của bước.")
        if not unit.decimal and _is_int(clean["stock_milli"]) and clean["stock_milli"] % MILLI:
            errors["stock_milli"] = _l("Sản phẩm bán theo %(unit)s chỉ nhận số nguyên.", unit=unit.label)
    gtin = str(clean["gtin"] or "").strip()
    if gtin and not _valid_gtin(gtin):
        errors["gtin"] = _l("Mã vạch GTIN không hợp lệ (8, 12, 13 hoặc 14 chữ số).")
    clean["gtin"] = gtin.zfill(14) if gtin and _valid_gtin(gtin) else None
    stars = clean["ocop_stars"]
    if stars in ("", 0):
        stars = None
    if stars is not None and stars not in (3, 4, 5):
        errors["ocop_stars"] = _l("Sản phẩm OCOP được xếp hạng 3, 4 hoặc 5 sao.")
    clean["ocop_stars"] = stars
    clean["ocop_decision"] = nfc(clean["ocop_decision"])[:60] or None
    if stars and not clean["ocop_decision"]:
        errors["ocop_decision"] = _l("Nhập số quyết định công nhận OCOP.")
    if clean["ocop_date"] and clean["ocop_expiry"] and clean["ocop_expiry"] <= clean["ocop_date"]:
        errors["ocop_expiry"] = _l("Ngày hết hạn phải sau ngày công nhận.")
    if not stars:
        # A decision without a rating is not an OCOP claim; don't keep half of one.
        clean["ocop_decision"] = clean["ocop_date"] = clean["ocop_expiry"] = None
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    return clean


def clean_certifications(items: list[dict]) -> list[dict]:
    """Keep the rows that have a number (empty rows of the form are skipped); errors are keyed
    `certifications-<row>-<field>` like the form's inputs."""
    clean, errors = [], {}
    for i, item in enumerate(items or []):
        number = nfc(item.get("number"))[:60]
        if not number:
            continue
        if item.get("kind") not in CertificationKind.ALL:
            errors[f"certifications-{i}-kind"] = _l("Chọn loại chứng nhận.")
        issued, expires = item.get("issued_on"), item.get("expires_on")
        if issued and expires and expires <= issued:
            errors[f"certifications-{i}-expires_on"] = _l("Ngày hết hạn phải sau ngày cấp.")
        clean.append({"kind": item.get("kind"), "number": number, "body": nfc(item.get("body"))[:160],
                      "issued_on": issued, "expires_on": expires})
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    return clean


def check_product(data: dict, certifications: list[dict]) -> None:
    """Only check (store nothing): raises the ValidationError create_product would."""
    _clean_all(data, certifications or [])


def own_open_stall(actor) -> Stall:
    """The actor's stall if it may list products (approved); Conflict otherwise."""
    stall = db.session.scalar(select(Stall).where(Stall.owner_id == getattr(actor, "id", None)))
    if stall is None or stall.status != StallStatus.APPROVED:
        raise Conflict(_l("Gian hàng của bạn cần được duyệt trước khi đăng sản phẩm."))
    return stall


def create_product(actor, data: dict, photos=(), certifications=None) -> Product:
    """List a product on the actor's approved stall. It goes live at once when the commune
    auto-approves products of approved stalls; otherwise it waits in the officer's queue.
    Nothing is stored (no row, no photo file) unless every field and photo is acceptable."""
    stall = own_open_stall(actor)
    clean, certs = _clean_all(data, certifications or [])
    photos = [p for p in photos if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(TOO_MANY_PHOTOS, {"photos": TOO_MANY_PHOTOS})
    product = Product(stall=stall, slug=slugify(clean["name"]), **clean)
    product.status = ProductStatus.PENDING if stall.commune.requires_product_review else ProductStatus.APPROVED
    for item in certs:
        product.certifications.append(Certification(**item))
    _add_photos(product, photos)
    db.session.add(product)
    db.session.flush()
    audit.record(actor, "product.create", product, commune_id=stall.commune_id, data={"status": product.status})
    db.session.commit()
    return product


def update_product(actor, product_id: int, data: dict, photos=(), certifications=None,
                   remove_photo_ids=()) -> Product:
    """Edit one's own product. In reviewing communes a change of what it is (name, category,
    description, unit, new photos) sends an approved product back to review; a rejected one
    always goes back to the queue. On any error the product and its photos stay as they were."""
    product = get_owned(actor, product_id)
    current = {k: getattr(product, k) for k in FIELDS}
    before = snapshot(product)
    clean, certs = _clean_all({**current, **{k: v for k, v in data.items() if k in FIELDS}},
                              certifications if certifications is not None else [])
    photos = [p for p in photos if p]
    remove = {int(i) for i in remove_photo_ids if as_id(i)}
    keep = [img for img in product.images if img.id not in remove]
    removed = [img.key for img in product.images if img.id in remove]
    if len(keep) + len(photos) > MAX_PHOTOS:
        raise ValidationError(TOO_MANY_PHOTOS, {"photos": TOO_MANY_PHOTOS})
    changed = {k for k, v in clean.items() if current[k] != v}
    for key, value in clean.items():
        setattr(product, key, value)
    product.slug = slugify(product.name)
    if certifications is not None:
        product.certifications = [Certification(**item) for item in certs]
    product.images = keep
    _add_photos(product, photos)
    commune = product.stall.commune
    reviews = commune.requires_product_review
    needs_review = reviews and bool(changed & REVIEWED_FIELDS or photos
                                    or price_jumped(current["price"], clean["price"], commune.price_jump_pct))
    if needs_review and product.status == ProductStatus.APPROVED:
        product.approved_snapshot = before
    if product.status == ProductStatus.REJECTED or (needs_review and product.status == ProductStatus.APPROVED):
        product.status = ProductStatus.PENDING if reviews else ProductStatus.APPROVED
        product.status_reason = ""
    audit.record(actor, "product.update", product, commune_id=product.stall.commune_id,
                 data={"changed": sorted(changed), "status": product.status})
    db.session.commit()
    # Files go only after the commit: a failed save must not leave rows pointing at nothing.
    for key in removed:
        images.delete_photo(media_dir(), key)
    return product


def set_hidden(actor, product_id: int, hidden: bool) -> Product:
    """The seller takes a product off the storefront (or back on) without deleting it;
    hiding never changes its review status."""
    product = get_owned(actor, product_id)
    product.hidden = bool(hidden)
    db.session.commit()
    return product


def delete_product(actor, product_id: int) -> None:
    """Soft delete: orders and stamps that mention the product keep their history."""
    product = get_owned(actor, product_id)
    product.deleted_at = utcnow()
    audit.record(actor, "product.delete", product, commune_id=product.stall.commune_id)
    db.session.commit()


# ---- what officers do ------------------------------------------------------------------------

def pending_products(actor) -> list[Product]:
    query = (
        select(Product)
        .join(Product.stall)
        .where(Product.status == ProductStatus.PENDING, Product.deleted_at.is_(None))
        .options(selectinload(Product.images), selectinload(Product.stall))
        .order_by(Product.updated_at)
    )
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(Stall.commune_id.in_(ids))
    return list(db.session.scalars(query))


def approve_product(actor, product: Product) -> Product:
    require_manage(actor, product.stall.commune_id, "product.approve", product)
    if product.status != ProductStatus.PENDING:
        raise Conflict(_l("Sản phẩm không ở trạng thái chờ duyệt."))
    product.status = ProductStatus.APPROVED
    product.status_reason = ""
    before, product.approved_snapshot = product.approved_snapshot, None
    audit.record(actor, "product.approve", product, commune_id=product.stall.commune_id,
                 data={"before": before, "after": snapshot(product)} if before else None)
    db.session.commit()
    return product


def reject_product(actor, product: Product, reason: str) -> Product:
    require_manage(actor, product.stall.commune_id, "product.reject", product)
    reason = audit.required_reason(reason)
    if product.status != ProductStatus.PENDING:
        raise Conflict(_l("Sản phẩm không ở trạng thái chờ duyệt."))
    product.status = ProductStatus.REJECTED
    product.status_reason = reason
    audit.record(actor, "product.reject", product, commune_id=product.stall.commune_id, reason=reason)
    db.session.commit()
    return product


def get_for_moderation(actor, product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound(_l("Không tìm thấy sản phẩm."))
    require_manage(actor, product.stall.commune_id, "product.view", product)
    return product


def set_officer_hidden(actor, product: Product, hidden: bool, reason: str) -> Product:
    """An officer of the product's commune takes it off the storefront (or puts it back), with
    a reason the seller sees. The seller's own hide/show does not touch this flag."""
    require_manage(actor, product.stall.commune_id, "product.officer_hide", product)
    reason = nfc_multiline(reason)[:1000]
    if not reason:
        raise ValidationError(_l("Nhập lý do."), {"reason": _l("Nhập lý do.")})
    if product.officer_hidden == bool(hidden):
        raise Conflict(_l("Sản phẩm đã bị ẩn.") if hidden else _l("Sản phẩm không bị ẩn."))
    product.officer_hidden = bool(hidden)
    product.officer_hidden_reason = reason if hidden else ""
    audit.record(actor, "product.officer_hide" if hidden else "product.officer_unhide", product,
                 commune_id=product.stall.commune_id, reason=reason,
                 data={"before": {"officer_hidden": not hidden}, "after": {"officer_hidden": bool(hidden)}})
    db.session.commit()
    return product


def price_jumped(old: int, new: int, percent: int) -> bool:
    """True when the price moved by more than `percent` % either way (integer arithmetic)."""
    if not old or old == new:
        return False
    return abs(new - old) * 100 > old * max(percent, 0)


def snapshot(product: Product) -> dict:
    """What an officer compares before/after: the reviewed fields, price and photo keys."""
    return {
        "name": product.name, "category": product.category.name if product.category else "",
        "description": product.description, "unit": product.unit, "price": product.price,
        "photos": [img.key for img in product.images],
    }


# ---- helpers ---------------------------------------------------------------------------------

def _clean_all(data: dict, certifications: list[dict]) -> tuple[dict, list[dict]]:
    """Check the product and its certifications together, so every bad field is reported at once."""
    errors, clean, certs = {}, None, []
    try:
        clean = clean_product_data(data)
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        certs = clean_certifications(certifications)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    return clean, certs


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)




def _add_photos(product: Product, photos) -> None:
    """Store the photos; if one is refused, the files already written for this call are removed."""
    position = max((img.position for img in product.images), default=-1) + 1
    stored = []
    try:
        for stream in photos:
            key, width, height = images.save_photo(
                stream, media_dir(), current_app.config["MAX_IMAGE_BYTES"], "photos")
            stored.append(key)
            product.images.append(ProductImage(key=key, width=width, height=height, position=position))
            position += 1
    except ValidationError:
        for key in stored:
            images.delete_photo(media_dir(), key)
        raise


def _valid_gtin(gtin: str) -> bool:
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return False
    digits = [int(d) for d in gtin.zfill(14)]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:-1]))
    return (10 - total % 10) % 10 == digits[-1]


def ocop_valid(product: Product, today: date) -> bool:
    return bool(product.ocop_stars) and (product.ocop_expiry is None or product.ocop_expiry >= today)


def get_for_viewer(viewer, product_id: int) -> Product:
    """A product as `viewer` may see it: visible on the storefront, or the viewer's own
    (not deleted) product in whatever state; NotFound otherwise."""
    product = db.session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise NotFound(_l("Không tìm thấy sản phẩm."))
    if not product.is_visible and product.stall.owner_id != getattr(viewer, "id", None):
        raise NotFound(_l("Không tìm thấy sản phẩm."))
    return product


def remove_photo(actor, product_id: int, photo_id: int) -> Product:
    """Delete one photo of one's own product; NotFound when the photo is not that product's."""
    product = get_owned(actor, product_id)
    if photo_id not in {img.id for img in product.images}:
        raise NotFound(_l("Không tìm thấy ảnh."))
    return update_product(actor, product_id, {}, remove_photo_ids=(photo_id,))
