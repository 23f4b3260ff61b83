"""Storefront product pages and the seller's product management."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from ..core.timeutil import to_local, utcnow
from .. import pagecache
from ..pagecache import cached, product_version
from . import services
from .filters import BrowseForm, listing_page

bp = Blueprint("catalog", __name__)


@bp.get("/san-pham/<id:product_id>-<slug>")
@cached
def product(product_id, slug):
    product = services.get_visible(product_id)
    if slug != product.slug:
        # One address per product, so shared links and search engines agree.
        return redirect(url_for("catalog.product", product_id=product.id, slug=product.slug), 301)
    g.product = product  # the stock hole uses it while this page is rendered afresh
    return render_template("catalog/product.html", product=product, today=to_local(utcnow()).date())


@pagecache.hole("product_stock")
def _stock() -> str:
    """The product page's stock and buy form. Every order moves the stock: this part is kept per
    stock version, so the page around it stays kept (an order re-renders a few lines, not the page)."""
    product_id = request.view_args["product_id"]

    def render():
        product = g.get("product") or services.get_visible(product_id)
        return pagecache.with_markers(lambda: render_template("catalog/_stock.html", product=product))

    # The form inside has its own holes (the visitor's CSRF token): filled here, per visit.
    return pagecache.fill(pagecache.fragment("product-stock", f"{product_id}:{product_version(product_id)}", render))


@bp.get("/danh-muc/<slug>")
@cached
def category(slug):
    category = services.get_category(slug)
    form = BrowseForm(request.args, categories=services.categories())
    args = {**form.browse_args(), "category_id": category.id}
    page = listing_page(services.browse(**args), request.args)
    return render_template("catalog/category.html", category=category, form=form, page=page)
