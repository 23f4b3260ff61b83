"""Products: the storefront list with its filters, one product, and the seller's own
products (create, edit, hide/show, soft delete, photos)."""
from flask import request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...catalog import services as catalog
from ...catalog.models import CertificationKind, Product, ProductStatus
from ...catalog.units import UNITS
from ...core.errors import NotFound, ValidationError
from ...core.money import format_vnd
from ...stalls import services as stalls
from . import bp
from .categories import category_json
from .common import (
    DATETIME, ERROR_RESPONSE, ID, MAX_ID, NULLABLE_DATE, NULLABLE_STRING, PAGE_PARAMS, QUANTITY,
    QUANTITY_OUT, SECURED, bearer_user, day, id_or_slug, identifier, integer, iso_date, json_body, json_field_names,
    json_request, ok, optional_integer, optional_quantity, optional_text, page_of, paginated, path_id,
    query_number, quantity, quantity_str, ref, text, timestamp, token_required, typed,
)
from .communes import commune_brief
from .stalls import commune_filter, photo_urls

# JSON names of quantities differ from the stored thousandths; errors come back under JSON names.
RENAME = {"stock": "stock_milli", "step": "step_milli", "min_quantity": "min_milli"}
SORTS = ("new", "price_asc", "price_desc")
MAX_CERTIFICATIONS = 20


def certifications(value):
    """[{kind, number, body, issued_on, expires_on}] with ISO dates -> what the service takes."""
    if not isinstance(value, list) or len(value) > MAX_CERTIFICATIONS or not all(isinstance(i, dict) for i in value):
        raise TypeError(_l("Phải là danh sách chứng nhận (tối đa %(n)s).", n=MAX_CERTIFICATIONS))
    return [{"kind": text(item.get("kind")), "number": text(item.get("number")), "body": text(item.get("body")),
             "issued_on": iso_date(item.get("issued_on")), "expires_on": iso_date(item.get("expires_on"))}
            for item in value]


PRODUCT_FIELDS = {
    "name": text, "category_id": identifier, "description": text, "unit": text, "price": integer,
    "stock": quantity, "step": optional_quantity, "min_quantity": optional_quantity,
    "weight_grams": integer, "gtin": optional_text, "ocop_stars": optional_integer,
    "ocop_decision": optional_text, "ocop_date": iso_date, "ocop_expiry": iso_date,
    "certifications": certifications,
}


def product_json(product, private: bool = False) -> dict:
    """What a buyer sees; `private` adds moderation state for the seller."""
    unit = product.unit_info
    data = {
        "id": product.id, "slug": product.slug, "name": product.name, "description": product.description,
        "category": category_json(product.category),
        "unit": product.unit, "unit_label": unit.label, "decimal_quantities": unit.decimal,
        "price": product.price, "price_display": format_vnd(product.price),
        "stock": quantity_str(product.stock_milli), "step": quantity_str(product.step_milli),
        "min_quantity": quantity_str(product.min_milli), "in_stock": product.in_stock,
        "weight_grams": product.weight_grams, "gtin": product.gtin,
        "ocop": {"stars": product.ocop_stars, "decision": product.ocop_decision, "date": day(product.ocop_date),
                 "expiry": day(product.ocop_expiry)} if product.ocop_stars else None,
        "certifications": [{"kind": c.kind, "number": c.number, "body": c.body, "issued_on": day(c.issued_on),
                            "expires_on": day(c.expires_on)} for c in product.certifications],
        "photos": [{"id": img.id, "width": img.width, "height": img.height, **photo_urls(img.key, "p")}
                   for img in product.images],
        "stall": {"id": product.stall.id, "slug": product.stall.slug, "name": product.stall.name,
                  "commune": commune_brief(product.stall.commune)},
        "url": url_for("catalog.product", product_id=product.id, slug=product.slug, _external=True),
        "created_at": timestamp(product.created_at), "updated_at": timestamp(product.updated_at),
    }
    if private:
        data.update(status=product.status, status_reason=product.status_reason, hidden=product.hidden,
                    officer_hidden=product.officer_hidden, officer_hidden_reason=product.officer_hidden_reason)
    return data


