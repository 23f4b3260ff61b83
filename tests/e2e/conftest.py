"""Browser tests: the app served by werkzeug on 127.0.0.1 in a thread, driven by Debian's
chromium through Playwright at phone width (360 x 740).

The live app uses the same database as the rest of the suite (a SQLite file, or PostgreSQL
when TEST_DATABASE_URL is set), so a test prepares data with the `make` factories, commits,
and the browser sees it. Unlike the other tests, CSRF protection is on: forms are exercised
as a real browser submits them.

Without /usr/bin/chromium the tests are skipped with the reason; with CI_REQUIRE_BROWSER=1
(set by .ci/run) a missing browser is a failure instead.
"""
import os
import threading

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.config import TestConfig
from tests.gateway_notifications import SETTINGS as GATEWAY_SETTINGS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
SEPAY_KEY = "e2e-sepay-key"  # lets a test play the bank's SePay notification


@pytest.hookimpl(tryfirst=True)  # before -m filters on the marker
def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


def _unavailable(reason: str):
    if os.environ.get("CI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CI_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of the app running in a background thread on a free port."""

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        MEDIA_DIR = app.config["MEDIA_DIR"]
        # Like a second worker of one server: the pages the test's commits refresh are its pages.
        PAGE_CACHE_DIR, PAGE_CACHE_REDIS = app.config["PAGE_CACHE_DIR"], ""
        WTF_CSRF_ENABLED = True
        PUBLIC_BASE_URL = "http://127.0.0.1"
        SEPAY_API_KEY = SEPAY_KEY

    # Card and e-wallet gateways configured with test credentials; a test that starts a payment
    # replaces the providers' HTTP APIs (tests/gateway_notifications.py), nothing reaches them.
    for key, value in GATEWAY_SETTINGS.items():
        setattr(LiveConfig, key, value)
    live = create_app(LiveConfig)
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) at phone size; `page.goto('/...')` is relative to the server."""
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
