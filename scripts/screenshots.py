"""Take the README screenshots from a running demo (`make run` in another shell):

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:5000]

Home and a product page at phone width (360 px) and on a desktop, and a seller's stall home
on the phone, saved as small palette PNGs under docs/screenshots/. Needs Debian's chromium
and Playwright (requirements-dev.txt).
"""
import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SELLER = ("0900 000 105", "choxa2025")
FEATURED = "Mật ong hoa vải chai 500 ml"  # OCOP 4★: shows stars on the product page


def save(png: bytes, name: str) -> None:
    # 256 colours keep a screenshot of flat UI and drawn photos well under 150 KB.
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    path = OUT / f"{name}.png"
    image.save(path, optimize=True)
    print(f"{path.relative_to(OUT.parent.parent)}  {path.stat().st_size // 1024} KB")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page = browser.new_context(viewport=viewport, base_url=base, device_scale_factor=1).new_page()
            page.goto("/")
            save(page.screenshot(), f"home-{label}")
            links = page.locator("a[href*='/san-pham/']")
            featured = links.filter(has_text=FEATURED)
            (featured if featured.count() else links).first.click()
            page.wait_for_load_state("networkidle")
            save(page.screenshot(), f"product-{label}")
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        page.goto("/dang-nhap")
        page.get_by_label("Số điện thoại").fill(SELLER[0])
        page.get_by_label("Mật khẩu").fill(SELLER[1])
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        page.goto("/gian-hang-cua-toi")
        save(page.screenshot(), "stall-home-phone")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
