"""Static files are fingerprinted and cached for a year; public pages answer a revisit with 304."""
import hashlib
import re
from pathlib import Path

from flask import url_for

from tests.conftest import login

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_static_urls_carry_the_content_hash_and_are_cached_for_a_year(app, client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=(\w+))"', html)
    assert css, "the stylesheet link has no fingerprint"
    assert css.group(2) == hashlib.sha256((STATIC / "css/app.css").read_bytes()).hexdigest()[:10]
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_stale_or_missing_fingerprint_is_not_cached_for_long(app, client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=0000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", ""), url


def test_fingerprints_follow_the_file_contents(app):
    with app.test_request_context():
        js = url_for("static", filename="js/orders.js")
        css = url_for("static", filename="css/app.css")
        missing = url_for("static", filename="js/nothing-here.js")
    assert js.split("v=")[1] != css.split("v=")[1]
    assert missing == "/static/js/nothing-here.js"


def test_public_pages_answer_a_revisit_with_304(make, client):
    product = make.product()
    for url in ("/", f"/san-pham/{product.id}-{product.slug}", f"/danh-muc/{product.category.slug}",
                f"/cho/{product.stall.commune.slug}", f"/gian-hang/{product.stall.slug}"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers.get("ETag"), url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        # The page changed (a new price): the old ETag no longer matches.
    product.price = 51000
    from marketplace.extensions import db

    db.session.commit()
    url = f"/san-pham/{product.id}-{product.slug}"
    old = client.get(url).headers["ETag"]
    product.price = 52000
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": old}).status_code == 200


def test_a_revisit_seconds_later_gets_a_304_and_the_kept_page_still_works(app, make, client, monkeypatch):
    """The product page's "add to cart" form carries a token signed with the second it was
    made; a revisit a minute later must still get its 304, and the page the browser kept must
    still add to the cart."""
    from itsdangerous.timed import TimestampSigner

    product = make.product()
    url = f"/san-pham/{product.id}-{product.slug}"
    first = client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get_data(as_text=True)).group(1)
    signed_at = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at(self) + 60)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        added = client.post("/gio-hang", data={"csrf_token": token, "product_id": product.id, "mode": "add",
                                               "quantity": "1", "next": url})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert added.status_code == 302
    # The cart badge changed the page: the ETag the browser holds no longer matches.
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_another_visitor_never_matches_an_etag_made_for_someone_else(make, client, app):
    product = make.product()
    url = f"/san-pham/{product.id}-{product.slug}"
    etag = client.get(url).headers["ETag"]
    assert app.test_client().get(url, headers={"If-None-Match": etag}).status_code == 200


def test_pages_for_a_signed_in_user_carry_no_etag(make, client):
    product = make.product()
    login(client, make.user())
    for url in ("/", f"/san-pham/{product.id}-{product.slug}"):
        response = client.get(url)
        assert response.status_code == 200 and "ETag" not in response.headers, url


def test_a_page_showing_a_flashed_message_carries_no_etag(make, client):
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Đã lưu.")]
    response = client.get("/")
    assert "Đã lưu." in response.get_data(as_text=True)
    assert "ETag" not in response.headers
    assert "ETag" in client.get("/").headers  # the message is shown once, then the page is public again


def test_the_trace_page_is_never_served_from_cache(make, client):
    from datetime import date

    batch = make.batch(events=[("harvested", date(2026, 6, 1))], stamps=1)
    code = next(iter(make.stamp_codes(batch).values()))
    response = client.get(f"/t/{code}")
    assert response.status_code == 200 and "ETag" not in response.headers
