"""Site-wide pages: home, operating rules, health check, language, media files."""
from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, session, url_for
from sqlalchemy import text
from werkzeug.exceptions import NotFound

from ..catalog import services as catalog
from ..communes import services as communes
from ..pagecache import cached
from ..extensions import db

bp = Blueprint("site", __name__)

MEDIA_KINDS = {"p", "s", "t"}
ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@cached
def home():
    featured = db.session.scalars(catalog.browse().limit(12)).all()
    return render_template(
        "site/home.html", products=featured, communes=communes.list_communes(), categories=catalog.categories()
    )


@bp.get("/quy-che-hoat-dong")
@cached
def rules():
    return render_template("site/rules.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any DB failure means unhealthy, whatever the driver raises
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


@bp.get("/lang/<code>")
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next") or ""
    # Only local paths: never an open redirect.
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("site.home")
    return redirect(target)


@bp.get("/media/<kind>/<path:filename>")
def media(kind, filename):
    if kind not in MEDIA_KINDS:
        raise NotFound()
    directory = f"{current_app.config['MEDIA_DIR']}/{kind}"
    # Keys are random and files never change under a key: cache for a year.
    return send_from_directory(directory, filename, max_age=ONE_YEAR)
