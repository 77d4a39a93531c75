"""Vetted: the clinic vetting directory (the Flask application package)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from directory import bidi, cli, db, errors, extensions, hsds, i18n, read_only, search, security
from directory.accounts import extension as accounts
from directory.evidence import views as evidence_views
from directory.experiences import views as experiences_views
from directory.moderation import views as moderation_views
from directory.notifications import extension as notifications
from directory.patients import views as patients_views
from directory.settings import read_settings, runtime_config
from directory.urls import RowId
from directory.vetting import views as vetting_views


def _template_folder() -> str:
    """Find templates/: beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here / "templates"):
        if candidate.is_dir():
            return str(candidate)
    raise RuntimeError("templates folder not found")  # pragma: no cover


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_template_folder(),
    )
    settings = read_settings(os.environ, instance_path=app.instance_path)
    app.config.from_mapping(runtime_config({**settings, **(test_config or {})}))
    # Before any route is added: every <int:...> in the app is a row id SQLite can hold.
    app.url_map.converters["int"] = RowId

    db.init_app(app)
    extensions.init_app(app)
    errors.init_app(app)
    read_only.init_app(app)  # after errors: its refusal comes before every other hook
    security.init_app(app)
    i18n.init_app(app)
    bidi.init_app(app)  # after i18n: it wraps the gettext callables Flask-Babel installs
    search.init_app(app)  # after db: the outbox is applied before the store handle closes
    notifications.init_app(app)  # after db too: queued mail goes out after the commit
    app.register_blueprint(evidence_views.bp)
    vetting_views.init_app(app)
    accounts.init_app(app)
    moderation_views.init_app(app)
    patients_views.init_app(app)
    hsds.init_app(app)
    experiences_views.init_app(app)
    cli.register_commands(app)
    return app
