"""Shipments: created by the seller from a confirmed or packed stall order, edited until the
parcel is handed over, then moved along by the carrier's updates. The stall order follows
through orders' state machine: handed over -> shipped, delivered -> delivered (for COD the cash
was collected), returned -> cancelled (or refund pending when it was paid)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..catalog.units import UNITS, format_quantity
from ..communes.services import can_manage
from ..core import audit
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc, nfc_multiline
from ..core.timeutil import utcnow
from ..extensions import db
from ..orders import fulfilment
from ..orders import status as st
from ..orders.models import StallOrder
from . import models as m
from .models import Shipment, TrackingEvent
from .tracking import CARRIERS, clean_tracking_number, new_shipment_code, normalize

SERVICES = {"standard": _l("Chuyển phát thường"), "express": _l("Chuyển phát nhanh")}
FREIGHT_PAYERS = {"sender": _l("Người gửi trả cước"), "receiver": _l("Người nhận trả cước")}
SHIPPABLE = (st.CONFIRMED, st.PACKED)
STATUS_LABELS = {
    m.CREATED: _l("Chờ gửi hàng"), m.ACCEPTED: _l("Bưu cục đã nhận hàng"), m.IN_TRANSIT: _l("Đang vận chuyển"),
    m.OUT_FOR_DELIVERY: _l("Đang giao hàng"), m.DELIVERED: _l("Đã giao hàng"), m.RETURNED: _l("Đã hoàn trả"),
    m.CANCELLED: _l("Đã hủy"),
}
MAX_WEIGHT = 100_000  # grams: a parcel, not a truck
MAX_SIDE = 300  # cm
MAX_COD = 100_000_000
MAX_BATCH = 500
EDITABLE = ("carrier", "service", "weight_grams", "length_cm", "width_cm", "height_cm", "cod_amount",
            "allow_inspection", "freight_payer", "content", "note", "tracking_number")


# ---- finding shipments and who may see them -----------------------------------------------------

def _find(code: str) -> Shipment | None:
    value = normalize(code)[:40]
    if not value:
        return None
    return db.session.scalar(select(Shipment).where(or_(Shipment.code == value, Shipment.tracking_number == value))
                             .order_by(Shipment.id).limit(1))


def for_seller(actor, code: str) -> Shipment:
    """A shipment of the actor's own stall (by internal code or tracking number); 404 otherwise, logged."""
    shipment = _find(code)
    if shipment is None:
        raise NotFound(_l("Không tìm thấy vận đơn."))
    if shipment.stall.owner_id != getattr(actor, "id", None):
        deny(actor, "shipment.view", shipment)
        raise NotFound(_l("Không tìm thấy vận đơn."))
    return shipment


def for_label(actor, code: str) -> Shipment:
    """The seller, or an officer of the stall's commune (read-only), may print a label; others
    get 403 when signed in, logged."""
    shipment = _find(code)
    if shipment is None:
        raise NotFound(_l("Không tìm thấy vận đơn."))
    if shipment.stall.owner_id == getattr(actor, "id", None) or can_manage(actor, shipment.stall.commune_id):
        return shipment
    raise deny(actor, "shipment.label", shipment)


def for_stall_order(stall_order: StallOrder) -> Shipment | None:
    return db.session.scalar(select(Shipment).where(Shipment.stall_order_id == stall_order.id))


def for_stall_orders(stall_order_ids) -> dict[int, Shipment]:
    """The shipments of several stall orders in one query (an order page shows them all)."""
    rows = db.session.scalars(select(Shipment).where(Shipment.stall_order_id.in_(list(stall_order_ids))))
    return {shipment.stall_order_id: shipment for shipment in rows}


def stall_shipments(stall, status: str | None = None):
    """The stall's shipments, newest first (waiting to be sent first)."""
    query = select(Shipment).where(Shipment.stall_id == stall.id).options(
        selectinload(Shipment.stall_order).selectinload(StallOrder.order))
    if status in STATUS_LABELS:
        query = query.where(Shipment.status == status)
    return query.order_by((Shipment.status == m.CREATED).desc(), Shipment.created_at.desc(), Shipment.id.desc())


def for_batch(actor, codes) -> list[Shipment]:
    """The actor's own shipments among `codes`, in the order given; any code that is not theirs
    (or does not exist) makes the whole batch 404, so nobody prints someone else's labels."""
    codes = [normalize(c) for c in codes if c and c.strip()][:MAX_BATCH]
    if not codes:
        raise ValidationError(_l("Chọn ít nhất một vận đơn để in."))
    return [for_seller(actor, code) for code in dict.fromkeys(codes)]


