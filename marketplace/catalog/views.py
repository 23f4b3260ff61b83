"""Storefront product pages and the seller's product management."""
from flask import Blueprint, redirect, render_template, request, url_for

from ..core.timeutil import to_local, utcnow
from ..pagecache import cached, product_version
from . import services
from .filters import BrowseForm, listing_page

bp = Blueprint("catalog", __name__)


@bp.get("/san-pham/<id:product_id>-<slug>")
@cached(vary=lambda product_id, slug: product_version(product_id))
def product(product_id, slug):
    product = services.get_visible(product_id)
    if slug != product.slug:
        # One address per product, so shared links and search engines agree.
        return redirect(url_for("catalog.product", product_id=product.id, slug=product.slug), 301)
    return render_template("catalog/product.html", product=product, today=to_local(utcnow()).date())


@bp.get("/danh-muc/<slug>")
@cached
def category(slug):
    category = services.get_category(slug)
    form = BrowseForm(request.args, categories=services.categories())
    args = {**form.browse_args(), "category_id": category.id}
    page = listing_page(services.browse(**args), request.args)
    return render_template("catalog/category.html", category=category, form=form, page=page)
