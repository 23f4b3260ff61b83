"""Plain factories for tests: each returns a committed object with sensible Vietnamese data."""
import functools
import io
import itertools

from PIL import Image
from werkzeug.security import generate_password_hash

from marketplace.accounts.models import User
from marketplace.catalog.models import Category, Product, ProductStatus
from marketplace.communes.models import Commune, OfficerAssignment, Village
from marketplace.core import address
from marketplace.core.text import slugify
from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus

PASSWORD = "matkhau123"
_seq = itertools.count(1)





def _n() -> int:
    return next(_seq)


@functools.lru_cache(maxsize=8)
def _password_hash(password: str) -> str:
    # Hashing is deliberately slow; tests hash each distinct password once.
    return generate_password_hash(password)


def user(name="Nguyễn Văn An", phone=None, admin=False, password=PASSWORD) -> User:
    phone = phone or f"+8491{_n():07d}"
    u = User(phone=phone, name=name, is_admin=admin, password_hash=_password_hash(password))
    db.session.add(u)
    db.session.commit()
    return u


def commune(name_contains="Phúc Hòa", requires_product_review=True, villages=("Thôn Đồng",)) -> Commune:
    from vietnam_provinces import Ward

    ward = next(w for w in Ward.iter_all() if w.name.endswith(name_contains))
    existing = db.session.query(Commune).filter_by(ward_code=int(ward.code)).one_or_none()
    if existing:
        return existing
    province = address.province_name(int(ward.province_code))
    c = Commune(
        ward_code=int(ward.code), province_code=int(ward.province_code), name=ward.name,
        province_name=province, slug=slugify(f"{ward.name} {address.short_name(province)}"),
        requires_product_review=requires_product_review,
    )
    for v in villages:
        c.villages.append(Village(name=v))
    db.session.add(c)
    db.session.commit()
    return c


def officer(commune_obj=None, name="Trần Thị Bình") -> User:
    u = user(name=name)
    db.session.add(OfficerAssignment(user=u, commune=commune_obj or commune()))
    db.session.commit()
    return u


def stall(owner=None, commune_obj=None, status=StallStatus.APPROVED, name=None) -> Stall:
    owner = owner or user(name="Hộ Nguyễn Văn Tiệp")
    commune_obj = commune_obj or commune()
    n = _n()
    name = name or f"Vườn vải nhà Tiệp {n}"
    s = Stall(
        owner_id=owner.id, commune_id=commune_obj.id, village_id=commune_obj.villages[0].id if commune_obj.villages else None,
        name=name, slug=f"{slugify(name)}-{n}", household_name=owner.name, id_number="024090001234",
        phone=owner.phone, address_line="Thôn Đồng", story="Vườn vải gia đình ba đời.",
        bank_bin="970405", bank_account="1500205123456", bank_holder="NGUYEN VAN TIEP", status=status,
    )
    db.session.add(s)
    db.session.commit()
    return s


def category(name="Trái cây") -> Category:
    slug = slugify(name)
    existing = db.session.query(Category).filter_by(slug=slug).one_or_none()
    if existing:
        return existing
    c = Category(name=name, slug=slug)
    db.session.add(c)
    db.session.commit()
    return c


def product(stall_obj=None, name="Vải thiều Phúc Hòa", price=45000, unit="kg", stock_milli=100_000,
            status=ProductStatus.APPROVED, category_name="Trái cây", **extra) -> Product:
    stall_obj = stall_obj or stall()
    p = Product(
        stall=stall_obj, category=category(category_name), name=name, slug=slugify(name), price=price,
        unit=unit, stock_milli=stock_milli, status=status,
        step_milli=extra.pop("step_milli", 500 if unit in ("kg", "lit") else 1000),
        min_milli=extra.pop("min_milli", 1000), **extra,
    )
    db.session.add(p)
    db.session.commit()
    return p


def jpeg_bytes(size=(800, 600), color=(200, 60, 40), exif_gps=False) -> bytes:
    """A real JPEG; with exif_gps it carries a GPS tag like a phone photo does."""
    img = Image.new("RGB", size, color)
    buf = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (21.0, 17.0, 0.0)}  # GPSInfo
        exif[0x0112] = 6  # orientation: rotate 90
        img.save(buf, "JPEG", exif=exif)
    else:
        img.save(buf, "JPEG")
    return buf.getvalue()


def bearer(user_obj) -> dict:
    """Authorization headers with a fresh API token of `user_obj`."""
    from marketplace.accounts.services import issue_token

    return {"Authorization": f"Bearer {issue_token(user_obj, 'test')}"}


# ---- trace ------------------------------------------------------------------------------------

