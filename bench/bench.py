"""`make bench`: how fast this machine serves Chợ Xã (a measurement that prints figures, not a test).

Seeds a scratch catalogue (BENCH_PRODUCTS / BENCH_STALLS / BENCH_COMMUNES, default 100,000 /
2,000 / 50) into a throwaway SQLite file, or into BENCH_DATABASE_URL (PostgreSQL; its tables are
dropped and recreated), starts gunicorn with gunicorn.conf.py on loopback and drives it from
separate processes: wrk for the pages (a small Python load generator when wrk is absent) and
Python threads for add-to-cart + checkout. Then the work items of bench/work_items.py (stamp
sheet, label batch, commune and admin dashboards, product CSV export), page weight through
chromium and Lighthouse when npm can provide it. Prints one table and writes
bench/results.json. Everything stays on 127.0.0.1 and every phase is bounded in time.
"""
import gzip
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date, timedelta

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
from bench import work_items  # noqa: E402
PYTHON = sys.executable
BIN = os.path.dirname(sys.executable)

PRODUCTS = work_items.PRODUCTS
STALLS = int(os.environ.get("BENCH_STALLS", 2_000))
COMMUNES = int(os.environ.get("BENCH_COMMUNES", 50))
SECONDS = float(os.environ.get("BENCH_SECONDS", 8))
CONNECTIONS = tuple(int(c) for c in os.environ.get("BENCH_CONNECTIONS", "16,64").split(","))
RESULTS = os.path.join(ROOT, "bench", "results.json")
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
SERVER_SECRET = "bench-only-secret"

NAMES = ("Vải thiều", "Nhãn lồng", "Gạo tám thơm", "Mật ong rừng", "Chè Thái Nguyên", "Bưởi Diễn",
         "Cam Cao Phong", "Miến dong", "Trứng gà ta", "Măng khô", "Tỏi Lý Sơn", "Cà phê Cầu Đất")
CATEGORIES = ("Trái cây", "Gạo và ngũ cốc", "Đặc sản", "Rau củ", "Đồ khô", "Đồ uống")


# ---- the scratch catalogue ---------------------------------------------------------------------

def make_app(database_url, workdir):
    from marketplace import create_app
    from marketplace.config import TestConfig

    class Config(TestConfig):
        SECRET_KEY = SERVER_SECRET  # stamp codes are signed with it: the server must know them
        SQLALCHEMY_DATABASE_URI = database_url
        MEDIA_DIR = os.path.join(workdir, "media")
        SEARCH_INDEX_DIR = os.path.join(workdir, "search-index")  # where the served app looks
        PAGE_CACHE_DIR = os.path.join(workdir, "pagecache")
        PUBLIC_BASE_URL = "http://127.0.0.1"

    return create_app(Config)


