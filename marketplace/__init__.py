"""Chợ Xã: a commune marketplace. create_app() builds the Flask application."""
import logging
import os
from importlib import import_module

from flask import Flask, has_request_context, request, session

from .config import INSTANCE_DIR, Config
from .core import connections  # noqa: F401  (pings connections that sat idle in the pool)
from .core import transactions  # registers the SQLite engine rules
from .core.ids import IdConverter
from .extensions import babel, csrf, db, limiter, login_manager, migrate

# Modules whose `bp` blueprint is registered, in this order.
BLUEPRINTS = (
    "marketplace.site.views",
    "marketplace.accounts.views",
    "marketplace.communes.views",
    "marketplace.stalls.views",
    "marketplace.catalog.views",
    "marketplace.catalog.manage",
    "marketplace.trace.views",
    "marketplace.search.views",
    "marketplace.admin.views",
    "marketplace.admin.buyer_views",
    "marketplace.orders.views",
    "marketplace.payments.views",
    "marketplace.shipping.views",
    "marketplace.payments.gateway_views",
    "marketplace.payments.ledger_views",
    "marketplace.api.v1",
)

# Imported at start: every model module (so SQLAlchemy and Alembic see all tables) and the
# modules that register listeners or payment methods when imported.
MODEL_MODULES = (
    "marketplace.core.audit",
    "marketplace.accounts.models",
    "marketplace.communes.models",
    "marketplace.stalls.models",
    "marketplace.catalog.models",
    "marketplace.trace.models",
    "marketplace.orders.models",
    "marketplace.payments.models",
    "marketplace.shipping.models",
    # Shipping follows stall orders that are cancelled before their parcel leaves.
    "marketplace.shipping.services",
    "marketplace.admin.models",
    # Payment methods register themselves with orders on import.
    "marketplace.payments.providers",
    "marketplace.payments.services",
    "marketplace.payments.vnpay_gateway",
    "marketplace.payments.momo_gateway",
    "marketplace.payments.zalopay_gateway",
    "marketplace.payments.stripe_gateway",
    "marketplace.payments.ledger",
    "marketplace.payments.refunds",
    "marketplace.search.models",
)


def create_app(config_class=None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config_class or Config)
    app.url_map.converters["id"] = IdConverter
    _check_secret_key(app)
    _trust_proxies(app)
    os.makedirs(app.instance_path, exist_ok=True)
    os.makedirs(app.config["MEDIA_DIR"], exist_ok=True)

    for module in MODEL_MODULES:
        import_module(module)
    db.init_app(app)
    app.teardown_appcontext(transactions.end_request)  # runs before the session's own teardown
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "Asia/Ho_Chi_Minh")
    limiter.init_app(app)

    from . import caching, pagecache, templating, web
    from .accounts import auth

    auth.init_app(app)
    templating.init_app(app)
    web.init_app(app)
    caching.init_app(app)
    pagecache.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(import_module(module).bp)
    _connect_areas()

    from .cli import register_cli

    register_cli(app)
    logging.basicConfig(level=logging.INFO if not app.debug else logging.DEBUG)
    return app


def _connect_areas() -> None:
    """Reactions between areas that may not import each other: search learns which products
    have batches (trace), reindexes when a batch changes, and when orders move stock in or out
    of stock (so do cached listings)."""
    from .orders.status import stock_changed
    from .search import documents, index
    from .trace.models import Batch
    from .trace.services import traceable_product_ids

    documents.set_traceability_source(traceable_product_ids)
    index.follow_product_part(Batch)
    stock_changed.connect(_note_stock_change, weak=False)


def _note_stock_change(session, product_ids) -> None:
    from . import pagecache
    from .search import index

    index.note_products(session, product_ids)
    pagecache.note_changed(session)  # listings show what is in stock


def _check_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = "dev-only-secret-key"
        return
    raise RuntimeError("SECRET_KEY must be set outside debug/testing (see README, Configuration).")


def _trust_proxies(app: Flask) -> None:
    count = app.config.get("PROXY_COUNT") or 0
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak Vietnamese
        return "vi"
    lang = request.args.get("lang") or session.get("lang")
    if lang in ("vi", "en"):
        return lang
    return "vi"
