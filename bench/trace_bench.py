"""Traceability benchmark (not a test): stamp-sheet PDF time for 1,000 stamps per layout and
trace page latency. Run with `make bench-trace`; uses a throwaway SQLite database unless
BENCH_DATABASE_URL is set."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench.scratch import scratch_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.trace import services, sheets  # noqa: E402
from tests import factories  # noqa: E402

STAMPS = 1000
PAGE_HITS = 200


def main() -> None:
    app = scratch_app()
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        product = factories.product(name="Vải thiều Phúc Hòa loại 1")
        batch = factories.batch(product, events=[("harvested", product.created_at.date())], stamps=STAMPS)
        started = time.perf_counter()
        stamps = services.sheet_stamps(batch)
        print(f"stamp codes for {STAMPS}: {time.perf_counter() - started:.3f} s")
        for layout in sheets.LAYOUTS:
            started = time.perf_counter()
            pdf = sheets.stamp_sheet_pdf(stamps, product.name, batch.code, layout)
            print(f"stamp sheet {layout:8} {STAMPS} stamps: {time.perf_counter() - started:.2f} s, {len(pdf) // 1024} KB")
        codes = list(factories.stamp_codes(batch).values())
    client = app.test_client()
    timings = []
    for i in range(PAGE_HITS):
        started = time.perf_counter()
        response = client.get(f"/t/{codes[i % len(codes)]}")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    print(f"trace page /t/<code>: median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms over {PAGE_HITS} scans, {len(response.data) // 1024} KB")
    with app.app_context():
        db.drop_all()


if __name__ == "__main__":
    main()