def seed(app) -> dict:
    """Bulk-insert the catalogue; returns the URLs and ids the load phases need."""
    from sqlalchemy import insert, select, text
    from vietnam_provinces import Ward

    from marketplace.accounts.models import User
    from marketplace.catalog.models import Category, Product, ProductStatus
    from marketplace.communes.models import Commune
    from marketplace.core import address
    from marketplace.core.text import slugify
    from marketplace.core.timeutil import utcnow
    from marketplace.extensions import db
    from marketplace.stalls.models import Stall, StallStatus
    from tests import factories

    started = time.perf_counter()
    db.drop_all()
    db.create_all()
    home = factories.commune()  # a real ward: checkout quotes need a real address
    wards = [w for w in Ward.iter_all() if int(w.code) != home.ward_code][: COMMUNES - 1]
    db.session.execute(insert(Commune), [
        {"ward_code": int(w.code), "province_code": int(w.province_code), "name": w.name,
         "province_name": address.province_name(int(w.province_code)),
         "slug": f"{slugify(w.name)}-{int(w.code)}", "requires_product_review": False} for w in wards])
    commune_ids = db.session.scalars(select(Commune.id).order_by(Commune.id)).all()
    for name in CATEGORIES:
        factories.category(name)
    category_ids = db.session.scalars(select(Category.id)).all()
    password = factories._password_hash(factories.PASSWORD)
    db.session.execute(insert(User), [
        {"phone": f"+8490{i:07d}", "name": f"Hộ bán hàng {i}", "password_hash": password} for i in range(STALLS)])
    user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
    db.session.execute(insert(Stall), [
        {"owner_id": uid, "commune_id": commune_ids[i % len(commune_ids)], "name": f"Vườn nhà {i}",
         "slug": f"vuon-nha-{i}", "household_name": f"Hộ bán hàng {i}", "id_number": "024090001234",
         "phone": f"+8490{i:07d}", "address_line": "Thôn Đồng", "story": "Vườn gia đình ba đời.",
         "bank_bin": "970405", "bank_account": "1500205123456", "bank_holder": "NGUYEN VAN TIEP",
         "status": StallStatus.APPROVED} for i, uid in enumerate(user_ids)])
    stall_ids = db.session.scalars(select(Stall.id).order_by(Stall.id)).all()
    now = utcnow()
    for start in range(0, PRODUCTS, 5000):
        rows = []
        for i in range(start, min(start + 5000, PRODUCTS)):
            name = f"{NAMES[i % len(NAMES)]} loại {i % 3 + 1} mẻ {i}"
            rows.append({"stall_id": stall_ids[i % len(stall_ids)], "category_id": category_ids[i % len(category_ids)],
                         "name": name, "slug": slugify(name), "description": "Hàng nhà trồng, thu hái trong ngày.",
                         "unit": "kg", "price": 20_000 + (i * 7919) % 300_000, "stock_milli": 10**9,
                         "step_milli": 500, "min_milli": 1000, "status": ProductStatus.APPROVED,
                         "created_at": now - timedelta(minutes=i)})
        db.session.execute(insert(Product), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Autovacuum would gather statistics within a minute of a bulk load; without them the
        # planner guesses one row per table and picks nested loops over 100,000 products.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    seeded = time.perf_counter() - started

    # Products sold in the real commune: checkout delivers there.
    local = db.session.execute(select(Product.id, Product.slug, Product.stall_id).join(Stall)
                               .where(Stall.commune_id == home.id).limit(200)).all()
    sample = db.session.execute(select(Product.id, Product.slug).where(Product.id % 97 == 0).limit(500)).all()
    product = db.session.get(Product, local[0].id)
    batch = factories.batch(product, events=[("harvested", date(2026, 6, 1)), ("packed", date(2026, 6, 2))], stamps=200)
    codes = list(factories.stamp_codes(batch).values())
    stall_slugs = db.session.scalars(select(Stall.slug).limit(200)).all()
    categories = db.session.scalars(select(Category.slug)).all()
    return {
        "seconds": seeded,
        "paths": {
            "home": ["/"],
            "category": [f"/danh-muc/{c}" for c in categories],
            "product": [f"/san-pham/{p.id}-{p.slug}" for p in sample],
            "stall": [f"/gian-hang/{s}" for s in stall_slugs],
            "trace": [f"/t/{c}" for c in codes],
        },
        "search": search_paths(app) and build_search_index(app),
        "search_distinct": search_paths(app) and distinct_search_paths(app),
        "checkout_products": [(p.id, f"/san-pham/{p.id}-{p.slug}", p.stall_id) for p in local],
        "delivery": factories.delivery(home),
        "batch_id": batch.id,
    }


def build_search_index(app) -> list[str]:
    """Index the seeded catalogue before the load (a deployment runs `flask search reindex`);
    returns the search URLs, timed apart from the load."""
    started = time.perf_counter()
    with app.app_context():
        count = app.extensions["search"].rebuild()
    print(f"search index: {count:,} products in {time.perf_counter() - started:.0f} s")
    return search_paths(app)


def search_paths(app) -> list[str]:
    """Search URLs (folded and typo queries) when the search area is installed."""
    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        with app.test_request_context():
            return [url_for("search.results", q=q) for q in ("vai thieu", "mat ong", "gao tam", "vải thiêu", "cam cao fong")]
    except BuildError:
        return []


def distinct_search_paths(app, count=20_000) -> list[str]:
    """Queries no page cache or answer cache has seen: a product name, folded or accented, with
    the number of one of its batches ("vai thieu 1236" finds it among 8,000 vải thiều). More
    than a run asks, so hardly any is asked twice."""
    from flask import url_for

    from marketplace.core.text import fold

    with app.test_request_context():
        queries = []
        for i in range(count):
            n = (i * 7919) % PRODUCTS
            name = NAMES[n % len(NAMES)]
            queries.append(url_for("search.results", q=f"{fold(name) if i % 2 else name} {n}"))
        return queries


# ---- gunicorn ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(database_url, workdir, port, **extra_env):
    env = {**os.environ, **extra_env, "DATABASE_URL": database_url, "SECRET_KEY": SERVER_SECRET,
           "INSTANCE_DIR": workdir, "MEDIA_DIR": os.path.join(workdir, "media"),
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": os.path.join(workdir, "access.log"),
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "FLASK_DEBUG": "0"}
    log = open(os.path.join(workdir, "gunicorn.log"), "w")
    proc = subprocess.Popen([os.path.join(BIN, "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start; see " + log.name)


def scans_recorded(app) -> int:
    """Scans the trace load left in the database: a trace page that found its stamp genuine
    writes one (a page saying "not genuine" would be a much lighter page to measure)."""
    from sqlalchemy import func, select

    from marketplace.extensions import db
    from marketplace.trace.models import Scan

    with app.app_context():
        return db.session.scalar(select(func.count(Scan.id)))


def worker_rss_mb(master_pid) -> list[float]:
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children") as f:
            pids = f.read().split()
    except OSError:
        return []
    sizes = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
            sizes.append(round(kb / 1024, 1))
        except (OSError, AttributeError):
            pass
    return sizes


# ---- load --------------------------------------------------------------------------------------

WRK_SCRIPT = r"""
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"errors":%d,"p50":%d,"p95":%d,"p99":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def load_pages(port, paths, connections, workdir, warm_every=True) -> dict:
    paths_file = os.path.join(workdir, "paths.txt")
    with open(paths_file, "w") as f:
        f.write("\n".join(paths) + "\n")
    wrk = shutil.which("wrk")
    warm_up(port, paths, warm_every)
    if wrk:
        script = os.path.join(workdir, "bench.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT)
        out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{SECONDS:g}s", "--timeout", "10s", "-s", script,
                              f"http://127.0.0.1:{port}", "--", paths_file],
                             capture_output=True, text=True, timeout=SECONDS + 60).stdout
        r = json.loads(out.split("RESULT ", 1)[1])
        return {"rps": round(r["requests"] / (r["duration_us"] / 1e6), 1), "p50_ms": round(r["p50"] / 1000, 1),
                "p95_ms": round(r["p95"] / 1000, 1), "p99_ms": round(r["p99"] / 1000, 1), "errors": r["errors"], "requests": r["requests"]}
    out = subprocess.run([PYTHON, __file__, "--load", str(port), str(connections), paths_file],
                         capture_output=True, text=True, timeout=SECONDS + 60).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_progress(label: str, r: dict) -> None:
    """One load run's line as it finishes."""
    print(f"  {label} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f}  p95 {r['p95_ms']:6.1f}  "
          f"p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}")


def distinct_search_load(port, workdir, data, results) -> None:
    """Searches nobody asked before, on the server as deployed: the page cache cannot help them."""
    if data["search_distinct"]:
        label = "search, distinct queries c16"
        results["load"][label] = r = load_pages(port, data["search_distinct"], 16, workdir, warm_every=False)
        print_progress(f"{label:30}", r)


def uncached_load(database_url, workdir, data, results) -> None:
    """What the pages cost when rendered for every request (PAGE_CACHE=0): the worst case behind
    the cached figures."""
    port = free_port()
    server = start_gunicorn(database_url, workdir, port, PAGE_CACHE="0")
    try:
        for name in ("product", "trace"):
            label = f"{name} (no page cache)"
            results["load"][f"{label} c16"] = r = load_pages(port, data["paths"][name], 16, workdir, warm_every=False)
            print_progress(f"{label:26} c16", r)
    finally:
        server.terminate()
        server.wait(timeout=30)


def warm_up(port, paths, every=True) -> None:
    """Every URL once (`every`), as a running server has seen its pages, then a few sequential
    hits per worker, so template compilation and first connections are not measured. Without
    the page cache, the "no page cache" rows show what rendering each page costs."""
    for path in (paths if every else []) + [paths[i % len(paths)] for i in range(30)]:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
        except OSError:
            pass


def python_load(port, connections, paths_file) -> None:
    """Fallback load generator (no wrk): keep-alive connections in threads, for SECONDS."""
    paths = open(paths_file).read().split()
    timings, errors = [], [0]
    deadline = time.perf_counter() + SECONDS

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", random.choice(paths))
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            timings.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"rps": round(len(timings) / (time.perf_counter() - started), 1), **percentiles(timings),
                      "errors": errors[0], "requests": len(timings)}))


