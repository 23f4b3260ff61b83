"""Jinja filters and globals shared by every template."""
from flask import g, request, url_for
from markupsafe import Markup, escape
from flask_babel import get_locale, get_translations

from . import pagecache
from .catalog.units import format_amount, format_quantity, format_stock
from .core.money import format_vnd
from .core.phone import display_phone
from .core.timeutil import format_local


def init_app(app) -> None:
    app.jinja_env.filters.update(
        vnd=format_vnd,
        qty=format_quantity,
        amount=format_amount,
        stock=format_stock,
        phone=display_phone,
        localtime=format_local,
    )
    app.jinja_env.globals.update(page_url=page_url, media_url=media_url, get_locale=get_locale)
    # In place of Flask-Babel's callables, which look the translations up again for every string.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def _translations():
    """This request's translations, found once: a page has dozens of strings."""
    try:
        return g._translations
    except AttributeError:
        g._translations = translations = get_translations()
        return translations


@pagecache.hole("login_url")
def login_url() -> Markup:
    """The sign-in link, back to this page after: a hole, since one cached page serves many URLs."""
    return escape(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))


@pagecache.hole("language_url")
def language_url() -> Markup:
    """The link to the other language, back to this page."""
    return escape(url_for("site.set_language", code="vi" if get_locale().language == "en" else "en",
                          next=request.full_path))


def page_url(page: int) -> str:
    """The current URL with another ?page=, keeping the other filters (shareable pagination)."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def media_url(key: str | None, size: int = 320, kind: str = "p") -> str:
    """URL of a resized photo; `kind` is 'p' for products, 's' for stall covers,
    't' for trace event photos."""
    if not key:
        return url_for("static", filename="img/placeholder.svg")
    return url_for("site.media", kind=kind, filename=f"{key}_{size}.jpg")
