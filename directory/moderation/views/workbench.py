"""The workbench blueprint (/moderation, staff only) and what its route modules share.

The routes attach to `bp` from one module per idea: queue, claims, requests, reports,
clinics, actions, conflicts, invites (views/__init__.py imports them all).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, render_template

from directory.moderation.services import ModerationError, Refused

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
ID_MAX = 200


def today() -> date:
    return date.today()


def bounded(value: str) -> str:
    """Return an id from the path, or stop with 404 when it is absurdly long."""
    if len(value) > ID_MAX:
        abort(404)
    return value


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def render_or_404(template: str, context: dict | None, status: int = 200, **extra):
    """Render a page from what a service read for it (None: a 404), with the given status."""
    if context is None:
        abort(404)
    return render_template(template, **context, **extra), status


def attempt(act, page, errors: list | None = None):
    """Run act(); return (its result, None), or (None, the page that says why it was refused).

    No such thing is a 404. A conflict of interest is flashed, with 403. Another refusal goes
    into errors when given (a field's), else is flashed, with 400. page(status) makes the page.
    """
    try:
        return act(), None
    except LookupError:
        abort(404)
    except Refused as exc:
        flash(str(exc), "error")
        return None, page(403)
    except ModerationError as exc:
        if errors is None:
            flash(str(exc), "error")
        else:
            errors.append(str(exc))
        return None, page(400)


def submitted(form, field, act) -> bool:
    """Run act() for a valid submission and say whether it ran; a refusal goes beside field."""
    if not form.validate_on_submit():
        return False
    try:
        act()
    except ModerationError as exc:
        field.errors.append(str(exc))
        return False
    return True