def product_input() -> tuple[dict, list | None]:
    """The typed JSON body as service data, plus certifications (None when not sent)."""
    data = typed(json_body(), PRODUCT_FIELDS, RENAME)
    return data, data.pop("certifications", None)


def browse_args() -> dict:
    """The storefront filters from the query string; a malformed one is a 422 naming it."""
    price_message = _l("Giá phải là số đồng, ví dụ 50000.")
    messages = {"min_price": price_message, "max_price": price_message, "stall": _l("Mã gian hàng phải là số.")}
    numbers, errors = {}, {}
    for key, message in messages.items():
        value = request.args.get(key, "").strip()
        if value:
            number = query_number(value)
            if number is None:
                errors[key] = message
            else:  # columns are 32-bit; a bigger number means "none" (stall) or "any" (price)
                numbers[key] = number if number <= MAX_ID else (-1 if key == "stall" else MAX_ID)
    sort = request.args.get("sort") or "new"
    if sort not in SORTS:
        errors["sort"] = _l("Cách sắp xếp không hợp lệ.")
    if errors:
        raise ValidationError(_l("Bộ lọc không hợp lệ."), errors)
    return {"commune_id": commune_filter(request.args.get("commune")),
            "category_id": id_or_slug(request.args.get("category"), catalog.get_category),
            "stall_id": numbers.get("stall"), "min_price": numbers.get("min_price"),
            "max_price": numbers.get("max_price"), "sort": sort}


def with_details(query):
    """Load what product_json reads in a few queries instead of a few per product."""
    # Stall and commune: eager in the storefront's query, one object each in a stall's own list.
    return query.options(selectinload(Product.category), selectinload(Product.certifications), selectinload(Product.images))


@bp.get("/products")
def list_products():
    return paginated(with_details(catalog.browse(**browse_args())), product_json)


@bp.get("/products/mine")
@token_required
def my_products(user):
    stall = stalls.stall_of(user)
    if stall is None:
        raise NotFound(_l("Bạn chưa có gian hàng."))
    return paginated(with_details(catalog.stall_products(stall)), lambda p: product_json(p, private=True))


@bp.get(f"/products/<{ID}:product_id>")
def get_product(product_id):
    viewer = bearer_user()
    product = catalog.get_for_viewer(viewer, product_id)
    return product_json(product, private=viewer is not None and product.stall.owner_id == viewer.id)


@bp.post("/products")
@token_required
def create_product(user):
    data, certs = product_input()
    with json_field_names(RENAME):
        product = catalog.create_product(user, data, certifications=certs)
    return product_json(product, private=True), 201


@bp.patch(f"/products/<{ID}:product_id>")
@token_required
def update_product(user, product_id):
    data, certs = product_input()
    with json_field_names(RENAME):
        product = catalog.update_product(user, product_id, data, certifications=certs)
    return product_json(product, private=True)


@bp.delete(f"/products/<{ID}:product_id>")
@token_required
def delete_product(user, product_id):
    catalog.delete_product(user, product_id)
    return "", 204


@bp.post(f"/products/<{ID}:product_id>/hide")
@token_required
def hide_product(user, product_id):
    return product_json(catalog.set_hidden(user, product_id, True), private=True)


@bp.post(f"/products/<{ID}:product_id>/show")
@token_required
def show_product(user, product_id):
    return product_json(catalog.set_hidden(user, product_id, False), private=True)


@bp.post(f"/products/<{ID}:product_id>/photos")
@token_required
def add_photos(user, product_id):
    files = [f for f in request.files.getlist("photo") if f and f.filename]
    if not files:
        message = _l("Chọn ít nhất một ảnh (trường 'photo').")
        raise ValidationError(message, {"photo": message})
    with json_field_names({"photo": "photos"}):
        product = catalog.update_product(user, product_id, {}, photos=files)
    return product_json(product, private=True), 201


