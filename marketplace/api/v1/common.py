"""Helpers every API resource uses: token auth, JSON input (typed here, checked by the
services), pagination, JSON errors, and shared OpenAPI fragments."""
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import wraps

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ...core.ids import MAX_ID
from ...accounts import services as accounts
from ...catalog.units import MILLI, parse_quantity
from ...core.errors import NotFound, ServiceError, ValidationError, deny
from ...extensions import db

# A JSON body is a few fields; anything bigger is refused with 413 before it is parsed.
MAX_JSON_BYTES = 256 * 1024
# Ids are 32-bit integers on PostgreSQL; a bigger number in a URL is simply not found.
ID = f"int(max={MAX_ID})"
# Quantities are stored in 32-bit integer thousandths: keep them well inside that range.
MAX_QUANTITY_MILLI = 1_000_000 * MILLI
MAX_PAGE = 100_000


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


def bearer_user():
    """The user of the request's bearer token, or None. Never the session cookie: the API is
    exempt from CSRF, so a cookie must not authenticate it. Each view asks once (through
    token_required or directly), so nothing is cached."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    return accounts.user_for_token(token) if token else None


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = bearer_user()
        if user is None:
            raise Unauthorized(_l("Cần đăng nhập (Authorization: Bearer <token>)."))
        return view(user, *args, **kwargs)

    return wrapped


def officer_required(view):
    """Officers and admins (the API twin of accounts.auth.officer_required); which communes
    they may act on is checked by the services."""

    @wraps(view)
    @token_required
    def wrapped(user, *args, **kwargs):
        if not (user.is_admin or user.is_officer):
            raise deny(user, "moderation", request.path)
        return view(user, *args, **kwargs)

    return wrapped


def json_body() -> dict:
    """The request's JSON object; 413 when too big, 422 when not a JSON object."""
    request.max_content_length = min(current_app.config["MAX_CONTENT_LENGTH"] or MAX_JSON_BYTES, MAX_JSON_BYTES)
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[..." nested deeper than the parser goes: not an object either
        data = None
    if not isinstance(data, dict):
        raise ValidationError(_l("Nội dung phải là một đối tượng JSON."))
    return data


def form_from_json(form_class, data: dict, **kwargs):
    """Validate a JSON object with an HTML form class, so both paths share one set of rules."""
    pairs = MultiDict()
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, bool):
                item = "y" if item else ""
            if item is not None:
                pairs.add(key, str(item))
    form = form_class(formdata=pairs, meta={"csrf": False}, **kwargs)
    if not form.validate():
        raise ValidationError(
            _l("Dữ liệu không hợp lệ."),
            {name: str(errors[0]) for name, errors in form.errors.items() if errors},
        )
    return form


def page_args(default_per_page: int = 24, max_per_page: int = 100) -> tuple[int, int]:
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", default_per_page, type=int) or default_per_page
    return min(max(page, 1), MAX_PAGE), min(max(per_page, 1), max_per_page)


def paginated(query, serialize, default_per_page: int = 24) -> dict:
    """{"items": [...], "page", "per_page", "total"} for a SQLAlchemy select."""
    page, per_page = page_args(default_per_page)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return {"items": [serialize(item) for item in result.items], "page": page, "per_page": per_page,
            "total": result.total}


def paginated_items(items: list, serialize, default_per_page: int = 24) -> dict:
    """The same page shape for a list a service already returns (moderation queues)."""
    page, per_page = page_args(default_per_page)
    start = (page - 1) * per_page
    return {"items": [serialize(item) for item in items[start:start + per_page]], "page": page,
            "per_page": per_page, "total": len(items)}


def query_number(value: str | None, max_digits: int = 12) -> int | None:
    """A query-string number in ASCII digits ("²" and "１" are digits to str.isdigit, and a
    5000-digit string is too long for int()); None for anything else."""
    if value and value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None


def id_or_slug(value: str | None, find_by_slug) -> int | None:
    """A filter given as an id or a slug -> an id; None when absent. Anything that names no
    row becomes -1: no such id, and truthy, so services that skip falsy filters keep it."""
    if not value:
        return None
    number = query_number(value.strip(), 10)
    if number is not None:
        return number if number <= MAX_ID else -1
    try:
        return find_by_slug(value).id
    except NotFound:
        return -1


