"""Vetted: the clinic vetting directory (the Flask application package)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from directory.settings import data_dir_from_env, load_or_create_secret, setting_default


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
    test_config = dict(test_config or {})
    data_dir = Path(test_config.pop("DATA_DIR", None) or data_dir_from_env(Path(app.instance_path)))
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATA_DIR=str(data_dir),
        DATABASE=str(data_dir / "vetted.db"),
        INDEX_DIR=str(data_dir / "index"),
        EVIDENCE_DIR=str(data_dir / "evidence"),
        MAIL_DIR=str(data_dir / "mail"),
        SMTP_URL=os.environ.get("VETTED_SMTP_URL"),
        BASE_URL=os.environ.get("VETTED_BASE_URL", "http://127.0.0.1:5000"),
        MAP_TILES=os.environ.get("VETTED_MAP_TILES", setting_default("MAP_TILES")),
        MAP_ATTRIBUTION=os.environ.get(
            "VETTED_MAP_ATTRIBUTION", setting_default("MAP_ATTRIBUTION")
        ),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=11 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        JSON_SORT_KEYS=False,
    )
    app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("VETTED_SECRET_KEY") or load_or_create_secret(
            data_dir
        )

    from directory import db, errors, extensions, security

    db.init_app(app)
    extensions.init_app(app)
    errors.init_app(app)
    security.init_app(app)

    from directory.clinics import views as clinic_views
    from directory.evidence import views as evidence_views
    from directory.search import init_app as init_search

    app.register_blueprint(clinic_views.bp)
    app.register_blueprint(evidence_views.bp)
    init_search(app)
    for name in ("i18n", "vetting", "accounts", "moderation.views", "patients"):
        _register_optional(app, name)
    _register_optional(app, "hsds")

    from directory.cli import register_commands

    register_commands(app)
    return app


def _register_optional(app: Flask, name: str) -> None:
    """Register a domain's blueprints when that domain ships an init_app."""
    import importlib

    try:
        module = importlib.import_module(f"directory.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"directory.{name}":
            raise
        return
    init = getattr(module, "init_app", None)
    if init is not None:
        init(app)
