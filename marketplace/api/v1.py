"""JSON API v1."""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
