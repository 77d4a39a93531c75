"""Friendly error pages for people, JSON errors for the API; never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, message: str):
    if wants_json():
        return jsonify({"error": {"status": status, "reason": message}}), status
    return render_template("error.html", status=status, title=title, message=message), status


MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: ("Page not found", "We could not find that page. It may have moved or never existed."),
    405: ("Method not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than we accept."),
    429: ("Too many requests", "You have made too many requests. Please wait and try again."),
}


def init_app(app: Flask) -> None:
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
        return _render(exc.code or 500, title, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return http_error(exc)
        app.logger.exception("unhandled error on %s", request.path)
        return _render(
            500,
            "Something went wrong",
            "Something went wrong on our side. It has been logged; please try again.",
        )

    # Make InternalServerError go through the same page.
    app.register_error_handler(InternalServerError, unexpected)