# ---- creating and editing -----------------------------------------------------------------------

def defaults(stall_order: StallOrder) -> dict:
    """What the shipment form starts with: weight and content from the items, COD for COD orders."""
    weight = sum(item.weight_grams for item in stall_order.items) or 100
    content = ", ".join(f"{i.name} {format_quantity(i.quantity_milli)} {UNITS.get(i.unit, UNITS['cai']).label}"
                        for i in stall_order.items)
    cod = max(stall_order.total - stall_order.paid_amount, 0) if stall_order.payment_method == "cod" else 0
    return {"carrier": "vnpost", "service": "standard", "weight_grams": min(weight, MAX_WEIGHT), "length_cm": None,
            "width_cm": None, "height_cm": None, "cod_amount": cod, "allow_inspection": True,
            "freight_payer": "sender", "content": content[:255], "note": "", "tracking_number": ""}


def _int_in(value, low: int, high: int, optional: bool = False):
    if value in (None, "") and optional:
        return None
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip())
    if not low <= number <= high:
        raise ValueError
    return number


def clean(data: dict, base: dict) -> dict:
    """The shipment fields from `data` over `base`, checked; ValidationError naming every bad field."""
    values = {**base, **{k: v for k, v in data.items() if k in EDITABLE}}
    errors, out = {}, {}
    for name, choices, message in (("carrier", CARRIERS, _l("Chọn đơn vị vận chuyển.")),
                                   ("service", SERVICES, _l("Chọn dịch vụ.")),
                                   ("freight_payer", FREIGHT_PAYERS, _l("Chọn người trả cước."))):
        out[name] = values.get(name)
        if out[name] not in choices:
            errors[name] = message
    for name, low, high, optional, message in (
            ("weight_grams", 1, MAX_WEIGHT, False, _l("Khối lượng từ 1 g đến 100 kg.")),
            ("cod_amount", 0, MAX_COD, False, _l("Nhập số tiền thu hộ hợp lệ (đồng).")),
            ("length_cm", 1, MAX_SIDE, True, _l("Kích thước từ 1 đến 300 cm.")),
            ("width_cm", 1, MAX_SIDE, True, _l("Kích thước từ 1 đến 300 cm.")),
            ("height_cm", 1, MAX_SIDE, True, _l("Kích thước từ 1 đến 300 cm."))):
        try:
            out[name] = _int_in(values.get(name), low, high, optional)
        except (TypeError, ValueError):
            errors[name] = message
    out["allow_inspection"] = bool(values.get("allow_inspection"))
    out["content"] = nfc(values.get("content"))[:255]
    if not out["content"]:
        errors["content"] = _l("Ghi nội dung hàng hóa.")
    out["note"] = nfc_multiline(values.get("note"))[:500]
    out["tracking_number"] = ""
    if values.get("tracking_number") and "carrier" not in errors:
        try:
            out["tracking_number"] = clean_tracking_number(out["carrier"], str(values["tracking_number"]))
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationError(_l("Vui lòng sửa các ô được đánh dấu."), errors)
    return out


def _check_number_free(number: str, carrier: str, shipment_id=None) -> None:
    """A tracking number names one parcel: not another shipment's number at the same carrier,
    nor another shipment's internal code (the tracking page finds parcels by either)."""
    if not number:
        return
    taken = db.session.scalar(select(func.count()).where(
        or_(Shipment.code == number, (Shipment.tracking_number == number) & (Shipment.carrier == carrier)),
        Shipment.id != (shipment_id or -1)))
    if taken:
        message = _l("Mã vận đơn này đã dùng cho một đơn khác.")
        raise Conflict(message, {"tracking_number": message})


def _unique_code() -> str:
    for _ in range(10):
        code = new_shipment_code()
        if _find(code) is None:
            return code
    raise RuntimeError("could not draw a free shipment code")