@bp.delete(f"/products/<{ID}:product_id>/photos/<{ID}:photo_id>")
@token_required
def delete_photo(user, product_id, photo_id):
    return product_json(catalog.remove_photo(user, product_id, photo_id), private=True)


_CERT = {"type": "object", "properties": {
    "kind": {"type": "string", "enum": list(CertificationKind.ALL)}, "number": {"type": "string", "maxLength": 60},
    "body": {"type": "string", "description": "Issuing body"}, "issued_on": NULLABLE_DATE, "expires_on": NULLABLE_DATE}}
_PRODUCT_INPUT_PROPS = {
    "name": {"type": "string", "maxLength": 120, "examples": ["Vải thiều Phúc Hòa"]},
    "category_id": {"type": "integer", "minimum": 1},
    "description": {"type": "string", "maxLength": 5000},
    "unit": {"type": "string", "enum": list(UNITS), "description": "kg and lit take decimal quantities"},
    "price": {"type": "integer", "minimum": 1, "maximum": catalog.MAX_PRICE, "description": "VND per unit"},
    "stock": QUANTITY, "step": {**QUANTITY, "description": "Quantity step (decimal units only; default 1)"},
    "min_quantity": {**QUANTITY, "description": "Minimum order, a multiple of the step (default: the step)"},
    "weight_grams": {"type": "integer", "minimum": 1, "maximum": 100000, "description": "Shipping weight of one unit"},
    "gtin": {**NULLABLE_STRING, "description": "8, 12, 13 or 14 digit barcode"},
    "ocop_stars": {"type": ["integer", "null"], "enum": [3, 4, 5, None]},
    "ocop_decision": NULLABLE_STRING, "ocop_date": NULLABLE_DATE, "ocop_expiry": NULLABLE_DATE,
    "certifications": {"type": "array", "maxItems": MAX_CERTIFICATIONS, "items": _CERT,
                       "description": "Replaces the list when sent; entries without a number are dropped"},
}
_PHOTO = {"type": "object", "properties": {
    "id": {"type": "integer"}, "width": {"type": "integer"}, "height": {"type": "integer"},
    "thumb_url": {"type": "string", "format": "uri"}, "large_url": {"type": "string", "format": "uri"}}}

OPENAPI_SCHEMAS = {
    "ProductInput": {"type": "object", "properties": _PRODUCT_INPUT_PROPS,
                     "required": ["name", "category_id", "unit", "price", "stock", "weight_grams"],
                     "description": "Unknown keys are ignored."},
    "ProductPatch": {"type": "object", "properties": _PRODUCT_INPUT_PROPS,
                     "description": "Any subset of the product fields. In communes that review products, "
                                    "changing name, category, description, unit or photos sends it back for review."},
    "Product": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "description": {"type": "string"}, "category": ref("Category"),
        "unit": {"type": "string", "examples": ["kg"]}, "unit_label": {"type": "string", "examples": ["kg"]},
        "decimal_quantities": {"type": "boolean"},
        "price": {"type": "integer", "description": "VND per unit", "examples": [45000]},
        "price_display": {"type": "string", "examples": ["45.000 ₫"]},
        "stock": QUANTITY_OUT, "step": QUANTITY_OUT, "min_quantity": QUANTITY_OUT, "in_stock": {"type": "boolean"},
        "weight_grams": {"type": "integer"}, "gtin": NULLABLE_STRING,
        "ocop": {"type": ["object", "null"], "properties": {
            "stars": {"type": "integer"}, "decision": NULLABLE_STRING, "date": NULLABLE_DATE, "expiry": NULLABLE_DATE}},
        "certifications": {"type": "array", "items": _CERT},
        "photos": {"type": "array", "items": _PHOTO},
        "stall": {"type": "object", "properties": {"id": {"type": "integer"}, "slug": {"type": "string"},
                                                   "name": {"type": "string"}, "commune": ref("CommuneBrief")}},
        "url": {"type": "string", "format": "uri", "description": "The product page"},
        "created_at": DATETIME, "updated_at": DATETIME,
        "status": {"type": "string", "enum": list(ProductStatus.ALL), "description": "Seller only"},
        "status_reason": {"type": "string", "description": "Seller only"},
        "hidden": {"type": "boolean", "description": "Seller only"},
        "officer_hidden": {"type": "boolean", "description": "Seller and officers: hidden by the commune"},
        "officer_hidden_reason": {"type": "string"}}},
}

