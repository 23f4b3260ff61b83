"""Demo traceability data for `flask seed-demo`.

`seed_demo(created)` takes what the demo loader made, a dict like
    {"products": [Product, ...], "stalls": [Stall, ...], "users": {"seller": User, ...}}
(only "products" is used; each product's stall owner acts), and gives the first three
products a batch with a journey and 20 stamps; the first batch is also scanned once so its
journey shows as frozen. Returns {"batches": [...], "stamp_codes": [...]} for the loader to print.
"""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from . import services
from .models import EventKind, Stamp

JOURNEY = (
    (EventKind.PLANTED, 120, "Giống địa phương", None, "Trồng trên đất vườn gia đình."),
    (EventKind.FERTILISED, 60, "Phân chuồng hoai mục", None, "Bón gốc sau đợt mưa."),
    (EventKind.SPRAYED, 25, "Chế phẩm sinh học Trichoderma", 14, "Phòng nấm theo hướng dẫn VietGAP."),
    (EventKind.HARVESTED, 2, "", None, "Thu hái buổi sáng sớm."),
    (EventKind.PACKED, 1, "Hộp carton 5 kg", None, "Phân loại quả đều, loại quả dập."),
)


def seed_demo(created: dict, stamps_per_batch: int = 20) -> dict:
    batches, stamp_codes = [], []
    today = services.local_today()
    for product in list(created.get("products") or [])[:3]:
        owner = product.stall.owner
        batch = services.create_batch(owner, product.id, {
            "harvested_on": today - timedelta(days=2), "packed_on": today - timedelta(days=1),
            "best_before": today + timedelta(days=10), "quantity_milli": 500_000,
            "certification_ids": [c.id for c in product.certifications],
        })
        for kind, days_ago, material, preharvest, note in JOURNEY:
            services.add_event(owner, batch.id, {
                "kind": kind, "happened_on": today - timedelta(days=days_ago), "material": material,
                "preharvest_days": preharvest, "note": note,
            })
        services.issue_stamps(owner, batch.id, stamps_per_batch)
        first = db.session.scalars(select(Stamp).where(Stamp.batch_id == batch.id).order_by(Stamp.serial)).first()
        stamp_codes.append(services.stamp_url(services.stamp_code(first)))
        batches.append(batch)
    if batches:
        first = db.session.scalars(select(Stamp.id).where(Stamp.batch_id == batches[0].id)).first()
        services.record_scan(first, "127.0.0.1", "Demo")
    return {"batches": batches, "stamp_codes": stamp_codes}