def percentiles(seconds: list[float]) -> dict:
    if not seconds:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    s = sorted(seconds)
    pick = lambda q: round(s[min(len(s) - 1, int(len(s) * q))] * 1000, 1)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


def checkout_load(port, connections, data) -> dict:
    """Add to cart + checkout (VietQR) as new visitors, each flow with its own cookies, making the
    requests a phone's browser makes. Plain http.client: on 2 cores the load generator's own CPU
    is taken from the server's."""
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    flows, errors, orders = [], [0], [0]
    deadline = time.perf_counter() + SECONDS

    def send(cookies, method, path, form=None, accept=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        if accept:
            headers["Accept"] = accept
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        if response.status >= 400:
            raise RuntimeError(f"{method} {path} answered {response.status}")
        return response, text

    def one_flow():
        cookies = {}
        pid, path, stall_id = random.choice(data["checkout_products"])
        _, page = send(cookies, "GET", path)
        # "Thêm vào giỏ" through orders.js: JSON, the product page stays.
        send(cookies, "POST", "/gio-hang", {"csrf_token": token.search(page).group(1), "product_id": pid,
                                           "mode": "add", "quantity": "1", "next": path}, accept="application/json")
        _, form = send(cookies, "GET", "/thanh-toan")
        fields = {**data["delivery"], "csrf_token": token.search(form).group(1), f"pay_{stall_id}": "vietqr"}
        # Choosing the province loads its wards, choosing the ward the fees and the new total
        # (orders.js), which the order is placed with.
        address = urllib.parse.urlencode({k: fields[k] for k in ("province_code", "ward_code")})
        send(cookies, "GET", f"/thanh-toan/xa-phuong?province_code={fields['province_code']}")
        _, quoted = send(cookies, "GET", f"/thanh-toan/phi-giao-hang?{address}")
        placed, _ = send(cookies, "POST", "/thanh-toan", {
            **fields, "action": "place", "expected_total": json.loads(quoted)["expected_total"]})
        if placed.status != 302 or "/don-hang/" not in placed.headers.get("Location", ""):
            raise RuntimeError(f"checkout answered {placed.status}")
        # The browser follows to the order page, which draws the VietQR code to pay with.
        _, order_page = send(cookies, "GET", urllib.parse.urlsplit(placed.headers["Location"]).path)
        if 'class="qr"' not in order_page:
            raise RuntimeError("the order page shows no VietQR code")

    def run():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                one_flow()
                orders[0] += 1
            except Exception:  # any failure of the flow is counted, the load goes on
                errors[0] += 1
            flows.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"rps": round(orders[0] / elapsed, 1), **percentiles(flows), "errors": errors[0], "requests": len(flows),
            "unit": "orders/s; latency of the whole 7-request flow"}


