"""/manage/<clinic>/experiences: a clinic's visit codes, its patients' experiences and its
replies, and its before-and-after photos (English, like the rest of the back office)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from directory.accounts.access import clinic_access, require_form_post
from directory.accounts.limits import per_user
from directory.db import get_db
from directory.experiences import services
from directory.experiences.forms import (
    CodesForm,
    PhotoForm,
    ReplyForm,
    choices,
    chosen_file,
    read_upload,
)
from directory.experiences.images import MAX_BYTES as PHOTO_BYTES
from directory.experiences.responses import photos_dir, send_photo
from directory.i18n.names import treatment_label

bp = Blueprint("experiences_clinic", __name__, url_prefix="/manage/<clinic_id>/experiences")
bp.before_request(require_form_post)


def _codes_form(**kwargs) -> CodesForm:
    form = CodesForm(**kwargs)
    form.days.choices = choices(
        (d, f"{d} days") for d in services.load_questions().thresholds.code_days
    )
    return form


def _photo_form(clinic: dict, **kwargs) -> PhotoForm:
    form = PhotoForm(**kwargs)
    treatments = services.treatment_choices(clinic)
    form.treatment.choices = choices(
        ((key, treatment_label(key, "en")) for key in treatments), blank="Choose"
    )
    return form


def _page(clinic_id: str, *, codes=None, photo=None, reply_errors=None, status=200):
    clinic, role = clinic_access(clinic_id, "view")
    db = get_db()
    return render_template(
        "experiences/clinic.html",
        clinic=clinic,
        role=role,
        batches=services.list_batches(db, clinic_id),
        experiences=services.clinic_experiences(db, clinic_id),
        photos=services.clinic_photos(db, clinic_id),
        questions=services.load_questions(),
        codes_form=codes or _codes_form(formdata=None),
        photo_form=photo or _photo_form(clinic, formdata=None),
        reply_form=ReplyForm(formdata=None),
        reply_errors=reply_errors or {},
    ), status


@bp.get("")
def home(clinic_id: str):
    return _page(clinic_id)


@bp.post("/codes")
@per_user("20 per hour")
def generate_codes(clinic_id: str):
    clinic, _role = clinic_access(clinic_id, "edit")
    form = _codes_form()
    if form.validate_on_submit():
        try:
            batch = services.generate_batch(
                get_db(),
                clinic_id,
                size=form.size.data,
                days=form.days.data,
                user_id=current_user.id,
            )
        except services.ExperienceError as exc:
            form[exc.field or "size"].errors.append(str(exc))
        else:
            # The codes are shown this once (only their hashes are kept): print them now.
            share_url = current_app.config["BASE_URL"].rstrip("/") + url_for(
                "experiences.new", clinic_id=clinic_id
            )
            return render_template(
                "experiences/codes.html", clinic=clinic, batch=batch, share_url=share_url
            )
    return _page(clinic_id, codes=form, status=400)


@bp.post("/<int:experience_id>/reply")
@per_user("60 per hour")
def reply(clinic_id: str, experience_id: int):
    clinic_access(clinic_id, "edit")
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply_to_experience(
                get_db(), clinic_id, experience_id, body=form.body.data, user_id=current_user.id
            )
        except LookupError:
            abort(404)
        except services.ExperienceError as exc:
            if exc.field is None:  # the experience has its reply: there is no form to show
                flash(str(exc), "error")
            else:
                form.body.errors.append(str(exc))
        else:
            flash("Your reply is published under the experience.", "success")
            return redirect(url_for(".home", clinic_id=clinic_id) + f"#experience-{experience_id}")
    errors = {experience_id: {"errors": form.body.errors, "body": form.body.data or ""}}
    return _page(clinic_id, reply_errors=errors, status=400)


@bp.post("/photos")
@per_user("30 per hour")
def upload_photos(clinic_id: str):
    clinic, _role = clinic_access(clinic_id, "edit")
    form = _photo_form(clinic)
    valid = form.validate_on_submit()
    for side in ("before", "after"):
        if chosen_file(form[side]) is None:
            form[side].errors.append("Choose a photo.")
            valid = False
    if valid:
        try:
            services.upload_pair(
                get_db(),
                photos_dir(),
                clinic_id,
                treatment=form.treatment.data,
                before=read_upload(form.before, PHOTO_BYTES),
                after=read_upload(form.after, PHOTO_BYTES),
                caption=form.caption.data or "",
                consent=form.consent.data,
                user_id=current_user.id,
            )
        except services.ExperienceError as exc:
            form[exc.field or "before"].errors.append(str(exc))
        else:
            flash("The photos are waiting for a moderator.", "success")
            return redirect(url_for(".home", clinic_id=clinic_id) + "#photos")
    return _page(clinic_id, photo=form, status=400)


@bp.get("/photos/<int:photo_id>/<any(before, after):side>.jpg")
def photo(clinic_id: str, photo_id: int, side: str):
    clinic_access(clinic_id, "view")
    path = services.photo_file(get_db(), photos_dir(), clinic_id, photo_id, side, reader="clinic")
    if path is None:
        abort(404)
    return send_photo(path, public=False)
