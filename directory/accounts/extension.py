"""The accounts domain in the Flask app: sessions and cookies, rate limits, its blueprints.

A module of its own, so that importing any accounts module does not import the views.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from directory.accounts import clinic_views, editor_views, evidence_views, labels, limits, views

SESSION_LIFETIME = timedelta(hours=12)
REMEMBER_DURATION = timedelta(days=30)


def init_app(app: Flask) -> None:
    """Configure sessions and rate limits, and register the accounts blueprints."""
    # Flask's own default (31 days) is far too long for a logged-in clinic session.
    if app.config["PERMANENT_SESSION_LIFETIME"] == app.default_config["PERMANENT_SESSION_LIFETIME"]:
        app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    app.config.setdefault("REMEMBER_COOKIE_DURATION", REMEMBER_DURATION)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # Per-address limits are counted in Redis when REDIS_URL is set (production: every worker
    # and server shares the count); in memory otherwise, where each worker counts apart.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # Redis down: each worker counts in memory meanwhile rather than refusing every request.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limits.limiter.init_app(app)
    labels.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(clinic_views.bp)
    app.register_blueprint(editor_views.bp)
    app.register_blueprint(evidence_views.bp)
