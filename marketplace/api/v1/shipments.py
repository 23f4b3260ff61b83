"""The seller's shipments (CRUD, carrier updates, COD remittance, label PDF) and public tracking."""
from flask import Response, request

from ...orders import fulfilment
from ...shipping import printing, services
from ...shipping.models import EVENT_KINDS
from ...shipping.tracking import CARRIERS
from . import bp
from .common import (
    ERROR_RESPONSE, PAGE_PARAMS, SECURED, boolean, integer, json_body, json_request, ok, optional_integer, page_of,
    paginated, text, timestamp, token_required, typed,
)

SPEC = {"carrier": text, "service": text, "tracking_number": text, "weight_grams": integer,
        "length_cm": optional_integer, "width_cm": optional_integer, "height_cm": optional_integer,
        "cod_amount": integer, "allow_inspection": boolean, "freight_payer": text, "content": text, "note": text}


def serialize(shipment) -> dict:
    return {
        "code": shipment.code, "tracking_number": shipment.tracking_number, "barcode": shipment.barcode_value,
        "stall_order_code": shipment.stall_order.code, "status": shipment.status,
        "status_label": str(services.STATUS_LABELS[shipment.status]),
        **{name: getattr(shipment, name) for name in services.EDITABLE if name != "tracking_number"},
        "cod_remitted_amount": shipment.cod_remitted_amount, "cod_remitted_at": timestamp(shipment.cod_remitted_at),
        "created_at": timestamp(shipment.created_at), "tracking_url": printing.tracking_url(shipment.barcode_value),
        "events": [{"kind": e.kind, "note": e.note, "at": timestamp(e.created_at)} for e in shipment.events],
    }


@bp.get("/stall/shipments")
@token_required
def list_shipments(user):
    stall = fulfilment.seller_stall(user)
    return paginated(services.stall_shipments(stall, request.args.get("status")), serialize, 50)


@bp.post("/stall/shipments")
@token_required
def create_shipment(user):
    data = json_body()
    values = typed(data, SPEC)
    return serialize(services.create_shipment(user, str(data.get("stall_order_code") or ""), values)), 201


@bp.get("/stall/shipments/<code>")
@token_required
def get_shipment(user, code):
    return serialize(services.for_seller(user, code))


@bp.patch("/stall/shipments/<code>")
@token_required
def update_shipment(user, code):
    return serialize(services.update_shipment(user, code, typed(json_body(), SPEC)))


@bp.delete("/stall/shipments/<code>")
@token_required
def delete_shipment(user, code):
    services.delete_shipment(user, code)
    return "", 204


@bp.post("/stall/shipments/<code>/events")
@token_required
def add_event(user, code):
    data = typed(json_body(), {"kind": text, "note": text})
    return serialize(services.add_event(user, code, data.get("kind", ""), data.get("note", ""))), 201


@bp.post("/stall/shipments/<code>/remittance")
@token_required
def remittance(user, code):
    data = typed(json_body(), {"amount": integer})
    return serialize(services.record_remittance(user, code, data.get("amount")))


@bp.get("/stall/shipments/<code>/label.pdf")
@token_required
def label_pdf(user, code):
    shipment = services.for_label(user, code)
    slips = request.args.get("slip") in ("1", "true")
    return Response(printing.labels_pdf([shipment], request.args.get("format"), slips), mimetype="application/pdf")


@bp.get("/track/<code>")
def track(code):
    data = services.public_tracking(code)
    return {**data, "events": [{**e, "at": timestamp(e["at"])} for e in data["events"]]}


_CODE = {"name": "code", "in": "path", "required": True, "description": "Internal shipment code or tracking number",
         "schema": {"type": "string"}}
