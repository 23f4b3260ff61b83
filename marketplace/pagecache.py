"""Rendered public pages, shared by every worker of the server.

A product, stall, commune or listing page is the same HTML for every anonymous visitor but two
small holes: the form's CSRF token and the cart badge. Such a page is rendered once with markers
in the holes, kept in a file cache (cachelib) under the catalogue's *generation*, and each visit
fills the holes in.

The generation is a small file next to the cache (a counter in Redis when several machines
serve). Any commit that wrote a row public pages may show (anything but the private tables
below) appends one byte to it, so the next request of every worker looks pages up under a new
key; old entries are never read again and age out.
Because a request reads the generation before it reads the database, a page rendered from data
older than a commit is stored under the generation before it and never served after it.
"""
import hashlib
import hmac
import os
import struct
from collections import OrderedDict
from functools import lru_cache, wraps

import click
from cachelib import FileSystemCache, RedisCache
from flask import current_app, g, has_app_context, make_response, request, session
from flask.cli import AppGroup
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from .core.session_hooks import listen_once
from .core.timeutil import to_local, utcnow

# Tables no cached page shows: writing them leaves every page as it was.
PRIVATE_TABLES = frozenset({
    "users", "api_tokens", "audit_entries", "cart_items", "orders", "stall_orders", "order_items",
    "status_changes", "stamps", "scans", "reports", "officer_assignments",
    "shipments", "tracking_events", "payment_events", "gateway_payments", "refunds", "ledger_entries",
})
KEEP_SECONDS = 3600  # a backstop: a page outlives no change by more than this
ENTRIES = 5000
ROTATE_BYTES = 1 << 20
_CHANGED = "pages_changed"
_PRODUCTS = "pages_products"
# Execution option of an UPDATE that changes only products' stock. It leaves pages as they were:
# the caller names the products whose pages now show another stock (stock_shown_changed), and
# listings, which show only in or out of stock, are told separately when that flips.
STOCK_ONLY = "pages_stock_only"
_RENDERING = "page_cache_rendering"
_fills = {}


# ---- holes: the per-visitor parts of a cached page -------------------------------------------

def hole(name: str):
    """Register `fill` (no arguments, returns markup) as the content of hole `name`."""
    def register(fill):
        _fills[name] = fill
        return fill
    return register


def page_hole(name: str) -> Markup:
    """Template global: the hole's content, or its marker while the page is rendered for the cache."""
    if g.get(_RENDERING):
        return Markup(_marker(name))
    return Markup(_fills[name]())


def _marker(name: str) -> str:
    return _marker_for(current_app.config["SECRET_KEY"], name)


@lru_cache(maxsize=64)
def _marker_for(secret: str, name: str) -> str:
    # Derived from the secret key: the same in every worker, unguessable for text a seller writes.
    digest = hmac.new(secret.encode(), name.encode(), hashlib.sha256).hexdigest()[:20]
    return f"[[hole:{name}:{digest}]]"


def with_markers(render):
    """`render()` with markers in the holes, for a page kept in the cache (see fill)."""
    g.setdefault(_RENDERING, True)
    try:
        return render()
    finally:
        g.pop(_RENDERING, None)


def fill(html: str) -> str:
    """A kept page with this visit's holes filled in."""
    for name, fill_hole in _fills.items():
        marker = _marker(name)
        if marker in html:
            html = html.replace(marker, str(fill_hole()))
    return html


# ---- where pages and the generation live -------------------------------------------------------

