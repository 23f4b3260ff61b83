"""Commune pages ("Chợ Phúc Hòa"): the list of communes and each commune's market."""
from flask import Blueprint, current_app, render_template, request

from ..catalog import services as catalog
from ..catalog.filters import BrowseForm, listing_page, page_number
from ..extensions import db
from ..stalls import services as stalls
from ..pagecache import cached
from . import services

bp = Blueprint("communes", __name__)

STALLS_ON_COMMUNE_PAGE = 12


@bp.get("/cho")
@cached
def index():
    return render_template("communes/index.html", communes=services.list_communes())


@bp.get("/cho/<slug>")
@cached
def detail(slug):
    commune = services.get_by_slug(slug)
    form = BrowseForm(request.args, categories=catalog.categories())
    page = listing_page(catalog.browse(commune_id=commune.id, **form.browse_args()), request.args)
    some_stalls = db.paginate(stalls.approved_stalls(commune.id), page=1, per_page=STALLS_ON_COMMUNE_PAGE,
                              error_out=False)
    return render_template("communes/detail.html", commune=commune, stalls=some_stalls, form=form, page=page)


@bp.get("/cho/<slug>/gian-hang")
@cached
def stalls_list(slug):
    commune = services.get_by_slug(slug)
    page = db.paginate(stalls.approved_stalls(commune.id), page=page_number(request.args),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("communes/stalls.html", commune=commune, page=page)
