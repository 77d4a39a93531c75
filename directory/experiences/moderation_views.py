"""/moderation/experiences: the experiences lane of the workbench (staff, second factor done):
review an experience (and its receipt), approve photos, re-check a contradicted item."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for

from directory.db import get_db
from directory.evidence.views import HEADERS as FILE_HEADERS
from directory.experiences import messages, services
from directory.experiences.forms import (
    PhotoDecisionForm,
    PublishForm,
    RecheckForm,
    RefuseForm,
    choices,
)
from directory.experiences.responses import photos_dir, receipts_dir, send_photo
from directory.moderation.services import ModerationError
from directory.moderation.views import workbench
from directory.moderation.views.access import me, staff_required

bp = Blueprint("experiences_moderation", __name__, url_prefix="/moderation/experiences")
PAGES = {"experience": ".review", "photo": ".photo_review", "recheck": ".recheck"}


def attempt(act, page, errors: list):
    """The workbench's attempt(), with this domain's refusals taken as moderation's own."""

    def act_as_moderation():
        try:
            return act()
        except services.ExperienceError as exc:
            raise ModerationError(str(exc)) from None

    return workbench.attempt(act_as_moderation, page, errors)


@bp.get("/open/<ref>")
@staff_required
def open_entry(ref: str):
    """Send a queue entry's link (experience-12, photo-3, recheck-7) to its page."""
    kind, _, number = ref.partition("-")
    if kind not in PAGES or not number.isdigit() or len(number) > 12:
        abort(404)
    return redirect(url_for(PAGES[kind], entry_id=int(number)))


def _review_page(entry_id: int, *, publish=None, refuse=None, status: int = 200):
    try:
        context = services.review_context(get_db(), me(), entry_id)
    except LookupError:
        abort(404)
    return render_template(
        "experiences/review.html",
        **context,
        refusals=services.REFUSALS,
        publish_form=publish or PublishForm(formdata=None),
        refuse_form=refuse or RefuseForm(formdata=None),
    ), status


@bp.get("/<int:entry_id>")
@staff_required
def review(entry_id: int):
    return _review_page(entry_id)


def _decided(decision: dict, done: str):
    clinic = services.shareable_clinic(get_db(), decision["clinic_id"]) or {
        "id": decision["clinic_id"],
        "name": decision["clinic_id"],
    }
    messages.send_decision(decision, clinic)
    flash(done, "success")
    return redirect(url_for("moderation.queue", kind="experience"))


@bp.post("/<int:entry_id>/publish")
@staff_required
def publish(entry_id: int):
    form = PublishForm()
    if not form.validate_on_submit():
        return _review_page(entry_id, publish=form, status=400)
    decision, refused = attempt(
        lambda: services.publish_experience(
            get_db(),
            me(),
            entry_id,
            receipts_dir=receipts_dir(),
            receipt_checked=form.receipt_checked.data,
        ),
        lambda status: _review_page(entry_id, publish=form, status=status),
        form.receipt_checked.errors,
    )
    return refused or _decided(decision, "Published. The patient was told by e-mail.")


@bp.post("/<int:entry_id>/refuse")
@staff_required
def refuse(entry_id: int):
    form = RefuseForm()
    if not form.validate_on_submit():
        return _review_page(entry_id, refuse=form, status=400)
    decision, refused = attempt(
        lambda: services.refuse_experience(
            get_db(),
            me(),
            entry_id,
            reason=form.reason.data,
            note=form.note.data or "",
            receipts_dir=receipts_dir(),
        ),
        lambda status: _review_page(entry_id, refuse=form, status=status),
        form.reason.errors,
    )
    return refused or _decided(decision, "Refused. The patient was told why by e-mail.")


@bp.get("/<int:entry_id>/receipt")
@staff_required
def receipt(entry_id: int):
    found = services.receipt_file(get_db(), receipts_dir(), entry_id)
    if found is None:
        abort(404)
    path, mime, extension = found
    # Receipts are at most 10 MB: read whole, so no file handle outlives the response.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=mime,
        as_attachment=True,
        download_name=f"receipt-{entry_id}.{extension}",
        max_age=0,
    )
    response.headers.update(FILE_HEADERS)
    return response


# Photos --------------------------------------------------------------------------------------


def _photo_page(entry_id: int, form=None, status: int = 200):
    try:
        context = services.photo_context(get_db(), me(), entry_id)
    except LookupError:
        abort(404)
    return render_template(
        "experiences/photo_review.html", **context, form=form or PhotoDecisionForm(formdata=None)
    ), status


@bp.get("/photos/<int:entry_id>")
@staff_required
def photo_review(entry_id: int):
    return _photo_page(entry_id)


@bp.post("/photos/<int:entry_id>/<any(approve, refuse):decision>")
@staff_required
def decide_photo(entry_id: int, decision: str):
    form = PhotoDecisionForm()
    if not form.validate_on_submit():
        return _photo_page(entry_id, form, 400)
    _, refused = attempt(
        lambda: services.decide_photo(
            get_db(), me(), entry_id, approve=decision == "approve", note=form.note.data or ""
        ),
        lambda status: _photo_page(entry_id, form, status),
        form.note.errors,
    )
    if refused:
        return refused
    flash("Approved: the photos are on the clinic page." if decision == "approve" else "Refused.")
    return redirect(url_for("moderation.queue", kind="experience"))


@bp.get("/photos/<int:entry_id>/<any(before, after):side>.jpg")
@staff_required
def photo(entry_id: int, side: str):
    db = get_db()
    try:
        clinic_id = services.photo_context(db, me(), entry_id)["photo"]["clinic_id"]
    except LookupError:
        abort(404)
    path = services.photo_file(db, photos_dir(), clinic_id, entry_id, side, reader="staff")
    if path is None:
        abort(404)
    return send_photo(path, public=False)


# Re-checks -----------------------------------------------------------------------------------


def _recheck_form(**kwargs) -> RecheckForm:
    form = RecheckForm(**kwargs)
    form.outcome.choices = choices(services.FLAG_OUTCOMES.items())
    return form


def _recheck_page(entry_id: int, form=None, status: int = 200):
    try:
        context = services.flag_context(get_db(), me(), entry_id)
    except LookupError:
        abort(404)
    return render_template(
        "experiences/recheck.html", **context, form=form or _recheck_form(formdata=None)
    ), status


@bp.get("/rechecks/<int:entry_id>")
@staff_required
def recheck(entry_id: int):
    return _recheck_page(entry_id)


@bp.post("/rechecks/<int:entry_id>")
@staff_required
def resolve(entry_id: int):
    form = _recheck_form()
    if not form.validate_on_submit():
        return _recheck_page(entry_id, form, 400)
    _, refused = attempt(
        lambda: services.resolve_flag(
            get_db(), me(), entry_id, outcome=form.outcome.data, note=form.note.data
        ),
        lambda status: _recheck_page(entry_id, form, status),
        form.note.errors,
    )
    if refused:
        return refused
    if form.outcome.data == "reverse":
        flash("Re-check done: a second moderator must confirm the reversal.", "success")
        return redirect(url_for("moderation.actions"))
    flash("Re-check done: the verification stands.", "success")
    return redirect(url_for("moderation.queue", kind="experience"))
