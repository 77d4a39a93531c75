"""The moderation web layer: three blueprints, and the only modules of moderation that import
Flask.

- `mfa` (/mfa, views/mfa.py): the second factor, and the guard that holds staff until it is done;
- `moderation` (/moderation, staff only): defined in views/workbench.py, its routes attached
  from one module per idea (queue, claims, requests, reports, clinics, actions, conflicts,
  invites);
- `moderation_public` (views/public.py): report a concern, /transparency, joining by invite.
"""

from __future__ import annotations

from flask import Flask

# Imported for their routes, which attach to the workbench blueprint.
from directory.moderation.views import (  # noqa: F401
    actions,
    claims,
    clinics,
    conflicts,
    invites,
    mfa,
    public,
    queue,
    reports,
    requests,
    workbench,
)


def init_app(app: Flask) -> None:
    """Register the moderation blueprints (directory.db applies their migrations)."""
    app.register_blueprint(mfa.bp)
    app.register_blueprint(workbench.bp)
    app.register_blueprint(public.bp)
