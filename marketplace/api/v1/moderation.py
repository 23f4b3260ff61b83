"""Moderation for commune officers and admins: the queues of pending stalls and products in
the caller's communes, and approve / reject with a reason. Every decision is audited by the
services; an officer of another commune is refused (403)."""
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


@bp.get("/moderation/stalls")
@officer_required
def pending_stalls(user):
    return paginated_items(stalls.pending_stalls(user), lambda s: stall_json(s, private=True))


@bp.post(f"/moderation/stalls/<{ID}:stall_id>/approve")
@officer_required
def approve_stall(user, stall_id):
    stall = stalls.approve_stall(user, stalls.get_for_moderation(user, stall_id))
    return stall_json(stall, private=True)


@bp.post(f"/moderation/stalls/<{ID}:stall_id>/reject")
@officer_required
def reject_stall(user, stall_id):
    stall = stalls.get_for_moderation(user, stall_id)
    return stall_json(stalls.reject_stall(user, stall, reason()), private=True)


@bp.get("/moderation/products")
@officer_required
def pending_products(user):
    return paginated_items(catalog.pending_products(user), lambda p: product_json(p, private=True))


@bp.post(f"/moderation/products/<{ID}:product_id>/approve")
@officer_required
def approve_product(user, product_id):
    product = catalog.approve_product(user, catalog.get_for_moderation(user, product_id))
    return product_json(product, private=True)


@bp.post(f"/moderation/products/<{ID}:product_id>/reject")
@officer_required
def reject_product(user, product_id):
    product = catalog.get_for_moderation(user, product_id)
    return product_json(catalog.reject_product(user, product, reason()), private=True)


@bp.post(f"/moderation/stalls/<{ID}:stall_id>/suspend")
@officer_required
def suspend_stall(user, stall_id):
    stall = stalls.get_for_moderation(user, stall_id)
    return stall_json(stalls.suspend_stall(user, stall, reason()), private=True)


@bp.post(f"/moderation/stalls/<{ID}:stall_id>/reinstate")
@officer_required
def reinstate_stall(user, stall_id):
    stall = stalls.get_for_moderation(user, stall_id)
    return stall_json(stalls.reinstate_stall(user, stall, reason()), private=True)


@bp.post(f"/moderation/products/<{ID}:product_id>/hide")
@officer_required
def officer_hide_product(user, product_id):
    product = catalog.get_for_moderation(user, product_id)
    return product_json(catalog.set_officer_hidden(user, product, True, reason()), private=True)


@bp.post(f"/moderation/products/<{ID}:product_id>/unhide")
@officer_required
def officer_unhide_product(user, product_id):
    product = catalog.get_for_moderation(user, product_id)
    return product_json(catalog.set_officer_hidden(user, product, False, reason()), private=True)


_REFUSALS = {"401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE, "409": ERROR_RESPONSE}
_REASON = json_request({"type": "object", "required": ["reason"], "properties": {
    "reason": {"type": "string", "minLength": 1, "maxLength": 1000, "description": "Shown to the seller"}}})


def _decision(kind: str, schema: str, id_name: str, verb: str, body=None, summary=None) -> dict:
    op = {"summary": summary or f"{verb} a pending {kind} of one of the caller's communes", "tags": ["moderation"],
          "security": SECURED, "parameters": [path_id(id_name)],
          "responses": {"200": ok(ref(schema)), **_REFUSALS}}
    if body:
        op["requestBody"] = body
        op["responses"]["422"] = ERROR_RESPONSE
    return {"post": op}


OPENAPI_PATHS = {
    "/moderation/stalls": {"get": {
        "summary": "Pending stalls in the caller's communes, oldest first (officers, admins)",
        "tags": ["moderation"], "security": SECURED, "parameters": PAGE_PARAMS,
        "responses": {"200": ok(page_of(ref("Stall"))), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE},
    }},
    "/moderation/stalls/{stall_id}/approve": _decision("stall", "Stall", "stall_id", "Approve"),
    "/moderation/stalls/{stall_id}/reject": _decision("stall", "Stall", "stall_id", "Reject", _REASON),
    "/moderation/products": {"get": {
        "summary": "Pending products in the caller's communes (officers, admins)",
        "tags": ["moderation"], "security": SECURED, "parameters": PAGE_PARAMS,
        "responses": {"200": ok(page_of(ref("Product"))), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE},
    }},
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
