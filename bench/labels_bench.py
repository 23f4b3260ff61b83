"""Shipping label benchmark (not a test): seconds to print 100 labels in one PDF, per format and
through the seller's batch-print page. Run with `make bench-labels`; uses a throwaway SQLite
database unless BENCH_DATABASE_URL is set."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench.scratch import scratch_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.orders.models import StallOrder  # noqa: E402
from marketplace.shipping import labels, printing, services  # noqa: E402
from marketplace.shipping.models import Shipment  # noqa: E402
from marketplace.shipping.tracking import new_shipment_code  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import login  # noqa: E402

LABELS = 100


def _shipments(count: int) -> list[Shipment]:
    so = factories.confirmed_order(factories.product(price=350_000), name="Nguyễn Thị Hương")
    made = [factories.shipment(so)]
    for n in range(count - 1):  # the same parcel details on fresh stall orders: the PDF is what is timed
        copy = StallOrder(order_id=so.order_id, stall_id=so.stall_id, code=f"CXB{n:05d}", payment_method="cod",
                          status="confirmed", subtotal=so.subtotal, shipping_fee=0, total=so.total)
        db.session.add(copy)
        db.session.flush()
        made.append(Shipment(stall_order_id=copy.id, stall_id=so.stall_id, code=new_shipment_code(),
                             **services.defaults(so)))
        db.session.add(made[-1])
    db.session.commit()
    return made


def main() -> None:
    app = scratch_app()
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        shipments = _shipments(LABELS)
        printing.labels_pdf(shipments[:1])  # font registration happens once per process
        for fmt in labels.FORMATS:
            started = time.perf_counter()
            pdf = printing.labels_pdf(shipments, fmt)
            print(f"{LABELS} labels {fmt:8}: {time.perf_counter() - started:.2f} s, {len(pdf) // 1024} KB")
        client = app.test_client()
        login(client, shipments[0].stall.owner)
        query = "&".join(f"code={s.code}" for s in shipments)
        started = time.perf_counter()
        response = client.get(f"/gian-hang-cua-toi/van-don/in-nhan?{query}")
        assert response.status_code == 200
        print(f"{LABELS} labels via the batch-print page: {time.perf_counter() - started:.2f} s")
        db.drop_all()


if __name__ == "__main__":
    main()
