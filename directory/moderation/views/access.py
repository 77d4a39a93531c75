"""Who may see the workbench: moderators and admins, after their second factor."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from directory.db import get_db
from directory.extensions import login_manager
from directory.moderation.mfa import is_enrolled
from directory.moderation.services import Moderator
from directory.urls import safe_next

# The session mark set after a good second-factor code; it holds the user's id so it cannot
# vouch for anyone else, and the login view's session.clear() removes it.
MFA_MARK = "mfa_verified"


def mfa_done() -> bool:
    return current_user.is_authenticated and session.get(MFA_MARK) == current_user.id


def is_staff() -> bool:
    return current_user.is_authenticated and bool(getattr(current_user, "is_moderator", False))


def second_factor_redirect():
    """Send a moderator without a verified second factor to enrol or verify."""
    endpoint = "mfa.verify" if is_enrolled(get_db(), current_user.id) else "mfa.enrol"
    target = request.full_path if request.method == "GET" else None
    if target and target.endswith("?"):
        target = target[:-1]
    return redirect(url_for(endpoint, next=safe_next(target)))


def _guard(view, *, admin: bool = False, second_factor: bool = True):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_staff():
            abort(403)
        if second_factor and not mfa_done():
            return second_factor_redirect()
        if admin and not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def staff_only(view):
    """Let moderators and admins in before their second factor (the /mfa pages)."""
    return _guard(view, second_factor=False)


def staff_required(view):
    """Let only moderators and admins with their second factor done reach the view."""
    return _guard(view)


def admin_required(view):
    """Let only admins with their second factor done reach the view."""
    return _guard(view, admin=True)


def me() -> Moderator:
    return Moderator.from_user(current_user)
