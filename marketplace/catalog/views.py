"""Storefront product pages and the seller's product management."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..core.timeutil import to_local, utcnow
from ..extensions import db
from . import services
from .filters import BrowseForm, page_number

bp = Blueprint("catalog", __name__)


@bp.get("/san-pham/<id:product_id>-<slug>")
def product(product_id, slug):
    product = services.get_visible(product_id)
    if slug != product.slug:
        # One address per product, so shared links and search engines agree.
        return redirect(url_for("catalog.product", product_id=product.id, slug=product.slug), 301)
    return render_template("catalog/product.html", product=product, today=to_local(utcnow()).date())


@bp.get("/danh-muc/<slug>")
def category(slug):
    category = services.get_category(slug)
    form = BrowseForm(request.args, categories=services.categories())
    args = {**form.browse_args(), "category_id": category.id}
    page = db.paginate(services.browse(**args), page=page_number(request.args),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("catalog/category.html", category=category, form=form, page=page)
