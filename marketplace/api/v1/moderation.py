"""Moderation for commune officers and admins: the queues of pending stalls and products in
the caller's communes, and approve / reject with a reason. Every decision is audited by the
services; an officer of another commune is refused (403)."""
from collections.abc import Callable
from typing import Any, NamedTuple

from ...catalog import services as catalog
from ...stalls import services as stalls
from . import bp
from .common import (
    ERROR_RESPONSE, ID, PAGE_PARAMS, SECURED, json_body, json_request, officer_required, ok, page_of,
    paginated_items, path_id, ref, text, typed,
)
from .products import product_json
from .stalls import stall_json


def reason() -> str:
    return typed(json_body(), {"reason": text}).get("reason", "")


class _Kind(NamedTuple):
    """How the moderation API reaches stalls or products."""
    queue: str  # the URL of the pending ones; one item's is below it
    id_name: str  # the item's id in its URL, named as in the OpenAPI document
    get: Callable[..., Any]  # (officer, id): the item if the caller may moderate it, else 403/404
    to_json: Callable[..., dict]


_STALLS = _Kind("/moderation/stalls", "stall_id", stalls.get_for_moderation, stall_json)
_PRODUCTS = _Kind("/moderation/products", "product_id", catalog.get_for_moderation, product_json)


@bp.get("/moderation/stalls")
@officer_required
def pending_stalls(user):
    return paginated_items(stalls.pending_stalls(user), lambda s: stall_json(s, private=True))


@bp.get("/moderation/products")
@officer_required
def pending_products(user):
    return paginated_items(catalog.pending_products(user), lambda p: product_json(p, private=True))


def _with_reason(decide, *args):
    """`decide` given the reason from the request body, read once the item was found."""
    return lambda user, item: decide(user, item, *args, reason())


# Every decision, by endpoint: (kind, the URL segment after the item's, decide(officer, item) -> item).
_DECISIONS = {
    "approve_stall": (_STALLS, "approve", stalls.approve_stall),
    "reject_stall": (_STALLS, "reject", _with_reason(stalls.reject_stall)),
    "approve_product": (_PRODUCTS, "approve", catalog.approve_product),
    "reject_product": (_PRODUCTS, "reject", _with_reason(catalog.reject_product)),
    "suspend_stall": (_STALLS, "suspend", _with_reason(stalls.suspend_stall)),
    "reinstate_stall": (_STALLS, "reinstate", _with_reason(stalls.reinstate_stall)),
    "officer_hide_product": (_PRODUCTS, "hide", _with_reason(catalog.set_officer_hidden, True)),
    "officer_unhide_product": (_PRODUCTS, "unhide", _with_reason(catalog.set_officer_hidden, False)),
}


def _decision_view(kind: _Kind, decide):
    """POST: apply `decide` to an item the caller may moderate and answer with the item. The item
    is looked up first, so an unknown or foreign one is refused before the body is read."""
    def view(user, **view_args):
        return kind.to_json(decide(user, kind.get(user, view_args[kind.id_name])), private=True)

    return officer_required(view)


for _endpoint, (_kind, _action, _decide) in _DECISIONS.items():
    bp.add_url_rule(f"{_kind.queue}/<{ID}:{_kind.id_name}>/{_action}", _endpoint, _decision_view(_kind, _decide),
                    methods=["POST"])


_REFUSALS = {"401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE, "409": ERROR_RESPONSE}
_REASON = json_request({"type": "object", "required": ["reason"], "properties": {
    "reason": {"type": "string", "minLength": 1, "maxLength": 1000, "description": "Shown to the seller"}}})


def _queue(schema: str, summary: str) -> dict:
    return {"get": {"summary": summary, "tags": ["moderation"], "security": SECURED, "parameters": PAGE_PARAMS,
                    "responses": {"200": ok(page_of(ref(schema))), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE}}}


def _decision(kind: str, schema: str, id_name: str, verb: str, body=None, summary=None) -> dict:
    op = {"summary": summary or f"{verb} a pending {kind} of one of the caller's communes", "tags": ["moderation"],
          "security": SECURED, "parameters": [path_id(id_name)],
          "responses": {"200": ok(ref(schema)), **_REFUSALS}}
    if body:
        op["requestBody"] = body
        op["responses"]["422"] = ERROR_RESPONSE
    return {"post": op}


OPENAPI_PATHS = {
    "/moderation/stalls": _queue("Stall", "Pending stalls in the caller's communes, oldest first (officers, admins)"),
    "/moderation/stalls/{stall_id}/approve": _decision("stall", "Stall", "stall_id", "Approve"),
    "/moderation/stalls/{stall_id}/reject": _decision("stall", "Stall", "stall_id", "Reject", _REASON),
    "/moderation/products": _queue("Product", "Pending products in the caller's communes (officers, admins)"),
    "/moderation/products/{product_id}/approve": _decision("product", "Product", "product_id", "Approve"),
    "/moderation/products/{product_id}/reject": _decision("product", "Product", "product_id", "Reject", _REASON),
    "/moderation/stalls/{stall_id}/suspend": _decision(
        "stall", "Stall", "stall_id", "Suspend", _REASON,
        "Suspend an approved stall: its products leave the storefront at once"),
    "/moderation/stalls/{stall_id}/reinstate": _decision(
        "stall", "Stall", "stall_id", "Reinstate", _REASON, "Reopen a suspended stall"),
    "/moderation/products/{product_id}/hide": _decision(
        "product", "Product", "product_id", "Hide", _REASON,
        "Hide a product from the storefront (officer flag; the seller cannot undo it)"),
    "/moderation/products/{product_id}/unhide": _decision(
        "product", "Product", "product_id", "Unhide", _REASON, "Lift an officer's hide"),
}
