"""/moderation/experiences: the experiences lane of the workbench (staff, second factor done):
review an experience (and its receipt), approve photos, re-check a contradicted item."""

from __future__ import annotations

import functools
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


def _context(fetch, entry_id: int) -> dict:
    """Return what fetch gives a page about entry_id; 404 when there is no such entry."""
    try:
        return fetch(get_db(), me(), entry_id)
    except LookupError:
        abort(404)


def _page(template: str, fetch, entry_id: int, status: int, **forms):
    """Render the page of an entry (what fetch gives, and forms) with status; 404 if none."""
    return render_template(template, **_context(fetch, entry_id), **forms), status


def _submit(form, page, act, field):
    """Validate form, then act; return (result, None) or (None, the page with the refusal).

    page(form, status) re-shows the form: 400 when it did not validate, else the refusal's
    status with its message beside field.
    """
    if not form.validate_on_submit():
        return None, page(form, 400)
    return attempt(act, lambda status: page(form, status), field.errors)


@bp.get("/open/<ref>")
@staff_required
def open_entry(ref: str):
    """Send a queue entry's link (experience-12, photo-3, recheck-7) to its page."""
    kind, _, number = ref.partition("-")
    if kind not in PAGES or not number.isdigit() or len(number) > 12:
        abort(404)
    return redirect(url_for(PAGES[kind], entry_id=int(number)))


@bp.get("/<int:entry_id>")
@staff_required
def review(entry_id: int, *, publish=None, refuse=None, status: int = 200):
    """The review page of an experience; decide() re-shows it with the form it refused."""
    return _page(
        "experiences/review.html",
        services.review_context,
        entry_id,
        status,
        refusals=services.REFUSALS,
        publish_form=publish or PublishForm(formdata=None),
        refuse_form=refuse or RefuseForm(formdata=None),
    )


def _decided(decision: dict, done: str):
    clinic = services.shareable_clinic(get_db(), decision["clinic_id"]) or {
        "id": decision["clinic_id"],
        "name": decision["clinic_id"],
    }
    messages.send_decision(decision, clinic)
    flash(done, "success")
    return redirect(url_for("moderation.queue", kind="experience"))


@bp.post("/<int:entry_id>/<any(publish, refuse):decision>")
@staff_required
def decide(entry_id: int, decision: str):
    """Publish or refuse an experience; the patient is told by e-mail."""
    if decision == "publish":
        form = PublishForm()
        field, done = form.receipt_checked, "Published. The patient was told by e-mail."
        act = functools.partial(
            services.publish_experience, receipt_checked=form.receipt_checked.data
        )
    else:
        form = RefuseForm()
        field, done = form.reason, "Refused. The patient was told why by e-mail."
        act = functools.partial(
            services.refuse_experience, reason=form.reason.data, note=form.note.data or ""
        )
    result, refused = _submit(
        form,
        lambda form, status: review(entry_id, status=status, **{decision: form}),
        lambda: act(get_db(), me(), entry_id, receipts_dir=receipts_dir()),
        field,
    )
    return refused or _decided(result, done)


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


@bp.get("/photos/<int:entry_id>")
@staff_required
def photo_review(entry_id: int, form=None, status: int = 200):
    """The review page of a photo pair; decide_photo() re-shows it with the form it refused."""
    form = form or PhotoDecisionForm(formdata=None)
    return _page(
        "experiences/photo_review.html", services.photo_context, entry_id, status, form=form
    )


@bp.post("/photos/<int:entry_id>/<any(approve, refuse):decision>")
@staff_required
def decide_photo(entry_id: int, decision: str):
    form = PhotoDecisionForm()
    _, refused = _submit(
        form,
        lambda form, status: photo_review(entry_id, form, status),
        lambda: services.decide_photo(
            get_db(), me(), entry_id, approve=decision == "approve", note=form.note.data or ""
        ),
        form.note,
    )
    if refused:
        return refused
    flash("Approved: the photos are on the clinic page." if decision == "approve" else "Refused.")
    return redirect(url_for("moderation.queue", kind="experience"))


@bp.get("/photos/<int:entry_id>/<any(before, after):side>.jpg")
@staff_required
def photo(entry_id: int, side: str):
    clinic_id = _context(services.photo_context, entry_id)["photo"]["clinic_id"]
    path = services.photo_file(get_db(), photos_dir(), clinic_id, entry_id, side, reader="staff")
    if path is None:
        abort(404)
    return send_photo(path, public=False)


# Re-checks -----------------------------------------------------------------------------------


def _recheck_form(**kwargs) -> RecheckForm:
    form = RecheckForm(**kwargs)
    form.outcome.choices = choices(services.FLAG_OUTCOMES.items())
    return form


@bp.get("/rechecks/<int:entry_id>")
@staff_required
def recheck(entry_id: int, form=None, status: int = 200):
    """The re-check page of a flag; resolve() re-shows it with the form it refused."""
    form = form or _recheck_form(formdata=None)
    return _page("experiences/recheck.html", services.flag_context, entry_id, status, form=form)


@bp.post("/rechecks/<int:entry_id>")
@staff_required
def resolve(entry_id: int):
    form = _recheck_form()
    _, refused = _submit(
        form,
        lambda form, status: recheck(entry_id, form, status),
        lambda: services.resolve_flag(
            get_db(), me(), entry_id, outcome=form.outcome.data, note=form.note.data
        ),
        form.note,
    )
    if refused:
        return refused
    if form.outcome.data == "reverse":
        flash("Re-check done: a second moderator must confirm the reversal.", "success")
        return redirect(url_for("moderation.actions"))
    flash("Re-check done: the verification stands.", "success")
    return redirect(url_for("moderation.queue", kind="experience"))
