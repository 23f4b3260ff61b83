"""HTTP caching for slow phones: static files carry a content hash in their URL and are cached for
a year; public pages carry an ETag so a revisit over 3G costs a 304 instead of the whole page."""
import hashlib
import os

from flask import current_app, g, request, session
from flask.globals import request_ctx
from flask_login import current_user

from .pagecache import csrf_field

ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"

# Pages whose HTML depends only on the URL and the language for anonymous visitors. The trace
# page is not here: every scan is counted, so it must reach the server (see trace.views).
PUBLIC_PAGES = {
    "site.home", "site.rules", "catalog.product", "catalog.category", "communes.index",
    "communes.detail", "communes.stalls_list", "stalls.public", "search.results",
}


def init_app(app) -> None:
    hashes: dict[str, str] = {}

    def fingerprint(filename: str) -> str | None:
        """A short hash of the file's bytes, computed once per process (every request in debug,
        so edited files show at once)."""
        if app.debug or filename not in hashes:
            path = os.path.join(app.static_folder, filename)
            try:
                with open(path, "rb") as f:
                    hashes[filename] = hashlib.sha256(f.read()).hexdigest()[:10]
            except OSError:  # a missing file keeps a plain URL (and 404s as before)
                hashes[filename] = ""
        return hashes[filename] or None

    @app.url_defaults
    def _static_fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_headers(response):
        if request.endpoint == "static":
            version = request.args.get("v")
            if response.status_code in (200, 304) and version and version == fingerprint(request.view_args["filename"]):
                response.headers["Cache-Control"] = IMMUTABLE
            return response
        if _is_public_page(response):
            response.set_etag(_page_etag(response))
            response.make_conditional(request)
        return response


def _page_etag(response) -> str:
    """A hash of the page as this visitor sees it, but for when its forms' token was signed.
    The signed token carries the second it was made, so hashing the page as sent would change
    the ETag every second and a revisit would never get its 304. A page kept by the browser
    keeps working: its older token stays valid while the session's raw token is the same
    (no time limit), and the raw token takes the signed one's place in the hash."""
    body = response.get_data()
    field = csrf_field()
    signed = g.get(field)
    if signed and current_app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        body = body.replace(signed.encode(), session.get(field, "").encode())
    return hashlib.sha1(body).hexdigest()


def _is_public_page(response) -> bool:
    """Only pages the same for every anonymous visitor: no signed-in user, no flashed message
    shown or pending."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or request.endpoint not in PUBLIC_PAGES:
        return False
    if response.mimetype != "text/html" or response.direct_passthrough:
        return False
    if getattr(request_ctx, "flashes", None) or session.get("_flashes"):
        return False
    return not current_user.is_authenticated
