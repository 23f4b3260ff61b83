"""Traceability: batches and their events for the owner, stamps and sheets, and the public
GET /trace/{code} with `genuine`."""
from flask import Response, request
from flask_babel import lazy_gettext as _l

from ...core.ids import as_id
from ...catalog import services as catalog
from ...core.errors import NotFound
from ...catalog.units import format_quantity
from ...stalls.services import stall_of
from ...trace import services, sheets
from ...trace.forms import BatchForm, EventForm, IssueStampsForm, SheetForm
from . import bp
from .common import ERROR_RESPONSE, PAGE_PARAMS, SECURED, form_from_json, json_body, paginated, token_required


def _day(value):
    return value.isoformat() if value else None


def batch_json(batch) -> dict:
    return {
        "id": batch.id, "product_id": batch.product_id, "code": batch.code,
        "harvested_on": _day(batch.harvested_on), "packed_on": _day(batch.packed_on),
        "best_before": _day(batch.best_before), "quantity_milli": batch.quantity_milli, "place": batch.place,
        "latitude": batch.latitude, "longitude": batch.longitude, "certification_ids": batch.certification_ids or [],
        "show_ocop": batch.show_ocop, "stamp_count": batch.stamp_count, "locked": batch.locked,
        "first_scanned_at": _day(batch.first_scanned_at),
    }


def event_json(event) -> dict:
    return {
        "id": event.id, "kind": event.kind, "happened_on": _day(event.happened_on), "actor": event.actor,
        "material": event.material, "preharvest_days": event.preharvest_days, "place": event.place,
        "note": event.note, "corrects_id": event.corrects_id,
        "photo_url": f"/media/t/{event.photo_key}_1200.jpg" if event.photo_key else None,
    }


def _batch_form(product, data: dict):
    data = dict(data)
    if "quantity_milli" in data and "quantity" not in data and data["quantity_milli"] is not None:
        data["quantity"] = format_quantity(_int(data.pop("quantity_milli")))
    return form_from_json(BatchForm, data, product=product)


@bp.get("/trace/batches")
@token_required
def list_batches(user):
    stall = stall_of(user)
    if stall is None:
        return {"items": [], "page": 1, "per_page": 0, "total": 0}
    return paginated(services.stall_batches(stall.id, _int(request.args.get("product_id"))), batch_json)


@bp.post("/trace/batches")
@token_required
def create_batch(user):
    data = json_body()
    product = catalog.get_owned(user, _int(data.get("product_id")))
    form = _batch_form(product, data)
    return batch_json(services.create_batch(user, product.id, _present(form, data))), 201


@bp.get("/trace/batches/<id:batch_id>")
@token_required
def get_batch(user, batch_id):
    batch = services.get_owned_batch(user, batch_id)
    return {**batch_json(batch), "events": [event_json(e) for e in batch.events]}


@bp.patch("/trace/batches/<id:batch_id>")
@token_required
def update_batch(user, batch_id):
    batch = services.get_owned_batch(user, batch_id)
    data = json_body()
    form = _batch_form(batch.product, {**batch_json(batch), **data})
    return batch_json(services.update_batch(user, batch.id, _present(form, data)))


@bp.delete("/trace/batches/<id:batch_id>")
@token_required
def delete_batch(user, batch_id):
    services.delete_batch(user, batch_id)
    return "", 204


@bp.get("/trace/batches/<id:batch_id>/events")
@token_required
def list_events(user, batch_id):
    return {"items": [event_json(e) for e in services.get_owned_batch(user, batch_id).events]}


@bp.post("/trace/batches/<id:batch_id>/events")
@token_required
def create_event(user, batch_id):
    data = json_body()
    form = form_from_json(EventForm, data)
    return event_json(services.add_event(user, batch_id, form.to_data(), corrects_id=form.corrects_id.data)), 201


@bp.patch("/trace/batches/<id:batch_id>/events/<id:event_id>")
@token_required
def update_event(user, batch_id, event_id):
    batch = services.get_owned_batch(user, batch_id)
    event = next((e for e in batch.events if e.id == event_id), None)
    if event is None:
        raise NotFound(_l("Không tìm thấy sự kiện."))
    data = json_body()
    form = form_from_json(EventForm, {**event_json(event), **data})
    return event_json(services.update_event(user, batch_id, event_id, {k: v for k, v in form.to_data().items() if k in data}))


@bp.delete("/trace/batches/<id:batch_id>/events/<id:event_id>")
@token_required
def delete_event(user, batch_id, event_id):
    services.delete_event(user, batch_id, event_id)
    return "", 204


@bp.post("/trace/batches/<id:batch_id>/stamps")
@token_required
def issue_stamps(user, batch_id):
    form = form_from_json(IssueStampsForm, json_body())
    first, last = services.issue_stamps(user, batch_id, form.count.data)
    return {"first_serial": first, "last_serial": last, "stamp_count": last}, 201


