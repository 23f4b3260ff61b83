"""JSON API v1: one module per resource (CTFd's api/v1 layout), each declaring its routes on
`bp` and its part of the OpenAPI document in OPENAPI_PATHS (merged in openapi.py)."""
from importlib import import_module

from flask import Blueprint

from ...extensions import csrf

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, not cookies: no CSRF surface

# Resource modules; each has OPENAPI_PATHS. Add a line here for a new resource.
RESOURCES = (
    "marketplace.api.v1.auth",
    "marketplace.api.v1.communes",
    "marketplace.api.v1.categories",
    "marketplace.api.v1.stalls",
    "marketplace.api.v1.products",
    "marketplace.api.v1.moderation",
    "marketplace.api.v1.reports",
    "marketplace.api.v1.dashboard",
    "marketplace.api.v1.trace",
    "marketplace.api.v1.cart",
    "marketplace.api.v1.orders",
    "marketplace.api.v1.stall_orders",
    "marketplace.api.v1.payments",
    "marketplace.api.v1.shipments",
    "marketplace.api.v1.gateways",
    "marketplace.api.v1.ledger",
    "marketplace.api.v1.search",
)

for _name in RESOURCES:
    import_module(_name)

from . import openapi  # noqa: E402,F401  (registers /openapi.json)