# ---- page weight and Lighthouse (chromium) -------------------------------------------------------

def page_weight(port, data) -> dict:
    if not os.path.exists(CHROMIUM):
        return {"skipped": f"no chromium at {CHROMIUM}"}
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    pages = {"home": "/", "category": data["paths"]["category"][0], "product": data["checkout_products"][0][1],
             "stall": data["paths"]["stall"][0], "trace": data["paths"]["trace"][0], "checkout": "/thanh-toan"}
    if data["search"]:
        pages["search"] = data["search"][0]
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        page = context.new_page()
        page.goto(base + data["checkout_products"][0][1])
        page.click("form.add-to-cart button[type=submit]")  # a cart, so the checkout page has content
        for name, path in pages.items():
            seen = []

            def record(response, seen=seen):
                seen.append(response)

            page.on("response", record)
            page.goto(base + path, wait_until="load")
            page.remove_listener("response", record)
            text_bytes, image_bytes, by_url = 0, 0, {}
            for response in seen:
                try:
                    body = response.body()
                except Exception:  # redirects have no body
                    body = b""
                by_url[response.url] = len(body)
                kind = response.request.resource_type
                if kind in ("document", "stylesheet", "script"):
                    text_bytes += len(gzip.compress(body, 6))
                elif kind == "image":
                    image_bytes += len(body)
            above = page.evaluate("""() => [...document.images].filter(i => {
                const r = i.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0 && i.currentSrc;
            }).map(i => i.currentSrc)""")
            lazy_ok = page.evaluate("""() => [...document.images].filter(i =>
                i.getBoundingClientRect().top >= innerHeight && !(i.loading === 'lazy' && i.getAttribute('width') && i.getAttribute('height'))
            ).length""")
            header = page.evaluate("() => { const h = document.querySelector('header'); return h ? Math.round(h.getBoundingClientRect().height) : null; }")
            results[name] = {"text_gzip_kb": round(text_bytes / 1024, 1), "requests": len(seen),
                             "image_kb": round(image_bytes / 1024, 1),
                             "image_kb_above_fold": round(sum(by_url.get(u, 0) for u in set(above)) / 1024, 1),
                             "images_below_fold_not_lazy": lazy_ok, "header_px": header}
        browser.close()
    return results


