"""/mfa/*: enrol an authenticator app, enter a code, replace recovery codes; and the guard."""

from __future__ import annotations

import functools
import time
from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from directory.db import get_db
from directory.moderation import mfa
from directory.moderation.forms import CodeForm, EmptyForm, ReauthForm
from directory.moderation.views.access import (
    MFA_MARK,
    is_staff,
    mfa_done,
    second_factor_redirect,
    staff_only,
)
from directory.urls import safe_next

bp = Blueprint("mfa", __name__, url_prefix="/mfa")
PENDING_SECRET = "mfa_pending_secret"
# Set when the password and a current (or recovery) code were given again: only then may an
# enrolled factor be replaced, for a few minutes.
REPLACE_MARK = "mfa_replace"
REPLACE_SECONDS = 10 * 60


@bp.before_app_request
def require_second_factor():
    """Every request of a moderator or admin waits for the second factor.

    Only static files, logging out and /mfa/* itself are let through.
    """
    if not is_staff() or mfa_done():
        return None
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.startswith("mfa.") or endpoint.endswith(".logout"):
        return None
    return second_factor_redirect()


def _next() -> str:
    return safe_next(request.values.get("next"), url_for("moderation.queue"))


def _enrolled_only(view):
    """Send a moderator without an authenticator to set one up first."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not mfa.is_enrolled(get_db(), current_user.id):
            return redirect(url_for("mfa.enrol", next=request.values.get("next")))
        return view(*args, **kwargs)

    return wrapper


def _code_page(template: str, form, status: int, **context):
    """Render a page asking for a code; a refused form without a status of its own is a 400."""
    if form.errors and status == 200:
        status = 400
    return render_template(
        template, form=form, next=request.values.get("next", ""), **context
    ), status


@bp.route("/enrol", methods=["GET", "POST"])
@staff_only
def enrol():
    db = get_db()
    # An enrolled factor is replaced only from a session that already passed it, and only
    # after the password and a current code are given again: neither a stolen password nor
    # a stolen session is enough to swap in the thief's authenticator and recovery codes.
    replacing = mfa.is_enrolled(db, current_user.id)
    if replacing and not mfa_done():
        return redirect(url_for("mfa.verify", next=request.values.get("next")))
    if replacing and not _may_replace():
        return redirect(url_for("mfa.replace", next=request.values.get("next")))
    secret = session.get(PENDING_SECRET)
    if not secret:
        secret = session[PENDING_SECRET] = mfa.new_secret()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        codes = mfa.enrol(db, current_user.id, secret, form.code.data)
        if codes is not None:
            session.pop(PENDING_SECRET, None)
            session.pop(REPLACE_MARK, None)
            session[MFA_MARK] = current_user.id
            return render_template(
                "moderation/mfa_codes.html", codes=codes, next=_next(), enrolled=True
            )
        form.code.errors.append(
            "That code does not match. Check that your phone's clock is right and try again."
        )
    uri = mfa.provisioning_uri(secret, current_user.email)
    return _code_page(
        "moderation/mfa_enrol.html", form, status, secret=secret, qr_svg=mfa.qr_svg(uri)
    )


def _may_replace() -> bool:
    """Tell whether this session proved, a few minutes ago, that it may replace the factor."""
    mark = session.get(REPLACE_MARK)
    if not isinstance(mark, dict) or mark.get("u") != current_user.id:
        return False
    at = mark.get("at")
    return isinstance(at, int | float) and 0 <= time.time() - at < REPLACE_SECONDS


@bp.route("/replace", methods=["GET", "POST"])
@staff_only
@_enrolled_only
def replace():
    """Ask for the password and a current code before a new authenticator can be set up."""
    db = get_db()
    if not mfa_done():
        return second_factor_redirect()
    form = ReauthForm()
    status = 200
    if form.validate_on_submit():
        outcome = mfa.prove_identity(db, current_user.id, form.password.data, form.code.data)
        if outcome in (mfa.OK, mfa.RECOVERY_OK):
            session[REPLACE_MARK] = {"u": current_user.id, "at": time.time()}
            session.pop(PENDING_SECRET, None)  # a fresh key, never one shown before
            return redirect(url_for("mfa.enrol", next=request.values.get("next")))
        if outcome == mfa.WRONG_PASSWORD:
            form.password.errors.append("That is not your password.")
        else:
            status = _refuse_code(form, outcome, "Too many wrong attempts.")
    return _code_page("moderation/mfa_replace.html", form, status)


def _refuse_code(form, outcome: str, locked: str) -> int:
    """Say beside the code field why it was refused; return the status (429 when locked)."""
    if outcome == mfa.LOCKED:
        until = mfa.lock_end(get_db(), current_user.id)
        form.code.errors.append(
            f"{locked} Wait until {until.astimezone(UTC).strftime('%H:%M')} UTC, then try again."
        )
        return 429
    if outcome == mfa.REUSED:
        form.code.errors.append("That code was used already. Wait for the next one.")
    else:
        form.code.errors.append("That code is not right. Try the current one.")
    return 200


@bp.route("/verify", methods=["GET", "POST"])
@staff_only
@_enrolled_only
def verify():
    if mfa_done():
        return redirect(_next())
    db = get_db()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        outcome = mfa.check(db, current_user.id, form.code.data)
        if outcome in (mfa.OK, mfa.RECOVERY_OK):
            session[MFA_MARK] = current_user.id
            if outcome == mfa.RECOVERY_OK:
                left = mfa.codes_left(db, current_user.id)
                flash(
                    f"You used a recovery code; {left} left. Each works once"
                    + (" — make new ones soon." if left < 4 else "."),
                    "warning",
                )
            return redirect(_next())
        status = _refuse_code(form, outcome, "Too many wrong codes.")
    return _code_page("moderation/mfa_verify.html", form, status)


@bp.post("/recovery-codes")
@staff_only
def recovery_codes():
    if not mfa_done():
        return second_factor_redirect()
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    codes = mfa.regenerate_recovery_codes(get_db(), current_user.id)
    return render_template(
        "moderation/mfa_codes.html", codes=codes, next=url_for("moderation.queue"), enrolled=False
    )
