"""Friendly error pages for people, JSON errors for the API; never a traceback."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, abort, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

# The longest request target (path and query string, as sent) the app reads. gunicorn refuses
# request lines over its limit_request_line (8,190 bytes, its maximum, in gunicorn.conf.py)
# with an HTML page of its own; this cap sits below it so that the app answers first, and an
# API caller gets a JSON 414 with a reason.
MAX_URL_BYTES = 8000
# Headers an error keeps from its exception (Allow on a 405, Retry-After on a 429, ...).
_KEPT = {"allow", "retry-after", "www-authenticate", "content-range"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, reason: str, headers=()):
    """Return the API's error response: {"error": {"status", "reason"}}."""
    return jsonify({"error": {"status": status, "reason": reason}}), status, list(headers)


def _render(status: int, title: str, message: str, headers=()):
    kept = [(k, v) for k, v in headers if k.lower() in _KEPT]
    if wants_json():
        return json_error(status, message, kept)
    page = render_template("error.html", status=status, title=title, message=message)
    return page, status, kept


def server_error(exc: BaseException):
    """Log an unexpected failure and answer 500, never with its traceback."""
    current_app.logger.exception("unhandled error on %s", request.path, exc_info=exc)
    return _render(
        500,
        "Something went wrong",
        "Something went wrong on our side. It has been logged; please try again.",
    )


def request_target_bytes() -> int:
    """Return the length of the request target as the client sent it (path and query)."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target is None:  # not every WSGI server passes the raw target on
        target = quote(environ.get("PATH_INFO", ""), safe="/")
    query = environ.get("QUERY_STRING", "")
    if query and "?" not in target:
        target += "?" + query
    return len(target.encode("latin-1", "replace"))


MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: ("Page not found", "We could not find that page. It may have moved or never existed."),
    405: ("Method not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than we accept."),
    414: (
        "Address too long",
        f"The address is longer than we accept ({MAX_URL_BYTES:,} bytes with its query). "
        "Send fewer or shorter values.",
    ),
    429: ("Too many requests", "You have made too many requests. Please wait and try again."),
}


def init_app(app: Flask) -> None:
    def refuse_long_addresses():
        if request_target_bytes() > MAX_URL_BYTES:
            abort(414)

    # First of all the hooks (CSRF, limits...): an over-long address is a 414 wherever it goes.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_long_addresses)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(
            400,
            "Form expired",
            "Your form session expired or the security token was missing. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        title, default = MESSAGES.get(exc.code or 500, (exc.name, exc.description))
        # A description set by our own code (abort(400, "...")) is more useful than the default.
        message = exc.description if exc.description != type(exc).description else default
        return _render(exc.code or 500, title, message, exc.get_headers())

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return http_error(exc)
        return server_error(exc)

    # Make InternalServerError go through the same page.
    app.register_error_handler(InternalServerError, unexpected)
