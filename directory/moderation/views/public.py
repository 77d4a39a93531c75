"""Public pages: report a concern about a clinic, the transparency page, joining by invite."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import login_user

from directory.accounts.limits import per_ip
from directory.accounts.services import get_user
from directory.db import get_db
from directory.extensions import User
from directory.i18n import translate
from directory.moderation import invites, reports
from directory.moderation.forms import AcceptInviteForm, ReportForm
from directory.moderation.services import ModerationError
from directory.moderation.text import sentence
from directory.moderation.transparency import transparency_figures

bp = Blueprint("moderation_public", __name__)


def _reportable_clinic(clinic_id: str) -> dict:
    clinic = reports.reportable_clinic(get_db(), clinic_id)
    if clinic is None:
        abort(404)
    return clinic


@bp.route("/clinics/<clinic_id>/report", methods=["GET", "POST"])
@per_ip("5 per hour;20 per day")
def report(clinic_id: str):
    clinic = _reportable_clinic(clinic_id)
    form = ReportForm()
    if form.validate_on_submit():
        if form.website.data:
            # A bot filled the hidden field: pretend it worked, keep nothing.
            return redirect(url_for("moderation_public.report_sent", clinic_id=clinic_id))
        try:
            reports.submit_report(
                get_db(),
                clinic_id,
                category=form.category.data,
                description=form.description.data,
                contact=form.contact.data,
            )
        except reports.ReportError as exc:
            # The sentence is the English msgid in the catalogs.
            form.form_errors.append(translate(sentence(exc)))
        else:
            return redirect(url_for("moderation_public.report_sent", clinic_id=clinic_id))
    status = 400 if form.errors else 200
    return render_template(
        "moderation/report_form.html", clinic=clinic, form=form, categories=reports.CATEGORIES
    ), status


@bp.get("/clinics/<clinic_id>/report/sent")
def report_sent(clinic_id: str):
    clinic = _reportable_clinic(clinic_id)
    return render_template("moderation/report_sent.html", clinic=clinic)


@bp.get("/transparency")
def transparency():
    figures = transparency_figures(get_db(), today=date.today())
    return render_template("moderation/transparency.html", **figures)


@bp.route("/moderation/join/<token>", methods=["GET", "POST"])
def join(token: str):
    db = get_db()
    invite = invites.find_invite(db, token)
    if invite is None:
        abort(
            404,
            "This invitation link is not valid: it was used already, or it expired. "
            "Ask an admin for a new one.",
        )
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            user_id = invites.accept_invite(
                db, token, password=form.password.data, display_name=form.display_name.data
            )
        except ModerationError as exc:
            form.password.errors.append(str(exc))
        else:
            # A fresh session for the new account; the second-factor guard takes it from here.
            session.clear()
            login_user(User(get_user(db, user_id)))
            flash("Welcome. Now set up your authenticator app.", "success")
            return redirect(url_for("mfa.enrol"))
    status = 400 if form.errors else 200
    return render_template("moderation/join.html", form=form, invite=invite), status