@bp.get("/trace/batches/<id:batch_id>/stamps.pdf")
@token_required
def stamp_sheet(user, batch_id):
    batch = services.get_owned_batch(user, batch_id)
    form = form_from_json(SheetForm, request.args.to_dict())
    pdf = sheets.stamp_sheet_pdf(services.sheet_stamps(batch, form.first.data, form.last.data),
                                 batch.product.name, batch.code, form.layout.data)
    return Response(pdf, mimetype="application/pdf")


@bp.get("/trace/batches/<id:batch_id>/scans")
@token_required
def batch_scans(user, batch_id):
    report = services.batch_scan_report(user, batch_id)
    return {"total": report["total"], "stamps_scanned": report["stamps_scanned"],
            "latest": [{"scanned_at": r.scanned_at.isoformat(), "serial": r.serial, "client": r.client}
                       for r in report["latest"]]}


@bp.get("/trace/<code>")
def public_trace(code):
    """The trace page as JSON. Like the page, it counts as a scan."""
    stamp_id = services.stamp_id_for_code(code)
    counts = None if stamp_id is None else services.record_scan(
        stamp_id, request.remote_addr, request.headers.get("User-Agent"))
    view = services.trace_view(stamp_id, counts)
    if not view["genuine"]:
        return {"genuine": False}, 200, {"Cache-Control": "no-store"}
    batch, product, stall = view["batch"], view["product"], view["stall"]
    return {
        "genuine": True,
        "stamp": {"serial": view["stamp"].serial, "scan_count": view["scan_count"],
                  "first_scanned_at": view["first_scanned_at"].isoformat() if view["first_scanned_at"] else None,
                  "suspicious": view["suspicious"]},
        "product": {"id": product.id, "name": product.name, "on_sale": view["on_sale"], "gtin": product.gtin},
        "stall": {"name": stall.name, "slug": stall.slug, "household_name": stall.household_name},
        "origin": {"village": view["village"].name if view["village"] else None, "commune": view["commune"].name,
                   "province": view["commune"].province_name},
        "batch": {k: v for k, v in batch_json(batch).items() if k not in ("stamp_count", "locked", "first_scanned_at")},
        "certifications": [{**c, "issued_on": _day(c["issued_on"]), "expires_on": _day(c["expires_on"])}
                           for c in view["certifications"]],
        "events": [event_json(e) for e in view["events"]],
    }, 200, {"Cache-Control": "no-store"}


def _int(value) -> int:
    """A row id from JSON; 0 (no such row) for anything else, including ids beyond 32 bits."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return as_id(number) or 0


def _present(form, data: dict) -> dict:
    """The form's cleaned values, limited to the keys the client sent (PATCH semantics)."""
    clean = form.to_data()
    sent = set(data) | ({"quantity_milli"} if "quantity" in data else set())
    return {k: v for k, v in clean.items() if k in sent}


_DATE = {"type": ["string", "null"], "format": "date"}
_KINDS = ["planted", "fertilised", "sprayed", "harvested", "processed", "sorted", "packed", "shipped", "other"]
_BATCH_INPUT = {"type": "object", "properties": {
    "product_id": {"type": "integer", "description": "Required when creating"},
    "code": {"type": "string", "maxLength": 20, "description": "Empty: generated from the harvest date"},
    "harvested_on": _DATE, "packed_on": _DATE, "best_before": _DATE,
    "quantity_milli": {"type": ["integer", "null"], "description": "Thousandths of the product's unit"},
    "place": {"type": "string"}, "latitude": {"type": ["number", "null"]}, "longitude": {"type": ["number", "null"]},
    "certification_ids": {"type": "array", "items": {"type": "integer"}}, "show_ocop": {"type": "boolean"}}}
_BATCH = {"type": "object", "properties": {
    **_BATCH_INPUT["properties"], "id": {"type": "integer"}, "stamp_count": {"type": "integer"},
    "locked": {"type": "boolean", "description": "A stamp was scanned: batch and events are frozen"},
    "first_scanned_at": {"type": ["string", "null"]}}}
_EVENT_INPUT = {"type": "object", "required": ["kind", "happened_on"], "properties": {
    "kind": {"type": "string", "enum": _KINDS}, "happened_on": {"type": "string", "format": "date"},
    "material": {"type": "string"}, "preharvest_days": {"type": ["integer", "null"]}, "actor": {"type": "string"},
    "place": {"type": "string"}, "note": {"type": "string"},
    "corrects_id": {"type": ["integer", "null"], "description": "The event of this batch it corrects"}}}
_EVENT = {"type": "object", "properties": {
    **_EVENT_INPUT["properties"], "id": {"type": "integer"}, "photo_url": {"type": ["string", "null"]}}}
_PAGE_OF_BATCHES = {"type": "object", "properties": {
    "items": {"type": "array", "items": _BATCH}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "total": {"type": "integer"}}}
_EVENTS = {"type": "object", "properties": {"items": {"type": "array", "items": _EVENT}}}
_ISSUED = {"type": "object", "properties": {
    "first_serial": {"type": "integer"}, "last_serial": {"type": "integer"}, "stamp_count": {"type": "integer"}}}
