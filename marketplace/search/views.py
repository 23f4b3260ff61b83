"""The search results page (/tim-kiem): plain GET, so every result page is a shareable URL."""
from flask import Blueprint, render_template, request, url_for

from ..pagecache import cached
from . import services

bp = Blueprint("search", __name__)


@bp.record_once
def _setup(state):
    services.init_app(state.app)


@bp.get("/tim-kiem")
@cached(vary=services.index_version, keep_on_second_ask=True)
def results():
    result = services.search(request.args.get("q"), filters=request.args.to_dict(),
                             sort=request.args.get("sort", "relevance"),
                             page=request.args.get("page", 1, type=int) or 1)
    return render_template("search/results.html", result=result, sorts=services.sort_options(),
                           facet_url=facet_url)


def facet_url(name: str, value: str | None) -> str:
    """This search with one filter set (or removed when value is None), back on page 1."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    if value is None:
        args.pop(name, None)
    else:
        args[name] = value
    return url_for("search.results", **args)
