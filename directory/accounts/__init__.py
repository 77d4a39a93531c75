"""Clinic accounts: register, confirm, log in, passwords, listings, editors, the editor.

`init_app` sets the session lifetimes, starts the rate limiter and registers four blueprints:
`accounts` (/account: who you are), `clinic_admin` (/manage: your clinics, getting a listing,
the dashboard, the team), `clinic_editor` (/manage/<id>/edit: the profile editor) and
`clinic_evidence` (/manage/<id>/items/...: claims and documents).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

SESSION_LIFETIME = timedelta(hours=12)
REMEMBER_DURATION = timedelta(days=30)


def init_app(app: Flask) -> None:
    """Configure sessions and rate limits, and register the accounts blueprints."""
    # Not at the top: every import of an accounts module (extensions.py needs accounts.tokens)
    # runs this file first, and the views import extensions, so that would be a cycle.
    from directory.accounts import clinic_views, editor_views, evidence_views, limits, views

    # Flask's own default (31 days) is far too long for a logged-in clinic session.
    if app.config["PERMANENT_SESSION_LIFETIME"] == app.default_config["PERMANENT_SESSION_LIFETIME"]:
        app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    app.config.setdefault("REMEMBER_COOKIE_DURATION", REMEMBER_DURATION)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # One process's memory is enough for this service's size; set a shared store to scale out.
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limits.limiter.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(clinic_views.bp)
    app.register_blueprint(editor_views.bp)
    app.register_blueprint(evidence_views.bp)