def batch(product_obj=None, code=None, events=(), stamps=0, **extra):
    """A batch of `product_obj` created through the service (as its owner), with optional
    events (kind, day) and `stamps` issued."""
    from datetime import date

    from marketplace.trace import services as trace

    product_obj = product_obj or product()
    owner = product_obj.stall.owner
    b = trace.create_batch(owner, product_obj.id, {"code": code, "harvested_on": extra.pop("harvested_on", date(2026, 6, 1)), **extra})
    for kind, day in events:
        trace.add_event(owner, b.id, {"kind": kind, "happened_on": day, "note": f"{kind} note"})
    if stamps:
        trace.issue_stamps(owner, b.id, stamps)
    return b


def stamp_codes(batch_obj) -> dict[int, str]:
    """serial -> public code of a batch's stamps."""
    from marketplace.trace import services as trace
    from marketplace.trace.models import Stamp

    rows = db.session.query(Stamp).filter_by(batch_id=batch_obj.id).order_by(Stamp.serial).all()
    return {s.serial: trace.stamp_code(s) for s in rows}


# ---- orders -----------------------------------------------------------------------------------

def delivery(commune_obj=None, **overrides) -> dict:
    """Checkout delivery fields for an address in `commune_obj` (by default the factory commune)."""
    commune_obj = commune_obj or commune()
    data = {"name": "Phạm Thị Mua", "phone": "0912 000 111", "province_code": commune_obj.province_code,
            "ward_code": commune_obj.ward_code, "address_line": "Số 1, thôn Đồng", "note": ""}
    data.update(overrides)
    return data


def order(buyer=None, items=(), methods=None, **delivery_overrides):
    """Place an order through the real services: `items` is [(product, quantity_milli)], `methods`
    maps stall id -> "vietqr" | "cod". A guest order when buyer is None."""
    from marketplace.orders import cart, services

    session_cart = {}
    for product_obj, milli in items:
        cart.set_quantity(buyer, session_cart, product_obj.id, milli)
    return services.place_order(buyer, session_cart, delivery(**delivery_overrides), methods or {})


# ---- shipping ---------------------------------------------------------------------------------

def confirmed_order(product_obj=None, quantity_milli=1000, cod=True, buyer=None, **delivery_overrides):
    """A stall order the seller has confirmed (COD by default; a VietQR one is paid first)."""
    from marketplace.orders import fulfilment
    from marketplace.payments import services as payments

    product_obj = product_obj or product()
    methods = {product_obj.stall_id: "cod"} if cod else {}
    so = order(buyer, [(product_obj, quantity_milli)], methods=methods, **delivery_overrides).stall_orders[0]
    if not cod:
        payments.mark_received(product_obj.stall.owner, so.code, so.total)
    fulfilment.seller_action(product_obj.stall.owner, so.code, "confirm")
    return so


def shipment(stall_order=None, **data):
    """A shipment made through the service by the stall's owner (fields prefilled from the order)."""
    from marketplace.shipping import services as shipping

    stall_order = stall_order or confirmed_order()
    return shipping.create_shipment(stall_order.stall.owner, stall_order.code, data)


def delivered(stall_order):
    """Take a stall order the way a seller does: confirm, hand a parcel to the post, delivered."""
    from marketplace.orders import fulfilment
    from marketplace.shipping import services as shipping

    owner = stall_order.stall.owner
    fulfilment.seller_action(owner, stall_order.code, "confirm")
    parcel = shipment(stall_order)
    shipping.add_event(owner, parcel.code, "delivered")
    return stall_order


# ---- admin ------------------------------------------------------------------------------------

def admin_world() -> dict:
    """Two communes, X (Phúc Hòa) and Y (Yên Mô), each with an officer, an approved stall
    with a product on sale, and a pending stall; plus an admin, a buyer and a stall order
    of each stall (COD, placed)."""
    x, y = commune(), commune("Yên Mô", villages=("Thôn Yên Thổ",))
    w = {"x": x, "y": y, "officer_x": officer(x, name="Cán bộ X"), "officer_y": officer(y, name="Cán bộ Y"),
         "admin": user(name="Quản trị", admin=True), "buyer": user(name="Người mua")}
    for key, c in (("x", x), ("y", y)):
        w[f"stall_{key}"] = stall(commune_obj=c, name=f"Gian {key.upper()}")
        w[f"product_{key}"] = product(w[f"stall_{key}"], name=f"Sản phẩm {key.upper()}")
        w[f"pending_{key}"] = stall(commune_obj=c, status=StallStatus.PENDING, name=f"Gian chờ {key.upper()}")
        w[f"order_{key}"] = order(w["buyer"], [(w[f"product_{key}"], 1000)], {w[f"stall_{key}"].id: "cod"})
    w["seller_x"] = w["stall_x"].owner
    return w


def report(reporter, product_obj=None, stall_obj=None, category="fake_origin", text="Không phải vải Phúc Hòa"):
    """A buyer's report through the service."""
    from marketplace.admin import reports

    return reports.create_report(reporter, category, text, product_id=product_obj.id if product_obj else None,
                                  stall_id=stall_obj.id if stall_obj else None)