# ---- typing JSON input -----------------------------------------------------------------------
# Converters turn a JSON value into the Python type a service expects, or raise TypeError with
# a message for the field. Rules (required, ranges that mean something) stay in the services.

def text(value):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(_l("Phải là chuỗi ký tự."))
    return value


def optional_text(value):
    return None if value is None else text(value)


def integer(value, minimum: int = -MAX_ID, maximum: int = MAX_ID):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(_l("Phải là số nguyên."))
    if not minimum <= value <= maximum:
        raise TypeError(_l("Số nằm ngoài khoảng cho phép."))
    return value


def optional_integer(value):
    return None if value is None else integer(value)


def identifier(value):
    """A row id: a positive 32-bit integer, or null."""
    return None if value is None else integer(value, 0, MAX_ID)


def boolean(value):
    if not isinstance(value, bool):
        raise TypeError(_l("Phải là true hoặc false."))
    return value


def quantity(value):
    """A quantity in the product's unit ("1.5" or 1.5) -> integer thousandths."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(_l('Phải là số lượng, ví dụ "1.5".'))
    try:
        milli = parse_quantity(value)
    except ValueError:
        raise TypeError(_l('Phải là số lượng, tối đa 3 chữ số thập phân, ví dụ "1.5".'))
    if abs(milli) > MAX_QUANTITY_MILLI:
        raise TypeError(_l("Số nằm ngoài khoảng cho phép."))
    return milli


def optional_quantity(value):
    return None if value is None else quantity(value)


def iso_date(value):
    if value is None:
        return None
    try:
        return date.fromisoformat(text(value))
    except ValueError:
        raise TypeError(_l("Phải là ngày dạng YYYY-MM-DD."))


def typed(data: dict, spec: dict, rename: dict | None = None) -> dict:
    """Convert the keys of `spec` present in `data` (unknown keys are ignored); any wrong type
    is one 422 naming every bad field. `rename` maps JSON names to service names."""
    rename = rename or {}
    out, errors = {}, {}
    for key, convert in spec.items():
        if key not in data:
            continue
        try:
            out[rename.get(key, key)] = convert(data[key])
        except TypeError as exc:
            errors[key] = exc.args[0] if exc.args else _l("Giá trị không hợp lệ.")
    if errors:
        raise ValidationError(_l("Dữ liệu không hợp lệ."), errors)
    return out


@contextmanager
def json_field_names(rename: dict):
    """Report a service's field errors under the JSON names the client sent."""
    back = {v: k for k, v in rename.items()}
    try:
        yield
    except ValidationError as exc:
        exc.fields = {back.get(k, k): v for k, v in exc.fields.items()}
        raise


# ---- shaping JSON output ---------------------------------------------------------------------

def quantity_str(milli: int | None) -> str | None:
    """12500 -> "12.5", 3000 -> "3": exact decimal text, never a float."""
    if milli is None:
        return None
    value = (Decimal(int(milli)) / MILLI).normalize()
    return format(value, "f")


def timestamp(value: datetime | None) -> str | None:
    """Stored naive UTC -> ISO 8601 with Z."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# Reusable OpenAPI fragments.
ERROR_RESPONSE = {"$ref": "#/components/responses/Error"}
PAGE_PARAMS = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
SECURED = [{"bearer": []}]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": json_content(schema)}


def page_of(item: dict) -> dict:
    return {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": item}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}}}


def json_request(schema: dict) -> dict:
    return {"required": True, "content": json_content(schema)}


def path_id(name: str, description: str = "") -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}}


QUANTITY = {"type": ["string", "number"], "description": "Quantity in the product's unit, e.g. \"1.5\" (kg)",
            "examples": ["1.5"]}
QUANTITY_OUT = {"type": "string", "description": "Exact decimal quantity in the product's unit", "examples": ["12.5"]}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
DATETIME = {"type": ["string", "null"], "format": "date-time"}
UNAUTHORIZED = {"401": ERROR_RESPONSE}
