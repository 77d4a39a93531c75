"""Who may see the workbench: moderators and admins, after their second factor."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from directory.extensions import login_manager
from directory.moderation.services import Moderator

# The session mark set after a good second-factor code; it holds the user's id so it cannot
# vouch for anyone else, and the login view's session.clear() removes it.
MFA_MARK = "mfa_verified"


def mfa_done() -> bool:
    return current_user.is_authenticated and session.get(MFA_MARK) == current_user.id


def is_staff() -> bool:
    return current_user.is_authenticated and bool(getattr(current_user, "is_moderator", False))


def safe_next(target: str | None, default: str) -> str:
    """Return target when it is a path on this site, else default (no open redirects)."""
    if not target or len(target) > 2000:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def second_factor_redirect():
    """Send a moderator without a verified second factor to enrol or verify."""
    from directory.db import get_db
    from directory.moderation.mfa import is_enrolled

    endpoint = "mfa.verify" if is_enrolled(get_db(), current_user.id) else "mfa.enrol"
    target = request.full_path if request.method == "GET" else None
    if target and target.endswith("?"):
        target = target[:-1]
    return redirect(url_for(endpoint, next=safe_next(target, "") or None))


def staff_required(view):
    """Let only moderators and admins with their second factor done reach the view."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_staff():
            abort(403)
        if not mfa_done():
            return second_factor_redirect()
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    """Let only admins with their second factor done reach the view."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_staff():
            abort(403)
        if not mfa_done():
            return second_factor_redirect()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def me() -> Moderator:
    return Moderator.from_user(current_user)


def home_url() -> str:
    return url_for("moderation.queue")
