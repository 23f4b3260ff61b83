"""Errors a service raises; views turn them into 403/404/flash messages, the API into JSON."""


class ServiceError(Exception):
    """A rule was broken; `message` is user-facing (Vietnamese), `fields` maps field -> message."""

    status = 400
    code = "invalid"

    def __init__(self, message, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}


class ValidationError(ServiceError):
    status = 422
    code = "validation_error"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


def deny(actor, action: str, target) -> Forbidden:
    """Log a refused attempt and return the error to raise (authorization is logged)."""
    import logging

    logging.getLogger("marketplace.authz").warning(
        "denied user=%s action=%s target=%s:%s",
        getattr(actor, "id", None), action, type(target).__name__, getattr(target, "id", target),
    )
    from flask_babel import lazy_gettext

    return Forbidden(lazy_gettext("Bạn không có quyền thực hiện thao tác này."))