def create_shipment(actor, stall_order_code: str, data: dict) -> Shipment:
    """One shipment for a confirmed or packed stall order of the actor's own stall, prefilled
    from the order where `data` is silent. Audited (the COD amount is money the carrier collects)."""
    so = fulfilment.stall_order_for_seller(actor, stall_order_code)
    if for_stall_order(so) is not None:
        raise Conflict(_l("Đơn này đã có vận đơn."))
    if so.status not in SHIPPABLE:
        raise Conflict(_l("Chỉ tạo vận đơn cho đơn đã xác nhận hoặc đã đóng gói."))
    values = clean(data, defaults(so))
    _check_number_free(values["tracking_number"], values["carrier"])
    now = utcnow()
    shipment = Shipment(stall_order_id=so.id, stall_id=so.stall_id, code=_unique_code(), created_at=now,
                        updated_at=now, status=m.CREATED, **values)
    try:
        db.session.add(shipment)
        db.session.flush()  # two taps on "create" at once: the unique stall order id lets one win
        audit.record(actor, "shipment.create", shipment, commune_id=so.stall.commune_id,
                     data={"stall_order": so.code, "cod_amount": shipment.cod_amount, "carrier": shipment.carrier})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("Đơn này đã có vận đơn."))
    return shipment


def update_shipment(actor, code: str, data: dict) -> Shipment:
    """Change the parcel's details while it waits to be sent; afterwards only the tracking number
    and note. A COD change is audited."""
    shipment = for_seller(actor, code)
    if shipment.is_final:
        raise Conflict(_l("Vận đơn đã kết thúc, không sửa được."))
    current = {name: getattr(shipment, name) for name in EDITABLE}
    if shipment.status != m.CREATED and any(k in data and data[k] != current[k] and k not in ("tracking_number", "note")
                                            for k in EDITABLE):
        raise Conflict(_l("Hàng đã gửi: chỉ sửa được mã vận đơn và ghi chú."))
    values = clean(data, current)
    _check_number_free(values["tracking_number"], values["carrier"], shipment.id)
    changed = {k: v for k, v in values.items() if v != current[k]}
    for key, value in changed.items():
        setattr(shipment, key, value)
    shipment.updated_at = utcnow()
    if "tracking_number" in changed and shipment.status != m.CREATED:
        shipment.stall_order.tracking_number = shipment.barcode_value  # the orders pages' copy
    if "cod_amount" in changed:
        audit.record(actor, "shipment.cod_change", shipment, commune_id=shipment.stall.commune_id,
                     data={"from": current["cod_amount"], "to": shipment.cod_amount})
    db.session.commit()
    return shipment


def set_tracking_number(actor, code: str, number: str) -> Shipment:
    """Add (or correct) the carrier's tracking number, checked for the shipment's carrier."""
    return update_shipment(actor, code, {"tracking_number": number or ""})


def delete_shipment(actor, code: str) -> None:
    """Withdraw a shipment made by mistake, only while the parcel has not been handed over."""
    shipment = for_seller(actor, code)
    if shipment.status != m.CREATED:
        raise Conflict(_l("Hàng đã gửi, không xóa được vận đơn."))
    audit.record(actor, "shipment.delete", shipment, commune_id=shipment.stall.commune_id,
                 data={"code": shipment.code, "cod_amount": shipment.cod_amount})
    db.session.delete(shipment)
    db.session.commit()


# ---- carrier updates ----------------------------------------------------------------------------

_SHIP_PATH = (st.PACKED, st.SHIPPED)
_NEXT = {m.CREATED: {m.ACCEPTED, m.IN_TRANSIT, m.OUT_FOR_DELIVERY, m.DELIVERED},
         m.ACCEPTED: {m.IN_TRANSIT, m.OUT_FOR_DELIVERY, m.DELIVERED, m.RETURNED},
         m.IN_TRANSIT: {m.IN_TRANSIT, m.OUT_FOR_DELIVERY, m.DELIVERED, m.RETURNED},
         m.OUT_FOR_DELIVERY: {m.IN_TRANSIT, m.OUT_FOR_DELIVERY, m.DELIVERED, m.RETURNED}}


def _ship(so: StallOrder, shipment: Shipment, actor) -> None:
    """Walk the stall order to shipped (through packed) with the shipment's code on it."""
    for target in _SHIP_PATH:
        if so.status != target and st.can_move(so.status, target):
            fields = {"tracking_number": shipment.barcode_value} if target == st.SHIPPED else {}
            st.set_status(so, target, actor=actor, note=shipment.barcode_value if fields else "", **fields)


