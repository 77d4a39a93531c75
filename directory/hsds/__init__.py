"""Open data in and out: Open Referral HSDS 3.0 files and API, and the public change feed."""

from flask import Flask

from directory.hsds import changes_api, views


def init_app(app: Flask) -> None:
    """Register /api/hsds (the HSDS API) and /api/v1/changes (the change feed)."""
    app.register_blueprint(views.bp)
    app.register_blueprint(changes_api.bp)
