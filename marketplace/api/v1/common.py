"""Helpers every API resource uses: token auth, JSON input through the same WTForms
forms the HTML views use, pagination, JSON errors."""
from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ...accounts import services as accounts
from ...core.errors import ServiceError, ValidationError
from ...extensions import db


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


def bearer_user():
    """The user of the request's bearer token, or None."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        g.api_user = accounts.user_for_token(token) if token else None
    return g.api_user


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = bearer_user()
        if user is None:
            raise Unauthorized(_l("Cần đăng nhập (Authorization: Bearer <token>)."))
        return view(user, *args, **kwargs)

    return wrapped


def json_body() -> dict:
    data = request.get_json(silent=True)
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
    return max(page, 1), min(max(per_page, 1), max_per_page)


def paginated(query, serialize, default_per_page: int = 24) -> dict:
    """{"items": [...], "page", "per_page", "total"} for a SQLAlchemy select."""
    page, per_page = page_args(default_per_page)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return {"items": [serialize(item) for item in result.items], "page": page, "per_page": per_page,
            "total": result.total}


# Reusable OpenAPI fragments.
ERROR_RESPONSE = {"$ref": "#/components/responses/Error"}
PAGE_PARAMS = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
SECURED = [{"bearer": []}]
