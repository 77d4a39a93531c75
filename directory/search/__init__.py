"""Patient search: the index glue, the search page and the public JSON API."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the search page and the /api/v1 blueprint."""
    from directory.search import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
