"""Patient-facing reading: the search page, the clinic pages, the public JSON API, and the
glue that keeps the search index following the store (extension.py, services.py)."""

from __future__ import annotations

from flask import Flask

from directory import db
from directory.search import api, clinic_views, extension, views


def init_app(app: Flask) -> None:
    """Register the pages and the API; apply the outbox after every commit.

    A read node (READ_ONLY) never applies the outbox: its store is the writer's replica, whose
    outbox the writer drains; its index follows the store with `vetted index follow`.
    """
    app.register_blueprint(clinic_views.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    if not app.config["READ_ONLY"]:
        db.on_store_opened(app, extension.store_opened)
        app.teardown_appcontext(extension.after_context)