_ID = [path_id("product_id")]
_OWNER_ERRORS = {"401": ERROR_RESPONSE, "404": ERROR_RESPONSE}
_FILTERS = [
    {"name": "commune", "in": "query", "description": "Commune id or slug", "schema": {"type": "string"}},
    {"name": "category", "in": "query", "description": "Category id or slug", "schema": {"type": "string"}},
    {"name": "stall", "in": "query", "description": "Stall id", "schema": {"type": "integer"}},
    {"name": "min_price", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "max_price", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS), "default": "new"}},
]

OPENAPI_PATHS = {
    "/products": {
        "get": {
            "summary": "Products on the storefront (approved, not hidden, on an approved stall)",
            "tags": ["products"], "parameters": [*_FILTERS, *PAGE_PARAMS],
            "responses": {"200": ok(page_of(ref("Product"))), "422": ERROR_RESPONSE},
        },
        "post": {
            "summary": "List a product on the caller's approved stall", "tags": ["products"],
            "security": SECURED, "requestBody": json_request(ref("ProductInput")),
            "responses": {"201": ok(ref("Product"), "Created (pending or approved, per the commune)"),
                          "401": ERROR_RESPONSE, "409": ERROR_RESPONSE, "413": ERROR_RESPONSE, "422": ERROR_RESPONSE},
        },
    },
    "/products/mine": {"get": {
        "summary": "The caller's own products in every state except deleted", "tags": ["products"],
        "security": SECURED, "parameters": PAGE_PARAMS,
        "responses": {"200": ok(page_of(ref("Product"))), **_OWNER_ERRORS},
    }},
    "/products/{product_id}": {
        "get": {
            "summary": "A visible product, or the caller's own in any state", "tags": ["products"],
            "parameters": _ID, "responses": {"200": ok(ref("Product")), "404": ERROR_RESPONSE},
        },
        "patch": {
            "summary": "Edit the caller's own product", "tags": ["products"], "security": SECURED,
            "parameters": _ID, "requestBody": json_request(ref("ProductPatch")),
            "responses": {"200": ok(ref("Product")), **_OWNER_ERRORS, "413": ERROR_RESPONSE, "422": ERROR_RESPONSE},
        },
        "delete": {
            "summary": "Delete the caller's own product (soft: order history keeps it)", "tags": ["products"],
            "security": SECURED, "parameters": _ID,
            "responses": {"204": {"description": "Deleted"}, **_OWNER_ERRORS},
        },
    },
    "/products/{product_id}/hide": {"post": {
        "summary": "Take the caller's own product off the storefront", "tags": ["products"],
        "security": SECURED, "parameters": _ID, "responses": {"200": ok(ref("Product")), **_OWNER_ERRORS},
    }},
    "/products/{product_id}/show": {"post": {
        "summary": "Put a hidden product back on the storefront", "tags": ["products"],
        "security": SECURED, "parameters": _ID, "responses": {"200": ok(ref("Product")), **_OWNER_ERRORS},
    }},
    "/products/{product_id}/photos": {"post": {
        "summary": "Add photos (JPEG, PNG or WebP; resized, metadata stripped)", "tags": ["products"],
        "security": SECURED, "parameters": _ID,
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["photo"], "properties": {"photo": {
                "type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                "description": "One or more files in the field `photo`"}}}}}},
        "responses": {"201": ok(ref("Product")), **_OWNER_ERRORS, "413": ERROR_RESPONSE, "422": ERROR_RESPONSE},
    }},
    "/products/{product_id}/photos/{photo_id}": {"delete": {
        "summary": "Delete one photo of the caller's own product", "tags": ["products"], "security": SECURED,
        "parameters": [*_ID, path_id("photo_id")],
        "responses": {"200": ok(ref("Product")), **_OWNER_ERRORS},
    }},
}
