"""/account: register, confirm the address, log in and out, reset and change the password."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from directory.accounts import forms, messages, services
from directory.accounts.access import require_button, require_form_post
from directory.accounts.limits import mails_an_address, per_account, per_ip
from directory.accounts.tokens import read_token
from directory.accounts.wording import said
from directory.db import get_db
from directory.extensions import User
from directory.i18n.languages import current_lang
from directory.urls import safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")
bp.before_request(require_form_post)

BAD_LOGIN = "That e-mail address and password do not match an account."
THROTTLED = (
    "Too many wrong passwords were tried for this address, so attempts are slowed down: "
    "wait a little and try again, or get a login link by e-mail, which always works."
)


def _start_session(user_row: dict, *, remember: bool) -> None:
    """Renew the session (no fixation), then log the user in."""
    session.clear()
    session.permanent = True
    login_user(User(user_row), remember=remember)


def home_url(user_row: dict) -> str:
    """Return where a person lands after logging in: moderators and admins on the work queue."""
    if user_row.get("role") in ("moderator", "admin"):
        return url_for("moderation.queue")
    return url_for("clinic_admin.home")


def _token(purpose: str, token: str):
    return read_token(current_app.config["SECRET_KEY"], purpose, token)


@bp.route("/register", methods=["GET", "POST"])
@mails_an_address
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        db = get_db()
        # The page's language becomes the account's: its e-mails are written in it.
        user_id = services.register_clinic_user(
            db, email=form.email.data, password=form.password.data, language=current_lang()
        )
        if user_id is None:
            messages.send_already_registered(form.email.data)
        else:
            messages.send_confirmation(services.get_user(db, user_id))
        # The same answer either way: the page must not tell who has an account.
        return render_template("accounts/check_inbox.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    payload = _token("confirm-email", token)
    if not isinstance(payload, dict) or not {"u", "e"} <= payload.keys():
        return render_template("accounts/link_invalid.html", what="confirmation"), 400
    form = forms.ButtonForm()
    if form.validate_on_submit():
        if not services.confirm_email(get_db(), payload["u"], payload["e"]):
            return render_template("accounts/link_invalid.html", what="confirmation"), 400
        flash(_("Thank you: your e-mail address is confirmed."), "success")
        if current_user.is_authenticated:
            return redirect(url_for("clinic_admin.home"))
        return redirect(url_for(".login"))
    return render_template("accounts/confirm.html", form=form, email=payload["e"])


@bp.post("/confirm/resend")
@login_required
@mails_an_address
def resend_confirmation():
    require_button()
    user = services.get_user(get_db(), current_user.id)
    if services.is_confirmed(user):
        flash(_("Your e-mail address is already confirmed."), "success")
    else:
        messages.send_confirmation(user)
        flash(_("We sent a new confirmation link to %(email)s.", email=user["email"]), "success")
    return redirect(url_for("clinic_admin.home"))


@bp.route("/login", methods=["GET", "POST"])
@per_ip("30 per minute; 200 per hour")
def login():
    # Per account, wrong passwords are slowed down in the database (services.attempt_login),
    # never locked: a per-account limit here would let anyone lock an owner out.
    form = forms.LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(home_url(current_user.row))
        form.next.data = safe_next(request.args.get("next")) or ""
    wait = 0
    if form.validate_on_submit():
        result = services.attempt_login(get_db(), form.email.data, form.password.data)
        if result.user is not None:
            target = safe_next(form.next.data) or home_url(result.user)
            _start_session(result.user, remember=bool(form.remember.data))
            flash("You are logged in.", "success")
            return redirect(target)
        if result.throttled:
            wait = max(1, math.ceil(result.wait.total_seconds()))
            form.password.errors.append(THROTTLED)
        else:
            form.password.errors.append(BAD_LOGIN)
    response = make_response(
        render_template("accounts/login.html", form=form, throttled=bool(wait)),
        429 if wait else 200,
    )
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/login-link", methods=["GET", "POST"])
@per_ip("10 per hour")
def login_link():
    form = forms.LoginLinkForm()
    if request.method == "GET" and isinstance(request.args.get("email"), str):
        form.email.data = request.args["email"][:254]
    if form.validate_on_submit():
        made = services.request_login_link(get_db(), form.email.data)
        if made is not None:
            messages.send_login_link(*made)
        # Same page whether or not the account exists (no user enumeration).
        return render_template("accounts/login_link_sent.html", email=form.email.data)
    return render_template("accounts/login_link.html", form=form)


@bp.route("/login-link/<token>", methods=["GET", "POST"])
@per_ip("30 per hour")
def login_link_use(token: str):
    db = get_db()
    user = services.login_link_user(db, token)
    if user is None:
        return render_template("accounts/link_invalid.html", what="login"), 400
    # A button, not the GET: mail scanners that open links must not spend (or use) it.
    form = forms.ButtonForm()
    if form.validate_on_submit():
        user = services.use_login_link(db, token)
        if user is None:
            return render_template("accounts/link_invalid.html", what="login"), 400
        _start_session(user, remember=False)
        flash("You are logged in.", "success")
        return redirect(url_for("clinic_admin.home"))
    return render_template("accounts/login_link_use.html", form=form, email=user["email"])


@bp.post("/logout")
def logout():
    require_button()
    if current_user.is_authenticated:
        # On the server: a copy of this session's cookie must not outlive the logout.
        services.end_sessions(get_db(), current_user.id)
    logout_user()
    session.clear()
    flash("You are logged out.", "success")
    return redirect(url_for("clinics.home"))


@bp.route("/reset", methods=["GET", "POST"])
@mails_an_address
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        user = services.active_user(get_db(), form.email.data)
        if user is not None:
            messages.send_reset(user)
        # Same page whether or not the account exists (no user enumeration).
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@per_ip("20 per hour")
def reset_password(token: str):
    payload = _token("reset-password", token)
    db = get_db()
    user = None
    if isinstance(payload, dict) and isinstance(payload.get("u"), int):
        user = services.user_for_reset(db, payload["u"], payload.get("h"))
    if user is None:
        return render_template("accounts/link_invalid.html", what="password reset"), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(
                db,
                user["id"],
                form.password.data,
                actor=f"user:{user['id']}",
                action="user.password_reset",
            )
        except services.AccountError as exc:
            form.password.errors.append(said(exc))
        else:
            messages.send_password_changed(user)
            session.clear()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for(".login"))
    return render_template("accounts/reset_password.html", form=form, email=user["email"])


@bp.route("/password", methods=["GET", "POST"])
@login_required
@per_ip("20 per hour")
@per_account("10 per hour")
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            user = services.change_password(
                db, current_user.id, form.current.data, form.password.data
            )
        except services.AccountError as exc:
            field = form.current if "current" in str(exc) else form.password
            field.errors.append(said(exc))
        else:
            messages.send_password_changed(user)
            _start_session(user, remember=False)
            flash(_("Your password is changed."), "success")
            return redirect(url_for(".account"))
    return render_template("accounts/change_password.html", form=form)


@bp.get("/")
@login_required
def account():
    db = get_db()
    user = services.get_user(db, current_user.id)
    return render_template(
        "accounts/account.html",
        user=user,
        form=forms.ButtonForm(),
        language_form=forms.LanguageForm(formdata=None, language=user.get("language") or "en"),
        clinics=services.clinics_of_user(db, current_user.id),
    )


@bp.post("/language")
@login_required
def language():
    form = forms.LanguageForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the languages."), "error")
        return redirect(url_for(".account"))
    services.set_language(get_db(), current_user.id, form.language.data)
    flash(_("Your e-mails will be written in this language."), "success")
    # ?lang= switches the pages too (and remembers it, as the language links do).
    return redirect(url_for(".account", lang=form.language.data))


@bp.route("/invites/<token>", methods=["GET", "POST"])
def invite(token: str):
    payload = _token("invite", token)
    db = get_db()
    row = None
    if isinstance(payload, dict) and isinstance(payload.get("i"), int):
        row = services.pending_invite(db, payload["i"])
    if row is None:
        return render_template("accounts/link_invalid.html", what="invitation"), 400
    form = forms.ButtonForm()
    if current_user.is_authenticated and form.validate_on_submit():
        try:
            clinic_id = services.accept_invite(db, row["id"], current_user.id)
        except services.AccountError as exc:
            flash(said(exc), "error")
        else:
            flash(_("You can now edit %(name)s.", name=row["clinic_name"]), "success")
            return redirect(url_for("clinic_admin.dashboard", clinic_id=clinic_id))
    return render_template("accounts/invite.html", invite=row, form=form)
