"""Storefront product pages and the seller's product management."""
from flask import Blueprint, render_template

from . import services

bp = Blueprint("catalog", __name__)


@bp.get("/san-pham/<int:product_id>-<slug>")
def product(product_id, slug):
    return render_template("catalog/product.html", product=services.get_visible(product_id))
