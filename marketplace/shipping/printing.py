"""Shipments to label PDFs: the parties and codes of each shipment, handed to labels.render."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..catalog.units import format_quantity
from ..core import address
from ..core.errors import ValidationError
from ..core.phone import display_phone
from . import labels
from .models import Shipment
from .tracking import CARRIERS

SERVICE_NAMES = {"standard": "Chuyển phát thường", "express": "Chuyển phát nhanh"}
FREIGHT = {"sender": "Người gửi trả cước", "receiver": "Người nhận trả cước"}


def tracking_url(code: str) -> str:
    """The public tracking page a label's QR code opens."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/track/{code}"


def label_for(shipment: Shipment) -> labels.Label:
    so, stall = shipment.stall_order, shipment.stall
    order, commune = so.order, stall.commune
    village = stall.village.name if stall.village else ""
    # Sellers often type the village into their address already; print it once.
    street = stall.address_line if village.lower() in stall.address_line.lower() else ", ".join(
        part for part in (stall.address_line, village) if part)
    ward = address.ward(order.ward_code)
    sender = labels.Party(stall.name, display_phone(stall.phone), street, commune.name, commune.province_name,
                          f"Hộ {stall.household_name}" if stall.household_name else "")
    receiver = labels.Party(order.name, display_phone(order.phone), order.address_line, ward.name if ward else "",
                            address.province_name(order.province_code))
    note = " · ".join(part for part in (FREIGHT.get(shipment.freight_payer, ""), shipment.note) if part)
    return labels.Label(
        carrier=str(CARRIERS.get(shipment.carrier, shipment.carrier)), service=SERVICE_NAMES.get(shipment.service, ""),
        sender=sender, receiver=receiver, order_code=order.code, stall_order_code=so.code,
        weight_grams=shipment.weight_grams, cod_amount=shipment.cod_amount, allow_inspection=shipment.allow_inspection,
        content=shipment.content, barcode_value=shipment.barcode_value, tracking_url=tracking_url(shipment.barcode_value),
        note=note,
    )


def slip_for(shipment: Shipment) -> labels.PackingSlip:
    """Items and quantities; for each product with a batch (lô), the batch on sale and a QR to
    the product page, where buyers see that batch's journey."""
    from ..trace.services import product_summary

    so = shipment.stall_order
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    lines = []
    for item in so.items:
        summary = product_summary(item.product_id)
        product = item.product
        lines.append(labels.SlipLine(
            item.name, f"{format_quantity(item.quantity_milli)} {item.unit_label}",
            summary["batch"].code if summary else "",
            f"{base}/san-pham/{product.id}-{product.slug}" if summary else ""))
    return labels.PackingSlip(so.order.code, so.code, shipment.stall.name, so.order.name, lines)


def clean_format(fmt: str | None) -> str:
    fmt = (fmt or "100x150").lower()
    if fmt not in labels.FORMATS:
        message = _l("Khổ nhãn không hợp lệ (100x150, a6 hoặc a4x4).")
        raise ValidationError(message, {"format": message})
    return fmt


def labels_pdf(shipments: list[Shipment], fmt: str | None = None, slips: bool = False) -> bytes:
    """One PDF with a label per shipment in the chosen format (100x150 by default), each followed
    by its packing slip when `slips`."""
    fmt = clean_format(fmt)
    return labels.render([label_for(s) for s in shipments], fmt, [slip_for(s) for s in shipments] if slips else None)
