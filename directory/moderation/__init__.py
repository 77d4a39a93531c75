"""Moderation: the workbench (second factor, queue, review, four eyes, reports, audit),
patient reports, expiry reminders and the public transparency page.

`init_app` registers three blueprints: `mfa` (/mfa), `moderation` (/moderation, staff only)
and `moderation_public` (report a concern, /transparency, joining by invitation).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderation blueprints (directory.db applies their migrations)."""
    from directory.moderation import mfa_views, public_views, views

    app.register_blueprint(mfa_views.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(public_views.bp)
