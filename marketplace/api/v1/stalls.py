"""Stalls: the public list and page, and the seller's own stall (open, fix, resubmit)."""
from flask import request, url_for
from flask_babel import lazy_gettext as _l

from ...communes import services as communes
from ...core.errors import NotFound, ValidationError
from ...stalls import services as stalls
from ...stalls.banks import BANKS
from ...stalls.models import StallStatus
from . import bp
from .common import (
    DATETIME, ERROR_RESPONSE, ID, PAGE_PARAMS, SECURED, boolean, bearer_user, id_or_slug, identifier, json_body,
    json_request, ok, page_of, paginated, path_id, ref, text, timestamp, token_required, typed,
)
from .communes import commune_brief

# JSON field -> converter; the names are those of stalls.services.clean_stall_data.
STALL_FIELDS = {
    "name": text, "household_name": text, "id_number": text, "phone": text,
    "commune_id": identifier, "village_id": identifier, "address_line": text, "story": text,
    "bank_bin": text, "bank_account": text, "bank_holder": text, "accepts_cod": boolean,
}


def photo_urls(key: str | None, kind: str) -> dict | None:
    if not key:
        return None
    return {size: url_for("site.media", kind=kind, filename=f"{key}_{px}.jpg", _external=True)
            for size, px in (("thumb_url", 320), ("large_url", 1200))}


def stall_json(stall, private: bool = False) -> dict:
    """Public view of a stall; `private` adds what only its owner and officers see.
    The bank account is public once approved: buyers pay into it by VietQR."""
    data = {
        "id": stall.id, "slug": stall.slug, "name": stall.name, "household_name": stall.household_name,
        "phone": stall.phone, "commune": commune_brief(stall.commune),
        "village": {"id": stall.village.id, "name": stall.village.name} if stall.village else None,
        "address_line": stall.address_line, "story": stall.story, "cover": photo_urls(stall.cover_key, "s"),
        "accepts_cod": stall.accepts_cod, "status": stall.status, "bank": None,
    }
    if stall.status == StallStatus.APPROVED or private:
        data["bank"] = {"bin": stall.bank_bin, "name": BANKS.get(stall.bank_bin, ("",))[0],
                        "account": stall.bank_account, "holder": stall.bank_holder}
    if private:
        data.update(status_reason=stall.status_reason, id_number_masked=stall.masked_id_number,
                    submitted_at=timestamp(stall.submitted_at), approved_at=timestamp(stall.approved_at))
    return data


def commune_filter(value: str | None) -> int | None:
    """`commune` given as an id or a slug."""
    return id_or_slug(value, communes.get_by_slug)


@bp.get("/stalls")
def list_stalls():
    query = stalls.approved_stalls(commune_filter(request.args.get("commune")))
    return paginated(query, stall_json)


@bp.get("/stalls/mine")
@token_required
def my_stall(user):
    stall = stalls.stall_of(user)
    if stall is None:
        raise NotFound(_l("Bạn chưa có gian hàng."))
    return stall_json(stall, private=True)


@bp.get(f"/stalls/<{ID}:stall_id>")
def get_stall(stall_id):
    viewer = bearer_user()
    stall = stalls.get_for_viewer(viewer, stall_id)
    return stall_json(stall, private=viewer is not None and stall.owner_id == viewer.id)


@bp.post("/stalls")
@token_required
def open_stall(user):
    stall = stalls.open_stall(user, typed(json_body(), STALL_FIELDS))
    return stall_json(stall, private=True), 201


@bp.patch(f"/stalls/<{ID}:stall_id>")
@token_required
def update_stall(user, stall_id):
    data = typed(json_body(), STALL_FIELDS)
    stall = stalls.get_for_viewer(user, stall_id)
    return stall_json(stalls.update_stall(user, stall, data), private=True)


@bp.post(f"/stalls/<{ID}:stall_id>/cover")
@token_required
def set_cover(user, stall_id):
    cover = request.files.get("cover")
    if not cover or not cover.filename:
        message = _l("Chọn ảnh bìa (trường 'cover').")
        raise ValidationError(message, {"cover": message})
    stall = stalls.get_for_viewer(user, stall_id)
    return stall_json(stalls.update_stall(user, stall, {}, cover=cover), private=True)