def add_event(actor, code: str, kind: str, note: str = "") -> Shipment:
    """Record a carrier update. The first update hands the parcel over (stall order -> shipped);
    delivered moves the stall order to delivered (COD: the cash counts as collected, audited);
    returned cancels it (refund pending when paid; the stock comes back). One transaction;
    racing updates of one shipment apply one after the other."""
    if kind not in m.EVENT_KINDS:
        raise ValidationError(_l("Chọn trạng thái vận chuyển."), {"kind": _l("Chọn trạng thái vận chuyển.")})
    shipment_id = for_seller(actor, code).id
    st.write_transaction()
    try:
        # Locked (PostgreSQL; SQLite's write transaction already serializes): two taps on
        # "delivered" record one update, not two.
        shipment = db.session.get(Shipment, shipment_id, with_for_update=True, populate_existing=True)
        if kind not in _NEXT.get(shipment.status, ()):
            raise Conflict(_l("Không thể ghi “%(kind)s” khi vận đơn đang “%(status)s”.",
                              kind=STATUS_LABELS[kind], status=STATUS_LABELS[shipment.status]))
        so = shipment.stall_order
        _ship(so, shipment, actor)
        if kind == m.DELIVERED:
            fields = {"paid_amount": so.total, "paid_at": utcnow()} if so.payment_method == "cod" else {}
            st.set_status(so, st.DELIVERED, actor=actor, note=shipment.barcode_value, **fields)
            if fields:
                audit.record(actor, "shipment.cod_collected", shipment, commune_id=so.stall.commune_id,
                             data={"amount": so.total, "cod_amount": shipment.cod_amount})
        elif kind == m.RETURNED:
            reason = str(_l("Bưu gửi bị hoàn trả"))
            target = st.REFUND_PENDING if so.paid_amount > 0 else st.CANCELLED
            st.set_status(so, target, actor=actor, note=reason, cancel_reason=reason)
            audit.record(actor, "shipment.returned", shipment, commune_id=so.stall.commune_id, reason=reason,
                         data={"paid_amount": so.paid_amount})
        shipment.status, shipment.updated_at = kind, utcnow()
        db.session.add(TrackingEvent(shipment=shipment, kind=kind, note=nfc(note)[:500], actor_id=getattr(actor, "id", None)))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return shipment


def record_remittance(actor, code: str, amount) -> Shipment:
    """Record that the carrier paid the collected COD cash to the seller (once; audited)."""
    shipment = for_seller(actor, code)
    if shipment.cod_amount <= 0 or shipment.status != m.DELIVERED:
        raise Conflict(_l("Chỉ đối soát tiền thu hộ của vận đơn COD đã giao."))
    if shipment.cod_remitted_at is not None:
        raise Conflict(_l("Đã ghi nhận tiền thu hộ cho vận đơn này."))
    try:
        amount = _int_in(amount, 1, MAX_COD)
    except (TypeError, ValueError):
        message = _l("Nhập số tiền đã nhận (đồng).")
        raise ValidationError(message, {"amount": message})
    shipment.cod_remitted_amount, shipment.cod_remitted_at = amount, utcnow()
    audit.record(actor, "shipment.cod_remitted", shipment, commune_id=shipment.stall.commune_id,
                 data={"amount": amount, "cod_amount": shipment.cod_amount})
    db.session.commit()
    return shipment


@st.status_changed.connect
def _order_left_the_road(stall_order, old, new, actor=None, note=""):
    """A stall order cancelled before its parcel left voids the waiting shipment."""
    if new in st.RESTOCK and old in SHIPPABLE:
        shipment = for_stall_order(stall_order)
        if shipment is not None and shipment.status == m.CREATED:
            shipment.status, shipment.updated_at = m.CANCELLED, utcnow()


# ---- public tracking ----------------------------------------------------------------------------

def public_tracking(code: str) -> dict:
    """What anyone with the code may see: carrier, status, timeline (kinds and times), and only the
    commune and province at each end. No names, phones, streets or notes."""
    shipment = _find(code)
    if shipment is None or shipment.status == m.CANCELLED:
        raise NotFound(_l("Không tìm thấy vận đơn."))
    from ..core import address

    order = shipment.stall_order.order
    ward = address.ward(order.ward_code)
    commune = shipment.stall.commune
    return {
        "code": shipment.barcode_value, "carrier": shipment.carrier, "carrier_label": str(CARRIERS[shipment.carrier]),
        "status": shipment.status, "status_label": str(STATUS_LABELS[shipment.status]),
        "from": {"commune": commune.name, "province": commune.province_name},
        "to": {"commune": ward.name if ward else "", "province": address.province_name(order.province_code)},
        "events": [{"kind": m.CREATED, "label": str(_l("Người bán tạo vận đơn")), "at": shipment.created_at}]
        + [{"kind": e.kind, "label": str(STATUS_LABELS[e.kind]), "at": e.created_at} for e in shipment.events],
    }
