"""Who may do what to a clinic: its owner, its editors, and moderators (read only)."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from directory.accounts.forms import ButtonForm
from directory.accounts.services import member_role
from directory.clinics.services import get_clinic
from directory.db import get_db

# need -> the clinic roles that may; moderators and admins may only "view".
ALLOWED = {
    "view": ("owner", "editor"),
    "edit": ("owner", "editor"),
    "own": ("owner",),
}


def clinic_access(clinic_id: str, need: str, *, hide_from_anonymous: bool = False):
    """Return (clinic, role) for the current user, or stop the request.

    Anonymous people are sent to log in (or get 404 with hide_from_anonymous). People with no
    link to the clinic get 404, so they learn nothing about it; a member or a moderator who
    may see the clinic but not do this gets 403. role is owner, editor or staff.
    """
    if not current_user.is_authenticated:
        if hide_from_anonymous:
            abort(404)
        abort(current_app.login_manager.unauthorized())
    db = get_db()
    clinic = get_clinic(db, clinic_id) if len(clinic_id) <= 200 else None
    if clinic is None:
        abort(404)
    role = member_role(db, clinic_id, current_user.id)
    if role is not None:
        if role not in ALLOWED[need]:
            abort(403)
        return clinic, role
    if current_user.is_moderator:
        if need != "view":
            abort(403)
        return clinic, "staff"
    abort(404)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def require_form_post():
    """Refuse POSTs that are not HTML form submissions (JSON bodies, say) with 415."""
    if request.method == "POST" and request.mimetype and request.mimetype not in FORM_TYPES:
        abort(415, "Send this form from its page.")


def require_button() -> None:
    """Stop with 400 unless this POST came from one of our button forms (its CSRF token)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