def lighthouse(port, data) -> dict:
    npx = shutil.which("npx")
    if not npx or not os.path.exists(CHROMIUM):
        return {"skipped": "Lighthouse skipped: needs node/npx and chromium"}
    command = os.environ.get("LIGHTHOUSE", f"{npx} --yes lighthouse@12").split()
    probe = subprocess.run(command + ["--version"], capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        return {"skipped": "Lighthouse skipped: `npx lighthouse` could not be installed from npm"}
    base = f"http://127.0.0.1:{port}"
    runs = {"home": ("/", ""), "product": (data["checkout_products"][0][1], ""),
            "trace": (data["paths"]["trace"][1], ""), "trace 3G": (data["paths"]["trace"][2], "3g")}
    if data["search"]:
        runs["search"] = (data["search"][0], "")
    results = {}
    for name, (path, preset) in runs.items():
        out = tempfile.mktemp(suffix=".json")
        flags = ["--quiet", "--output=json", f"--output-path={out}", "--chrome-flags=--headless --no-sandbox",
                 "--only-categories=performance,accessibility,best-practices,seo"]
        if preset == "3g":  # Lighthouse's "Regular 3G": 300 ms RTT, 700 kbit/s, 4x CPU slowdown
            flags += ["--throttling.rttMs=300", "--throttling.throughputKbps=700", "--throttling.cpuSlowdownMultiplier=4"]
        try:
            subprocess.run(command + [base + path] + flags, capture_output=True, timeout=180,
                           env={**os.environ, "CHROME_PATH": CHROMIUM})
            report = json.load(open(out))
        except (subprocess.TimeoutExpired, OSError, ValueError) as exc:
            results[name] = {"error": str(exc)[:80]}
            continue
        audits, cats = report["audits"], report["categories"]
        results[name] = {
            **{c: round((cats[c]["score"] or 0) * 100) for c in ("performance", "accessibility", "best-practices", "seo")},
            "LCP_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
            "TBT_ms": round(audits["total-blocking-time"]["numericValue"]),
            "CLS": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        }
        os.unlink(out)
    return results


def machine_speed() -> float:
    """Milliseconds this machine takes for one VietQR code (median of 15): a fixed piece of the
    site's own pure-Python work. Printed at the start and the end of a run, so figures from two
    runs, or two moments of one run, can be told apart from a change in the machine's speed
    (a shared virtual machine's varies by a third or more within an hour)."""
    from marketplace.core import qr
    from marketplace.payments import vietqr

    timings = []
    for i in range(15):
        started = time.perf_counter()
        qr.svg_path.__wrapped__(vietqr.payload("970405", "1500205123456", 199_750 + i, f"CXJKN4D3{i % 10}"))
        timings.append(time.perf_counter() - started)
    return round(sorted(timings)[len(timings) // 2] * 1000, 2)


# ---- main --------------------------------------------------------------------------------------

def main() -> None:
    # A stopped bench stops its gunicorn too (the `finally` below runs on SIGTERM as on Ctrl-C).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, also into a file
    workdir = tempfile.mkdtemp(prefix="choxa-bench-")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    engine = database_url.split(":", 1)[0]
    print(f"== Chợ Xã bench on {os.cpu_count()} CPUs, {engine}: {PRODUCTS:,} products / {STALLS:,} stalls / "
          f"{COMMUNES} communes; {SECONDS:g} s per load run, {'wrk' if shutil.which('wrk') else 'python threads'}")
    speed = machine_speed()
    print(f"machine speed: one VietQR code in {speed} ms")
    app = make_app(database_url, workdir)
    with app.app_context(), app.test_request_context():
        data = seed(app)
    print(f"seeded in {data['seconds']:.1f} s")
    results = {"machine": {"cpus": os.cpu_count(), "database": engine, "vietqr_ms_at_start": speed}, "catalogue": {
        "products": PRODUCTS, "stalls": STALLS, "communes": COMMUNES, "seed_seconds": round(data["seconds"], 1)},
        "load": {}, "work": {}, "page_weight": {}, "lighthouse": {}}

    port = free_port()
    server = start_gunicorn(database_url, workdir, port)
    try:
        scenarios = dict(data["paths"])
        if data["search"]:
            scenarios["search"] = data["search"]
        for name, paths in scenarios.items():
            for c in CONNECTIONS:
                results["load"][f"{name} c{c}"] = r = load_pages(port, paths, c, workdir)
                print_progress(f"{name:9} c{c:<3}", r)
        if not data["search"]:
            print("  search: skipped (the search area is not installed)")
        distinct_search_load(port, workdir, data, results)
        results["trace_scans_recorded"] = scans_recorded(app)
        print(f"  trace pages counted as genuine scans: {results['trace_scans_recorded']:,}")
        warm_up(port, [path for _id, path, _stall in data["checkout_products"]])  # as for the pages above
        for c in CONNECTIONS:
            results["load"][f"checkout c{c}"] = r = checkout_load(port, c, data)
            print(f"  checkout  c{c:<3} {r['rps']:8.1f} orders/s p50 {r['p50_ms']}  p95 {r['p95_ms']}  "
                  f"p99 {r['p99_ms']} ms per flow  errors {r['errors']}")
        results["worker_rss_mb"] = worker_rss_mb(server.pid)
        print(f"  gunicorn worker RSS after the load: {results['worker_rss_mb']} MB")
        results["page_weight"] = page_weight(port, data)
        results["lighthouse"] = lighthouse(port, data)
    finally:
        server.terminate()
        server.wait(timeout=30)
    uncached_load(database_url, workdir, data, results)

    for name in work_items.ITEMS:  # each in its own process, for its peak memory
        try:
            out = subprocess.run([PYTHON, __file__, "--item", name, database_url, workdir], capture_output=True,
                                 text=True, timeout=600)
            results["work"][name] = json.loads(out.stdout.strip().splitlines()[-1])
        except subprocess.TimeoutExpired:
            results["work"][name] = {"error": "did not finish in 600 s"}
        except (IndexError, ValueError):
            results["work"][name] = {"error": (out.stderr.strip().splitlines() or ["failed"])[-1][:100]}
    results["machine"]["vietqr_ms_at_end"] = machine_speed()
    print_table(results)
    with open(RESULTS, "w") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
    print(f"\nwritten to {os.path.relpath(RESULTS)}")
    if not os.environ.get("BENCH_DATABASE_URL"):
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(results) -> None:
    m = results["machine"]
    print(f"\n{m['cpus']} CPUs, {m['database']}; machine speed, one VietQR code: {m['vietqr_ms_at_start']} ms at "
          f"the start, {m['vietqr_ms_at_end']} ms at the end (compare runs at like speeds)")
    print(f"\n{'load (gunicorn, loopback)':40} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in results["load"].items():
        print(f"{name:40} {r['rps']:>9} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} {r['errors']:>7}")
    print(f"gunicorn worker RSS after load: {', '.join(f'{m} MB' for m in results.get('worker_rss_mb', []))}")
    print(f"\n{'work item':44} {'seconds':>8} {'process peak RSS MB':>20} {'item peak alloc MB':>19}  output")
    for name, r in results["work"].items():
        if "seconds" in r:
            print(f"{name:44} {r['seconds']:>8} {r['peak_rss_mb']:>20} {r['peak_alloc_mb']:>19}  {r['output']}")
        else:
            print(f"{name:44} {r['error']}")
    weight = results["page_weight"]
    if "skipped" in weight:
        print(f"\npage weight: {weight['skipped']}")
    else:
        print(f"\n{'page weight (360 px)':20} {'HTML+CSS+JS gz KB':>18} {'requests':>9} {'images KB':>10} "
              f"{'above fold KB':>14} {'header px':>10}")
        for name, r in weight.items():
            print(f"{name:20} {r['text_gzip_kb']:>18} {r['requests']:>9} {r['image_kb']:>10} "
                  f"{r['image_kb_above_fold']:>14} {r['header_px']!s:>10}")
    lh = results["lighthouse"]
    if "skipped" in lh:
        print(f"\n{lh['skipped']}")
    else:
        print(f"\n{'Lighthouse (mobile)':20} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6}")
        for name, r in lh.items():
            if "error" in r:
                print(f"{name:20} {r['error']}")
            else:
                print(f"{name:20} {r['performance']:>5} {r['accessibility']:>5} {r['best-practices']:>5} {r['seo']:>5} "
                      f"{r['LCP_s']:>6} {r['TBT_ms']:>7} {r['CLS']:>6}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        SECONDS = float(os.environ.get("BENCH_SECONDS", 8))
        python_load(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1:2] == ["--item"]:
        work_items.run_item(sys.argv[2], make_app(sys.argv[3], sys.argv[4]))
    else:
        main()
