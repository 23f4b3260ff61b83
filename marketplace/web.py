"""Request-wide behaviour: security headers and error pages (HTML or JSON)."""
from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .core.errors import ServiceError
from .extensions import db

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    403: _l("Bạn không có quyền truy cập trang này."),
    404: _l("Không tìm thấy trang bạn cần."),
    405: _l("Thao tác không được hỗ trợ."),
    413: _l("Tệp hoặc nội dung gửi lên quá lớn."),
    429: _l("Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút."),
    500: _l("Có lỗi xảy ra. Chúng tôi đã ghi nhận và sẽ khắc phục."),
}
# A form whose CSRF token is missing or stale: most often a page left open past the session.
CSRF_MESSAGE = _l("Trang đã mở quá lâu nên phiên làm việc đã hết hạn. Vui lòng tải lại trang rồi thử lại.")


def init_app(app) -> None:
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(Exception, _unexpected_error)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def wants_json() -> bool:
    """The API, and pages' scripts that ask for JSON (orders.js), get JSON answers and errors."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message, fields=None):
    if wants_json():
        body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def _http_error(exc: HTTPException):
    if exc.code == 500:
        return _unexpected_error(exc)
    if isinstance(exc, CSRFError):
        message = CSRF_MESSAGE
    else:
        message = MESSAGES[exc.code] if exc.code in MESSAGES else exc.description
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, message)


def _service_error(exc: ServiceError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, {k: str(v) for k, v in exc.fields.items()})


def _unexpected_error(exc: Exception):
    if isinstance(exc, HTTPException) and exc.code != 500:
        return _http_error(exc)
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    return error_response(500, "server_error", MESSAGES[500])