_STR, _INT = {"type": "string"}, {"type": "integer"}
_NINT = {"type": ["integer", "null"]}
_FIELDS = {
    "carrier": {"type": "string", "enum": list(CARRIERS)}, "service": {"type": "string", "enum": list(services.SERVICES)},
    "tracking_number": {"type": "string", "description": "Carrier's number; VNPost numbers are UPU S10 (EL491610889VN)"},
    "weight_grams": _INT, "length_cm": _NINT, "width_cm": _NINT, "height_cm": _NINT,
    "cod_amount": {"type": "integer", "description": "VND the carrier collects; 0 for none"},
    "allow_inspection": {"type": "boolean"}, "freight_payer": {"type": "string", "enum": list(services.FREIGHT_PAYERS)},
    "content": _STR, "note": _STR,
}
SHIPMENT_SCHEMA = {"type": "object", "required": ["code", "barcode", "status", "stall_order_code"], "properties": {
    **_FIELDS, "code": _STR, "barcode": _STR, "stall_order_code": _STR,
    "status": {"type": "string", "enum": list(services.STATUS_LABELS)}, "status_label": _STR,
    "cod_remitted_amount": _NINT, "cod_remitted_at": {"type": ["string", "null"], "format": "date-time"},
    "created_at": {"type": "string", "format": "date-time"}, "tracking_url": _STR,
    "events": {"type": "array", "items": {"type": "object", "properties": {
        "kind": _STR, "note": _STR, "at": {"type": "string", "format": "date-time"}}}},
}}
_PLACE = {"type": "object", "properties": {"commune": _STR, "province": _STR}}
TRACKING_SCHEMA = {"type": "object", "required": ["code", "status", "events"], "properties": {
    "code": _STR, "carrier": _STR, "carrier_label": _STR, "status": _STR, "status_label": _STR,
    "from": _PLACE, "to": _PLACE,
    "events": {"type": "array", "items": {"type": "object", "properties": {
        "kind": _STR, "label": _STR, "at": {"type": "string", "format": "date-time"}}}},
}}
_ERRORS = {"401": ERROR_RESPONSE, "404": ERROR_RESPONSE}
_TAGS = ["shipments"]
OPENAPI_PATHS = {
    "/stall/shipments": {
        "get": {"summary": "The seller's shipments, those waiting to be sent first", "tags": _TAGS, "security": SECURED,
                "parameters": PAGE_PARAMS + [{"name": "status", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": ok(page_of(SHIPMENT_SCHEMA)), **_ERRORS}},
        "post": {"summary": "Create the shipment of a confirmed or packed stall order (missing fields prefilled)",
                 "tags": _TAGS, "security": SECURED,
                 "requestBody": json_request({"type": "object", "required": ["stall_order_code"], "properties": {
                     "stall_order_code": _STR, **_FIELDS}}),
                 "responses": {"201": ok(SHIPMENT_SCHEMA, "Created"), **_ERRORS, "409": ERROR_RESPONSE,
                               "422": ERROR_RESPONSE}},
    },
    "/stall/shipments/{code}": {
        "get": {"summary": "One shipment of the seller's stall", "tags": _TAGS, "security": SECURED,
                "parameters": [_CODE], "responses": {"200": ok(SHIPMENT_SCHEMA), **_ERRORS}},
        "patch": {"summary": "Edit a shipment (after hand-over only tracking_number and note)", "tags": _TAGS,
                  "security": SECURED, "parameters": [_CODE],
                  "requestBody": json_request({"type": "object", "properties": _FIELDS}),
                  "responses": {"200": ok(SHIPMENT_SCHEMA), **_ERRORS, "409": ERROR_RESPONSE, "422": ERROR_RESPONSE}},
        "delete": {"summary": "Withdraw a shipment not yet handed over", "tags": _TAGS, "security": SECURED,
                   "parameters": [_CODE], "responses": {"204": {"description": "Deleted"}, **_ERRORS,
                                                        "409": ERROR_RESPONSE}},
    },
    "/stall/shipments/{code}/events": {"post": {
        "summary": "Record a carrier update; delivered/returned move the stall order", "tags": _TAGS,
        "security": SECURED, "parameters": [_CODE],
        "requestBody": json_request({"type": "object", "required": ["kind"], "properties": {
            "kind": {"type": "string", "enum": list(EVENT_KINDS)}, "note": _STR}}),
        "responses": {"201": ok(SHIPMENT_SCHEMA, "Recorded"), **_ERRORS, "409": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
    "/stall/shipments/{code}/remittance": {"post": {
        "summary": "Record the COD cash the carrier paid to the seller", "tags": _TAGS, "security": SECURED,
        "parameters": [_CODE], "requestBody": json_request({"type": "object", "required": ["amount"],
                                                           "properties": {"amount": _INT}}),
        "responses": {"200": ok(SHIPMENT_SCHEMA), **_ERRORS, "409": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
    "/stall/shipments/{code}/label.pdf": {"get": {
        "summary": "Label PDF (seller, or an officer of the stall's commune)", "tags": _TAGS, "security": SECURED,
        "parameters": [_CODE, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["100x150", "a6", "a4x4"]}},
                       {"name": "slip", "in": "query", "description": "1: each label followed by its packing slip",
                        "schema": {"type": "string", "enum": ["1", "true"]}}],
        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                      **_ERRORS, "403": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
    "/track/{code}": {"get": {
        "summary": "Public tracking: status timeline, commune and province only", "tags": _TAGS, "parameters": [_CODE],
        "responses": {"200": ok(TRACKING_SCHEMA), "404": ERROR_RESPONSE},
    }},
}