_SCANS = {"type": "object", "properties": {
    "total": {"type": "integer"}, "stamps_scanned": {"type": "integer"},
    "latest": {"type": "array", "items": {"type": "object", "properties": {
        "scanned_at": {"type": "string"}, "serial": {"type": "integer"}, "client": {"type": "string"}}}}}}
_TRACE = {"type": "object", "required": ["genuine"], "properties": {
    "genuine": {"type": "boolean", "description": "false for forged or mistyped codes; nothing else is sent then"},
    "stamp": {"type": "object", "properties": {
        "serial": {"type": "integer"}, "scan_count": {"type": "integer"},
        "first_scanned_at": {"type": ["string", "null"]}, "suspicious": {"type": "boolean"}}},
    "product": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "on_sale": {"type": "boolean"},
        "gtin": {"type": ["string", "null"]}}},
    "stall": {"type": "object", "properties": {
        "name": {"type": "string"}, "slug": {"type": "string"}, "household_name": {"type": "string"}}},
    "origin": {"type": "object", "properties": {
        "village": {"type": ["string", "null"]}, "commune": {"type": "string"}, "province": {"type": "string"}}},
    "batch": _BATCH,
    "certifications": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string"}, "number": {"type": "string"}, "body": {"type": "string"},
        "issued_on": _DATE, "expires_on": _DATE, "valid": {"type": "boolean"}}}},
    "events": {"type": "array", "items": _EVENT}}}
_BATCH_ID = {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
_EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(summary, responses, body=None, params=(), secured=True):
    op = {"summary": summary, "tags": ["trace"], "parameters": list(params),
          "responses": {**responses, "404": ERROR_RESPONSE}}
    if secured:
        op["security"] = SECURED
        op["responses"]["401"] = ERROR_RESPONSE
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        op["responses"]["422"] = ERROR_RESPONSE
    return op


OPENAPI_PATHS = {
    "/trace/batches": {
        "get": _op("The caller's batches, newest first", {"200": _ok(_PAGE_OF_BATCHES)},
                   params=[*PAGE_PARAMS, {"name": "product_id", "in": "query", "schema": {"type": "integer"}}]),
        "post": _op("Record a batch of one's own product", {"201": _ok(_BATCH, "Created")}, body=_BATCH_INPUT),
    },
    "/trace/batches/{batch_id}": {
        "get": _op("A batch with its events", {"200": _ok({"allOf": [_BATCH, {"type": "object", "properties": {
            "events": {"type": "array", "items": _EVENT}}}]})}, params=[_BATCH_ID]),
        "patch": _op("Change a batch (refused with 409 after its first scan)",
                     {"200": _ok(_BATCH), "409": ERROR_RESPONSE}, body=_BATCH_INPUT, params=[_BATCH_ID]),
        "delete": _op("Delete a batch without stamps", {"204": {"description": "Deleted"}, "409": ERROR_RESPONSE},
                      params=[_BATCH_ID]),
    },
    "/trace/batches/{batch_id}/events": {
        "get": _op("The batch's journey", {"200": _ok(_EVENTS)}, params=[_BATCH_ID]),
        "post": _op("Append an event (corrects_id marks a correction)", {"201": _ok(_EVENT, "Created")},
                    body=_EVENT_INPUT, params=[_BATCH_ID]),
    },
    "/trace/batches/{batch_id}/events/{event_id}": {
        "patch": _op("Change an event (409 once a stamp of the batch was scanned)",
                     {"200": _ok(_EVENT), "409": ERROR_RESPONSE}, body=_EVENT_INPUT, params=[_BATCH_ID, _EVENT_ID]),
        "delete": _op("Delete an event (409 once a stamp of the batch was scanned)",
                      {"204": {"description": "Deleted"}, "409": ERROR_RESPONSE}, params=[_BATCH_ID, _EVENT_ID]),
    },
    "/trace/batches/{batch_id}/stamps": {
        "post": _op("Issue N more stamps", {"201": _ok(_ISSUED, "Serial range"), "409": ERROR_RESPONSE},
                    body={"type": "object", "required": ["count"],
                          "properties": {"count": {"type": "integer", "minimum": 1, "maximum": 5000}}},
                    params=[_BATCH_ID]),
    },
    "/trace/batches/{batch_id}/stamps.pdf": {
        "get": _op("Printable stamp sheet (vector QR codes)",
                   {"200": {"description": "PDF", "content": {"application/pdf": {
                       "schema": {"type": "string", "contentMediaType": "application/pdf"}}}}},
                   params=[_BATCH_ID,
                           {"name": "layout", "in": "query", "schema": {"type": "string", "enum": list(sheets.LAYOUTS)}},
                           {"name": "first", "in": "query", "schema": {"type": "integer"}},
                           {"name": "last", "in": "query", "schema": {"type": "integer"}}]),
    },
    "/trace/batches/{batch_id}/scans": {
        "get": _op("Scans of the batch's stamps", {"200": _ok(_SCANS)}, params=[_BATCH_ID]),
    },
    "/trace/{code}": {
        "get": _op("Public trace data of a stamp; counts as a scan. Forged codes give genuine: false",
                   {"200": _ok(_TRACE)},
                   params=[{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}], secured=False),
    },
}