class PageFiles(FileSystemCache):
    """cachelib's file cache, pruned by a fifth at a time. cachelib removes just enough entries
    to get back under its threshold, so once full every new page would read every entry."""

    def _remove_older(self) -> bool:
        entries = []
        for path in self._list_dir():
            try:
                with open(path, "rb") as f:
                    head = f.read(4)  # when the entry expires: cachelib's header
            except OSError:
                continue
            entries.append((struct.unpack("I", head)[0] if len(head) == 4 else 0, path))
        entries.sort()
        for _expires, path in entries[:max(1, len(entries) // 5)]:
            try:
                os.remove(path)
            except OSError:
                continue
            self._update_count(delta=-1)
        return True


class FileBackend:
    """One machine: pages in files, the generation a file that grows one byte per change."""

    def __init__(self, app):
        self.path = app.config["PAGE_CACHE_DIR"] + ".generation"
        self.store = PageFiles(app.config["PAGE_CACHE_DIR"], threshold=app.config.get("PAGE_CACHE_ENTRIES", ENTRIES),
                               default_timeout=KEEP_SECONDS)

    def generation(self) -> str:
        try:
            st = os.stat(self.path)  # one system call per request
        except FileNotFoundError:
            return "0"
        return f"{st.st_ino}.{st.st_size}.{st.st_mtime_ns}"

    def bump(self) -> None:
        with open(self.path, "ab") as f:  # O_APPEND: concurrent bumps from several workers all count
            f.write(b".")
            full = f.tell() > ROTATE_BYTES
        if full:  # a new file (another inode): the generation still never repeats
            fresh = f"{self.path}.{os.getpid()}"
            with open(fresh, "wb") as f:
                f.write(b".")
            os.replace(fresh, self.path)


class RedisBackend:
    """Several machines (PAGE_CACHE_REDIS): pages and the generation in Redis, so a commit on
    one machine reaches the pages every machine serves."""

    def __init__(self, app):
        import redis

        client = redis.Redis.from_url(app.config["PAGE_CACHE_REDIS"])
        prefix = app.config.get("PAGE_CACHE_PREFIX", "choxa:pages:")
        self.key = prefix + "generation"
        self.client = client
        self.store = RedisCache(host=client, key_prefix=prefix, default_timeout=KEEP_SECONDS)

    def generation(self) -> str:
        return (self.client.get(self.key) or b"0").decode()

    def bump(self) -> None:
        self.client.incr(self.key)


def _backend(app):
    backend = app.extensions.get("pagecache")
    if backend is None:
        kind = RedisBackend if app.config.get("PAGE_CACHE_REDIS") else FileBackend
        backend = app.extensions["pagecache"] = kind(app)
    return backend


def generation(app) -> str:
    """Changes with every commit that changed what public pages show, and with every release."""
    return f"{_release(app)}:{_backend(app).generation()}"


def _release(app) -> str:
    """The code, templates and translations this process serves (names, sizes and times of
    their files): pages made by an earlier release are never served by a newer one."""
    release = app.extensions.get("pagecache_release")
    if release is None:
        digest = hashlib.sha256()
        for root in sorted({app.root_path, os.path.join(app.root_path, app.template_folder)}):
            for folder, _dirs, files in sorted(os.walk(root)):
                for name in sorted(files):
                    if name.endswith((".py", ".html", ".mo")):
                        st = os.stat(os.path.join(folder, name))
                        digest.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        release = app.extensions["pagecache_release"] = digest.hexdigest()[:12]
    return release


def bump(app) -> None:
    _backend(app).bump()


def _store(app):
    return _backend(app).store


# ---- serving ----------------------------------------------------------------------------------

def _enabled(app) -> bool:
    # Not while developing: an edited template must show at the next reload.
    return app.config.get("PAGE_CACHE", True) and not app.debug


def shareable() -> bool:
    """Whether this request may get a page kept for every visitor: a GET by someone not signed
    in, with no message waiting to be shown."""
    return (request.method in ("GET", "HEAD") and _enabled(current_app)
            and not current_user.is_authenticated and not session.get("_flashes"))


class _AskedOnce:
    """Keys of pages asked once lately, in this worker's memory: a bounded LRU of their hashes.
    Written nowhere, so a page nobody asks again costs no write and pushes no page out."""

    def __init__(self, size: int = 4096):
        self.size, self.keys = size, OrderedDict()

    def again(self, key: str) -> bool:
        """Whether the key was asked before; otherwise remember it."""
        digest = hash(key)
        if self.keys.pop(digest, False):  # pop, not `in` then `del`: safe between threads
            return True
        self.keys[digest] = True
        while len(self.keys) > self.size:
            try:
                self.keys.popitem(last=False)
            except KeyError:  # emptied by another thread
                break
        return False


def _asked_once(app) -> _AskedOnce:
    return app.extensions.setdefault("pagecache_asked", _AskedOnce())


def cached(view=None, *, vary=None, keep_on_second_ask=False):
    """Serve an anonymous visitor's page from the cache, rendering it once per generation (and
    per `vary(**view_args)`, e.g. the product's own stock version). Anything not the same for
    every anonymous visitor (a redirect, an error, a flashed message, a CSRF token outside the
    `csrf` hole) is served as rendered and not kept.

    `keep_on_second_ask` is for pages whose URLs have no end (searches): most are asked once, and
    keeping each would cost a write (0.6 ms, 1 ms once the cache is full and pruning: a tenth of
    a search) and push product and stall pages out of the cache. Such a page is kept when a
    worker sees it asked again, as nginx's proxy_cache_min_uses does."""
    if view is None:
        return lambda view: cached(view, vary=vary, keep_on_second_ask=keep_on_second_ask)

    @wraps(view)
    def wrapper(**kwargs):
        if not shareable():
            return view(**kwargs)
        app = current_app._get_current_object()
        store = _store(app)
        key = _key(app, "page", vary(**kwargs) if vary else "", request.host, request.full_path)
        html = store.get(key)
        if html is None:
            response, keep = _render(view, kwargs)
            if keep and keep_on_second_ask:
                keep = _asked_once(app).again(key)
            if not keep:
                if response.mimetype == "text/html" and not response.direct_passthrough:
                    response.set_data(fill(response.get_data(as_text=True)))
                return response
            html = response.get_data(as_text=True)
            store.set(key, html)
        return current_app.response_class(fill(html), mimetype="text/html")
    return wrapper


def product_version(product_id: int) -> str:
    """Changes when the stock the product's page shows moves (see STOCK_ONLY); '0' until it first does."""
    return _store(current_app).get(f"stock:{product_id}") or "0"


def fragment(name: str, part: str, build):
    """A rendered part shared by many pages (a batch's journey on each of its stamps' pages):
    `build()` once per generation, language and day; any picklable value."""
    app = current_app._get_current_object()
    if not _enabled(app):
        return build()
    store = _store(app)
    key = _key(app, name, part)
    value = store.get(key)
    if value is None:
        value = build()
        store.set(key, value)
    return value


def _key(app, *parts: str) -> str:
    """A kept page's key: the generation, read before the page reads the database (see the
    module docstring), the language, the local day (what is valid or expired today), and `parts`."""
    return "|".join((generation(app), str(get_locale()), to_local(utcnow()).date().isoformat(), *parts))


def _render(view, kwargs):
    """The view's response rendered with markers in the holes, and whether it may be kept."""
    # Flask-WTF keeps the token it generates on g: one there after rendering means a form
    # wrote its own token into the page, outside the hole.
    token_name = csrf_field()
    earlier = g.pop(token_name, None)
    response = with_markers(lambda: make_response(view(**kwargs)))
    baked = token_name in g
    if earlier is not None and not baked:
        setattr(g, token_name, earlier)
    keep = (response.status_code == 200 and response.mimetype == "text/html" and not response.direct_passthrough
            and not getattr(request_ctx, "flashes", None) and not baked)
    return response, keep


# ---- invalidation ----------------------------------------------------------------------------

def _public(table_name: str) -> bool:
    return table_name not in PRIVATE_TABLES


def _after_flush(session, _flush_context):
    if not session.info.get(_CHANGED) and any(
            _public(obj.__table__.name) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


def _orm_execute(state):
    # Bulk and conditional statements (stock at checkout, bulk inserts) skip the flush.
    if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None \
            or not _public(state.bind_mapper.local_table.name):
        return
    if not state.execution_options.get(STOCK_ONLY):
        state.session.info[_CHANGED] = True


def stock_shown_changed(session, product_ids) -> None:
    """These products' pages show another stock from this session's commit on."""
    session.info.setdefault(_PRODUCTS, set()).update(product_ids)


def note_changed(session) -> None:
    """Pages change with this session's commit, for changes made behind the ORM's back."""
    session.info[_CHANGED] = True


def _after_commit(session):
    changed, products = session.info.pop(_CHANGED, False), session.info.pop(_PRODUCTS, ())
    if not has_app_context():
        return
    if changed:
        bump(current_app)
    if products:
        # Kept as long as pages: by the time a version ages out, so has every page made before it.
        store, version = _store(current_app), os.urandom(8).hex()
        for product_id in products:
            store.set(f"stock:{product_id}", version)


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # a rollback forgets; after a commit the flags are already gone
        session.info.pop(_CHANGED, None)
        session.info.pop(_PRODUCTS, None)


def install_hooks() -> None:
    listen_once({"after_flush": _after_flush, "do_orm_execute": _orm_execute, "after_commit": _after_commit,
                 "after_transaction_end": _after_transaction_end})


pages_cli = AppGroup("pages", help="The page cache.")


@pages_cli.command("clear")
def clear_command():
    """Render every page afresh (after rows were changed with raw SQL)."""
    bump(current_app)
    click.echo("cached pages will be rendered afresh")


def init_app(app) -> None:
    app.config.setdefault("PAGE_CACHE_DIR", os.path.join(app.instance_path, "pagecache"))
    install_hooks()
    app.cli.add_command(pages_cli)
    app.jinja_env.globals["page_hole"] = page_hole

    from flask_wtf.csrf import generate_csrf

    hole("csrf")(generate_csrf)
    # Every form's token goes through the hole; a page being cached gets the marker instead.
    # Flask-WTF offers csrf_token() from a context processor: this later one takes its place.
    app.context_processor(lambda: {"csrf_token": _csrf_token})


def _csrf_token() -> Markup:
    return page_hole("csrf")


def csrf_field() -> str:
    """Flask-WTF's name for its token: the form field, the session key of the raw token, and
    where on g it keeps the token it signed for this request."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
