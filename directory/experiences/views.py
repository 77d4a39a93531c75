"""The patients' pages of experiences (translated): leave an experience, confirm it, see and
report before-and-after photos; and the clinic page's summary (`experiences_for`).

Every blueprint of the domain is registered here, by init_app (create_app calls it).
"""

from __future__ import annotations

from babel.numbers import format_percent
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale

from directory.accounts.limits import per_account, per_ip
from directory.accounts.tokens import read_token
from directory.db import get_db
from directory.experiences import clinic_views, messages, moderation_views, services
from directory.experiences.forms import PhotoReportForm, choices, experience_form, read_upload
from directory.experiences.responses import photos_dir, receipts_dir, send_photo
from directory.i18n import translate
from directory.i18n.known import N_
from directory.i18n.names import treatment_label

bp = Blueprint("experiences", __name__)
RECEIPT_BYTES = 10 * 1024 * 1024
PHOTO_SENT = N_("Thank you. Our moderators will look at these photos.")


def _clinic(clinic_id: str) -> dict:
    clinic = services.shareable_clinic(get_db(), clinic_id)
    if clinic is None:
        abort(404)
    return clinic


def _form(clinic: dict, **kwargs):
    treatments = [(key, treatment_label(key)) for key in services.treatment_choices(clinic)]
    return experience_form(services.load_questions(), treatments, **kwargs)


def _submission(form) -> services.Submission:
    return services.Submission(
        email=form.email.data,
        treatment=form.treatment.data,
        visit_month=form.visit_month.data,
        answers=form.answers(services.load_questions()),
        side_effects=form.side_effects.data,
        side_effects_text=form.side_effects_text.data or "",
        body=form.body.data or "",
        rating=int(form.rating.data),
        language=str(get_locale() or "en"),
        code=form.code.data or None,
        receipt=None if form.code.data else read_upload(form.receipt, RECEIPT_BYTES),
    )


@bp.route("/clinics/<clinic_id>/experiences/new", methods=["GET", "POST"])
@per_ip("5 per hour;20 per day")
@per_account("3 per hour")
def new(clinic_id: str):
    clinic = _clinic(clinic_id)
    form = _form(clinic)
    if form.validate_on_submit():
        if form.website.data:
            # A bot filled the hidden field: pretend it worked, keep nothing.
            return redirect(url_for(".sent", clinic_id=clinic_id))
        try:
            experience = services.submit_experience(
                get_db(), clinic_id, _submission(form), receipts_dir=receipts_dir()
            )
        except services.ExperienceError as exc:
            field = form[exc.field] if exc.field in form else None
            (field.errors if field is not None else form.form_errors).append(str(exc))
        else:
            messages.send_confirmation(experience, clinic)
            return redirect(url_for(".sent", clinic_id=clinic_id))
    return render_template(
        "experiences/new.html",
        clinic=clinic,
        form=form,
        questions=services.load_questions(),
    ), 400 if form.errors or form.form_errors else 200


@bp.get("/clinics/<clinic_id>/experiences/sent")
def sent(clinic_id: str):
    return render_template("experiences/sent.html", clinic=_clinic(clinic_id))


@bp.get("/experiences/confirm/<token>")
def confirm(token: str):
    payload = read_token(current_app.config["SECRET_KEY"], messages.TOKEN, token)
    result = None
    if isinstance(payload, dict) and isinstance(payload.get("x"), int):
        result = services.confirm_experience(get_db(), payload["x"], str(payload.get("h") or ""))
    if result is None:
        return render_template("experiences/confirmed.html", result=None, clinic=None), 400
    clinic = services.shareable_clinic(get_db(), result["clinic_id"])
    return render_template("experiences/confirmed.html", result=result, clinic=clinic)


@bp.get("/clinics/<clinic_id>/photos/<int:photo_id>/<any(before, after):side>.jpg")
def photo(clinic_id: str, photo_id: int, side: str):
    path = services.photo_file(get_db(), photos_dir(), clinic_id, photo_id, side, reader="public")
    if path is None:
        abort(404)
    return send_photo(path, public=True)


@bp.route("/clinics/<clinic_id>/photos/<int:photo_id>/report", methods=["GET", "POST"])
@per_ip("5 per hour;20 per day")
def report_photo(clinic_id: str, photo_id: int):
    db = get_db()
    clinic = _clinic(clinic_id)
    photo = services.reportable_photo(db, clinic_id, photo_id)
    if photo is None:
        abort(404)
    form = PhotoReportForm()
    reasons = services.PHOTO_REPORTS.items()
    form.reason.choices = choices((key, translate(words)) for key, (_category, words) in reasons)
    if form.validate_on_submit():
        if not form.website.data:
            receipt = services.report_photo(
                db, clinic_id, photo_id, reason=form.reason.data, details=form.details.data or ""
            )
            # Like any report: the patient keeps a reference and a private status link.
            return redirect(url_for("moderation_public.report_status", token=receipt.token, sent=1))
        flash(PHOTO_SENT, "success")
        return redirect(url_for("clinics.clinic_detail", clinic_id=clinic_id) + "#photos-heading")
    return render_template(
        "experiences/report_photo.html", clinic=clinic, photo=photo, form=form
    ), 400 if form.errors else 200


def experiences_for(clinic_id: str) -> dict:
    """Return what the clinic page's experiences partial shows (a Jinja global)."""
    return services.clinic_summary(get_db(), clinic_id)


def experience_rules():
    """Return the questions and thresholds, for the methodology page (a Jinja global)."""
    return services.load_questions()


def percent(share: float | None) -> str:
    """Return a share (0.92) as the reader's locale writes a percentage ("92 %", "٪92")."""
    if share is None:
        return ""
    return format_percent(share, locale=get_locale() or "en")


def init_app(app: Flask) -> None:
    """Register the experiences blueprints, their folders, and the clinic page's helpers."""
    data = app.config["DATA_DIR"]
    app.config.setdefault("PHOTOS_DIR", f"{data}/photos")
    app.config.setdefault("RECEIPTS_DIR", f"{data}/receipts")
    app.register_blueprint(bp)
    app.register_blueprint(clinic_views.bp)
    app.register_blueprint(moderation_views.bp)
    app.add_template_global(experiences_for, "experiences_for")
    app.add_template_global(experience_rules, "experience_rules")
    app.jinja_env.filters["percent"] = percent