_STALL_INPUT_PROPS = {
    "name": {"type": "string", "maxLength": 120, "examples": ["Vườn vải nhà Tiệp"]},
    "household_name": {"type": "string", "maxLength": 120, "description": "Household / representative"},
    "id_number": {"type": "string", "description": "CCCD, 12 digits (spaces allowed)"},
    "phone": {"type": "string", "examples": ["0912 345 678"]},
    "commune_id": {"type": "integer", "minimum": 1},
    "village_id": {"type": ["integer", "null"], "description": "A village of that commune"},
    "address_line": {"type": "string", "maxLength": 255},
    "story": {"type": "string", "maxLength": 4000},
    "bank_bin": {"type": "string", "description": "NAPAS BIN of the payout bank", "examples": ["970405"]},
    "bank_account": {"type": "string", "pattern": "^[0-9 ]+$", "description": "6-19 digits"},
    "bank_holder": {"type": "string", "description": "Holder name; stored in capitals without diacritics"},
    "accepts_cod": {"type": "boolean"},
}

OPENAPI_SCHEMAS = {
    "StallInput": {"type": "object", "properties": _STALL_INPUT_PROPS, "required": [
        "name", "household_name", "id_number", "phone", "commune_id", "bank_bin", "bank_account", "bank_holder"],
        "description": "Unknown keys are ignored."},
    "StallPatch": {"type": "object", "properties": _STALL_INPUT_PROPS,
                   "description": "Any subset of the stall fields. A rejected stall, or a change of household, "
                                  "ID number, commune or bank details, sends it back for review."},
    "Stall": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "household_name": {"type": "string"}, "phone": {"type": "string", "description": "E.164"},
        "commune": ref("CommuneBrief"),
        "village": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "address_line": {"type": "string"}, "story": {"type": "string"},
        "cover": {"type": ["object", "null"], "properties": {
            "thumb_url": {"type": "string", "format": "uri"}, "large_url": {"type": "string", "format": "uri"}}},
        "accepts_cod": {"type": "boolean"},
        "status": {"type": "string", "enum": list(StallStatus.ALL)},
        "bank": {"type": ["object", "null"], "description": "Payout account (VietQR); approved stalls and owner only",
                 "properties": {"bin": {"type": "string"}, "name": {"type": "string"},
                                "account": {"type": "string"}, "holder": {"type": "string"}}},
        "status_reason": {"type": "string", "description": "Owner only: why it was rejected"},
        "id_number_masked": {"type": "string", "description": "Owner/officers only", "examples": ["••••••••1234"]},
        "submitted_at": DATETIME, "approved_at": DATETIME}},
}

OPENAPI_PATHS = {
    "/stalls": {
        "get": {
            "summary": "Approved stalls, by name", "tags": ["stalls"],
            "parameters": [{"name": "commune", "in": "query", "description": "Commune id or slug",
                            "schema": {"type": "string"}}, *PAGE_PARAMS],
            "responses": {"200": ok(page_of(ref("Stall")))},
        },
        "post": {
            "summary": "Open the caller's stall (one per account); it waits for the commune's officer",
            "tags": ["stalls"], "security": SECURED, "requestBody": json_request(ref("StallInput")),
            "responses": {"201": ok(ref("Stall"), "Opened, status pending"), "401": ERROR_RESPONSE,
                          "409": ERROR_RESPONSE, "413": ERROR_RESPONSE, "422": ERROR_RESPONSE},
        },
    },
    "/stalls/mine": {"get": {
        "summary": "The caller's own stall, with status and rejection reason", "tags": ["stalls"],
        "security": SECURED,
        "responses": {"200": ok(ref("Stall")), "401": ERROR_RESPONSE, "404": ERROR_RESPONSE},
    }},
    "/stalls/{stall_id}/cover": {"post": {
        "summary": "Set the cover photo of the caller's own stall (JPEG, PNG or WebP)", "tags": ["stalls"],
        "security": SECURED, "parameters": [path_id("stall_id")],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["cover"],
            "properties": {"cover": {"type": "string", "contentMediaType": "application/octet-stream"}}}}}},
        "responses": {"200": ok(ref("Stall")), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE,
                      "404": ERROR_RESPONSE, "409": ERROR_RESPONSE, "413": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
    "/stalls/{stall_id}": {
        "get": {
            "summary": "An approved stall, or the caller's own in any status", "tags": ["stalls"],
            "parameters": [path_id("stall_id")],
            "responses": {"200": ok(ref("Stall")), "404": ERROR_RESPONSE},
        },
        "patch": {
            "summary": "Edit the caller's own stall", "tags": ["stalls"], "security": SECURED,
            "parameters": [path_id("stall_id")], "requestBody": json_request(ref("StallPatch")),
            "responses": {"200": ok(ref("Stall")), "401": ERROR_RESPONSE, "403": ERROR_RESPONSE,
                          "404": ERROR_RESPONSE, "409": ERROR_RESPONSE, "413": ERROR_RESPONSE,
                          "422": ERROR_RESPONSE},
        },
    },
}
