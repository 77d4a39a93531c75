"""/moderation/claims/<clinic>/<item>: the review screen and the decisions taken on it
(verify, reject, ask for information, and asking a second moderator to reverse one)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from directory.db import get_db
from directory.mail import send_mail
from directory.moderation import claims, four_eyes, reports
from directory.moderation.forms import InfoForm, ReasonForm, RejectForm, VerifyForm
from directory.moderation.services import ModerationError, Refused
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import (
    attempt,
    bounded,
    bp,
    dashboard_url,
    today,
)
from directory.registers import services as registers
from directory.vetting.errors import ConflictError, VettingError


def _review(
    clinic_id: str,
    item_key: str,
    *,
    forms: dict | None = None,
    status: int = 200,
    conflict_message: str | None = None,
):
    context = claims.review_context(
        get_db(), me(), bounded(clinic_id), bounded(item_key), today=today()
    )
    if context is None:
        abort(404)
    state = context["claim"]["state"]
    defaults = context["defaults"]
    forms = forms or {}
    return render_template(
        "moderation/review.html",
        **context,
        conflict_message=conflict_message,
        verify_form=forms.get("verify")
        or VerifyForm(
            formdata=None,
            prefix="verify",
            expected_state=state,
            verified_at=defaults["verified_at"],
            expires_at=defaults["expires_at"],
        ),
        reject_form=forms.get("reject")
        or RejectForm(formdata=None, prefix="reject", expected_state=state),
        info_form=forms.get("info") or InfoForm(formdata=None, prefix="info", expected_state=state),
        reverse_form=forms.get("reverse") or ReasonForm(formdata=None, prefix="reverse"),
        reject_reasons=claims.REJECT_REASONS,
        categories=reports.CATEGORIES,
        register_checks=registers.review_checks(get_db(), clinic_id, item_key),
    ), status


@bp.get("/claims/<clinic_id>/<item_key>")
@staff_required
def review(clinic_id: str, item_key: str):
    return _review(clinic_id, item_key)


def _decide(clinic_id: str, item_key: str, name: str, form, run):
    """Run a decision; on a form error, a refusal or a concurrent decision, show the screen."""
    bounded(clinic_id), bounded(item_key)
    if not form.validate_on_submit():
        return _review(clinic_id, item_key, forms={name: form}, status=400)
    if not form.expected_state.data:
        # Without the state the page showed, a concurrent decision could not be detected.
        form.form_errors.append("This page is out of date. Reload it and decide again.")
        return _review(clinic_id, item_key, forms={name: form}, status=400)
    try:
        run(form)
    except ConflictError as exc:
        return _review(clinic_id, item_key, status=409, conflict_message=str(exc))
    except Refused as exc:
        flash(str(exc), "error")
        return _review(clinic_id, item_key, status=403)
    except (VettingError, ModerationError) as exc:
        form.form_errors.append(str(exc))
        return _review(clinic_id, item_key, forms={name: form}, status=400)
    return redirect(url_for("moderation.queue", kind="claim"))


@bp.post("/claims/<clinic_id>/<item_key>/verify")
@staff_required
def verify(clinic_id: str, item_key: str):
    def run(form):
        claims.verify(
            get_db(),
            me(),
            clinic_id,
            item_key,
            verified_at=form.verified_at.data,
            expires_at=form.expires_at.data,
            expected_state=form.expected_state.data,
            today=today(),
        )
        flash(f"Verified: {item_key} at {clinic_id}.", "success")

    return _decide(clinic_id, item_key, "verify", VerifyForm(prefix="verify"), run)


# The decisions with a note the clinic reads: name -> (its form, the decision the filled-in form
# makes, what the moderator is told). Each has its own endpoint: moderation.<endpoint>.
NOTE_DECISIONS = {
    "reject": (
        RejectForm,
        lambda form: claims.rejection(form.reason_code.data, form.note.data or ""),
        "Rejected: {item_key} at {clinic_id}. The clinic was told why.",
    ),
    "info": (
        InfoForm,
        lambda form: claims.information_request(form.note.data),
        "The claim went back to the clinic with your question.",
    ),
}


@staff_required
def decide_with_note(clinic_id: str, item_key: str, name: str):
    form_class, decision, done = NOTE_DECISIONS[name]

    def run(form):
        claims.decide_with_note(
            get_db(),
            me(),
            clinic_id,
            item_key,
            decision(form),
            expected_state=form.expected_state.data,
            today=today(),
            send=send_mail,
            dashboard_url=dashboard_url(),
        )
        flash(done.format(item_key=item_key, clinic_id=clinic_id), "success")

    return _decide(clinic_id, item_key, name, form_class(prefix=name), run)


for name, endpoint in (("reject", "reject"), ("info", "request_info")):
    bp.add_url_rule(
        f"/claims/<clinic_id>/<item_key>/{name}",
        endpoint,
        decide_with_note,
        defaults={"name": name},
        methods=["POST"],
    )


@bp.post("/claims/<clinic_id>/<item_key>/reverse")
@staff_required
def reverse(clinic_id: str, item_key: str):
    form = ReasonForm(prefix="reverse")
    if not form.validate_on_submit():
        return _review(clinic_id, item_key, forms={"reverse": form}, status=400)
    # A refusal is flashed: the reversal form shows only on a verified claim, and the flash
    # is seen wherever the claim stands now.
    _, refused = attempt(
        lambda: four_eyes.request_action(
            get_db(),
            me(),
            "reverse_verification",
            bounded(clinic_id),
            reason=form.reason.data,
            item_key=bounded(item_key),
        ),
        lambda status: _review(clinic_id, item_key, forms={"reverse": form}, status=status),
    )
    if refused:
        return refused
    flash("Reversal requested: a second moderator must confirm it.", "success")
    return redirect(url_for("moderation.actions"))
