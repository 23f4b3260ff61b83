"""Page weight at phone width: a listing page is small and few requests, photos below the fold wait
until scrolled to and keep their box, and the header leaves the first screen to the content."""
import gzip

from tests.e2e.conftest import horizontal_overflow

BUDGET_KB = 50
BUDGET_REQUESTS = 10


def _load(page, path):
    seen = []

    def record(response):
        seen.append(response)

    page.on("response", record)
    page.goto(path, wait_until="load")
    page.remove_listener("response", record)
    return seen


def _text_kb(responses) -> float:
    total = 0
    for response in responses:
        if response.request.resource_type in ("document", "stylesheet", "script"):
            total += len(gzip.compress(response.body(), 6))
    return total / 1024


def test_listing_pages_stay_within_the_3g_budget(make, page):
    stall = make.stall()
    products = [make.product(stall, name=f"Vải thiều mẻ {i}") for i in range(24)]
    for path in (f"/danh-muc/{products[0].category.slug}", f"/cho/{stall.commune.slug}", f"/gian-hang/{stall.slug}", "/"):
        responses = _load(page, path)
        assert responses[0].status == 200, path
        assert _text_kb(responses) <= BUDGET_KB, path
        assert len(responses) <= BUDGET_REQUESTS, (path, [r.url for r in responses])
        below = page.evaluate("""() => [...document.images].filter(i => i.getBoundingClientRect().top >= innerHeight)
            .map(i => ({lazy: i.loading === 'lazy', sized: !!(i.getAttribute('width') && i.getAttribute('height'))}))""")
        assert below, path  # 24 cards: some are below the fold
        assert all(img["lazy"] and img["sized"] for img in below), path


def test_the_header_takes_one_row_at_360px(make, page):
    page.goto("/")
    page.screenshot(path="/tmp/perf-header.png")
    height = page.evaluate("document.querySelector('.top-row').getBoundingClientRect().height")
    assert height <= 64
    assert horizontal_overflow(page) == 0
    # Every link of the header stays reachable (the row scrolls sideways).
    page.get_by_role("link", name="Đăng ký").click()
    assert "/dang-ky" in page.url
