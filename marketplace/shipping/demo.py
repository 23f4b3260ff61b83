"""Demo shipments for `flask seed-demo`, made through the real services after the demo orders.

seed_demo(created) takes the demo dict (it uses created["stalls"]). The COD stall order the orders
demo packed is sent with a VNPost number, delivered (cash collected) and remitted; a paid VietQR
stall order is confirmed and gets a shipment waiting at the counter with an internal code.
Returns the shipment codes it made.
"""
from sqlalchemy import select

from ..extensions import db
from ..orders import fulfilment
from ..orders import status as st
from ..orders.models import StallOrder
from . import services
from .models import ACCEPTED, DELIVERED, IN_TRANSIT, OUT_FOR_DELIVERY
from .tracking import s10_check_digit


def _vnpost_number(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"EL{digits}{s10_check_digit(digits)}VN"


def seed_demo(created: dict) -> dict:
    stall_ids = [s.id for s in created.get("stalls", [])]
    if not stall_ids:
        return {}
    waiting = list(db.session.scalars(select(StallOrder).where(
        StallOrder.stall_id.in_(stall_ids), StallOrder.status.in_((st.PACKED, st.PAID))).order_by(StallOrder.id)))
    made = {}
    for n, so in enumerate(waiting[:4]):
        if services.for_stall_order(so) is not None:
            continue
        seller = so.stall.owner
        if so.status == st.PAID:
            fulfilment.seller_action(seller, so.code, "confirm")
            made["waiting"] = services.create_shipment(seller, so.code, {}).code
            continue
        shipment = services.create_shipment(seller, so.code, {"tracking_number": _vnpost_number(49161088 + n)})
        for kind in (ACCEPTED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED):
            services.add_event(seller, shipment.code, kind)
        if shipment.cod_amount:
            services.record_remittance(seller, shipment.code, shipment.cod_amount)
        made["delivered"] = shipment.barcode_value
    return made
