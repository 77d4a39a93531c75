"""/moderation/*: the workbench (queue, review, reports, four eyes, audit, export, admin)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from directory.db import get_db
from directory.moderation import evidence as evidence_files
from directory.moderation import export, four_eyes, reports, services, storage
from directory.moderation import invites as invitations
from directory.moderation import queue as queue_work
from directory.moderation.access import admin_required, me, staff_required
from directory.moderation.forms import (
    ConflictForm,
    EmptyForm,
    InfoForm,
    InviteForm,
    OptionalReasonForm,
    ReasonForm,
    RejectForm,
    TriageForm,
    VerifyForm,
)
from directory.registers import services as registers

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")
ID_MAX = 200


def _today() -> date:
    return date.today()


def _send():
    from directory.mail import send_mail

    return send_mail


def _base_url() -> str:
    return current_app.config.get("BASE_URL", "").rstrip("/")


def _drain() -> None:
    """Bring the search index up to date after a change (the outbox keeps it on failure)."""
    from directory.search.services import drain_outbox, get_index

    try:
        drain_outbox(get_db(), get_index())
    except Exception:  # the change is committed; the outbox replays it on the next drain
        current_app.logger.exception("could not update the search index")


def _bounded(value: str) -> str:
    if len(value) > ID_MAX:
        abort(404)
    return value


def _checklist():
    from directory.vetting.checklist import load_checklist

    return load_checklist()


# The queue -----------------------------------------------------------------------------------


@bp.get("/")
@staff_required
def queue():
    db = get_db()
    kind = request.args.get("kind", "").strip() or None
    country = request.args.get("country", "").strip().upper() or None
    item = request.args.get("item", "").strip() or None
    if kind is not None and kind not in queue_work.KINDS:
        abort(400, "kind must be one of: " + ", ".join(queue_work.KINDS) + ".")
    if country is not None and not COUNTRY_RE.match(country):
        abort(400, "country must be a two-letter ISO code, such as GB or AE.")
    if item is not None and _checklist().get(item) is None:
        abort(400, "item must be a checklist item key.")
    result = queue_work.work_queue(db, me(), kind=kind, country=country, item=item)
    return render_template(
        "moderation/queue.html",
        entries=result["entries"],
        counts=result["counts"],
        total=result["total"],
        kinds=queue_work.KINDS,
        kind=kind,
        country=country,
        item=item,
        countries=queue_work.queue_countries(db),
        checklist=_checklist(),
        actions=storage.list_actions(db),
    )


# Reviewing a claim ----------------------------------------------------------------------------


def _review(
    clinic_id: str,
    item_key: str,
    *,
    forms: dict | None = None,
    status: int = 200,
    conflict_message: str | None = None,
):
    db = get_db()
    context = services.review_context(db, _bounded(clinic_id), _bounded(item_key), today=_today())
    if context is None:
        abort(404)
    claim = context["claim"]
    defaults = context["defaults"]
    forms = forms or {}
    verify_form = forms.get("verify") or VerifyForm(
        formdata=None,
        prefix="verify",
        expected_state=claim["state"],
        verified_at=defaults["verified_at"],
        expires_at=defaults["expires_at"],
    )
    reject_form = forms.get("reject") or RejectForm(
        formdata=None, prefix="reject", expected_state=claim["state"]
    )
    info_form = forms.get("info") or InfoForm(
        formdata=None, prefix="info", expected_state=claim["state"]
    )
    reverse_form = forms.get("reverse") or ReasonForm(formdata=None, prefix="reverse")
    return render_template(
        "moderation/review.html",
        **context,
        conflict=services.conflict_reason(db, me(), clinic_id),
        conflict_message=conflict_message,
        verify_form=verify_form,
        reject_form=reject_form,
        info_form=info_form,
        reverse_form=reverse_form,
        reject_reasons=services.REJECT_REASONS,
        categories=reports.CATEGORIES,
        register_checks=registers.review_checks(db, clinic_id, item_key),
    ), status


@bp.get("/claims/<clinic_id>/<item_key>")
@staff_required
def review(clinic_id: str, item_key: str):
    return _review(clinic_id, item_key)


def _decide(clinic_id: str, item_key: str, name: str, form, run):
    """Run a decision; on a form error, a refusal or a concurrent decision, show the screen."""
    from directory.vetting.services import ConflictError, VettingError

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
    except services.Refused as exc:
        flash(str(exc), "error")
        return _review(clinic_id, item_key, status=403)
    except (VettingError, services.ModerationError) as exc:
        form.form_errors.append(str(exc))
        return _review(clinic_id, item_key, forms={name: form}, status=400)
    _drain()
    return redirect(url_for("moderation.queue", kind="claim"))


@bp.post("/claims/<clinic_id>/<item_key>/verify")
@staff_required
def verify(clinic_id: str, item_key: str):
    def run(form):
        services.verify(
            get_db(),
            me(),
            clinic_id,
            item_key,
            verified_at=form.verified_at.data,
            expires_at=form.expires_at.data,
            expected_state=form.expected_state.data,
            today=_today(),
        )
        flash(f"Verified: {item_key} at {clinic_id}.", "success")

    _bounded(clinic_id), _bounded(item_key)
    return _decide(clinic_id, item_key, "verify", VerifyForm(prefix="verify"), run)


@bp.post("/claims/<clinic_id>/<item_key>/reject")
@staff_required
def reject(clinic_id: str, item_key: str):
    def run(form):
        services.reject(
            get_db(),
            me(),
            clinic_id,
            item_key,
            reason_code=form.reason_code.data,
            note=form.note.data or "",
            expected_state=form.expected_state.data,
            send=_send(),
            base_url=_base_url(),
            today=_today(),
        )
        flash(f"Rejected: {item_key} at {clinic_id}. The clinic was told why.", "success")

    _bounded(clinic_id), _bounded(item_key)
    return _decide(clinic_id, item_key, "reject", RejectForm(prefix="reject"), run)


@bp.post("/claims/<clinic_id>/<item_key>/info")
@staff_required
def request_info(clinic_id: str, item_key: str):
    def run(form):
        services.request_information(
            get_db(),
            me(),
            clinic_id,
            item_key,
            note=form.note.data,
            expected_state=form.expected_state.data,
            send=_send(),
            base_url=_base_url(),
            today=_today(),
        )
        flash("The claim went back to the clinic with your question.", "success")

    _bounded(clinic_id), _bounded(item_key)
    return _decide(clinic_id, item_key, "info", InfoForm(prefix="info"), run)


@bp.post("/claims/<clinic_id>/<item_key>/reverse")
@staff_required
def reverse(clinic_id: str, item_key: str):
    form = ReasonForm(prefix="reverse")
    if not form.validate_on_submit():
        return _review(clinic_id, item_key, forms={"reverse": form}, status=400)
    try:
        four_eyes.request_action(
            get_db(),
            me(),
            "reverse_verification",
            _bounded(clinic_id),
            reason=form.reason.data,
            item_key=_bounded(item_key),
        )
    except LookupError:
        abort(404)
    except services.Refused as exc:
        flash(str(exc), "error")
        return _review(clinic_id, item_key, status=403)
    except services.ModerationError as exc:
        # The reversal form shows only on a verified claim: say it where it is always seen.
        flash(str(exc), "error")
        return _review(clinic_id, item_key, forms={"reverse": form}, status=400)
    flash("Reversal requested: a second moderator must confirm it.", "success")
    return redirect(url_for("moderation.actions"))


@bp.get("/evidence/<int:evidence_id>")
@staff_required
def evidence(evidence_id: int):
    return evidence_files.serve(get_db(), evidence_id, download=request.args.get("download") == "1")


# Listings and ownership -------------------------------------------------------------------------


def _request_page(kind: str, request_id: int, form=None, status: int = 200):
    from directory.accounts import storage as accounts_storage
    from directory.clinics.storage import get_clinic

    db = get_db()
    getter = (
        accounts_storage.get_listing_request
        if kind == "listing"
        else accounts_storage.get_ownership_request
    )
    row = getter(db, request_id)
    if row is None:
        abort(404)
    return render_template(
        "moderation/request.html",
        kind=kind,
        row=row,
        clinic=get_clinic(db, row["clinic_id"]),
        conflict=services.conflict_reason(
            db, me(), row["clinic_id"], also=(row.get("user_email"),)
        ),
        form=form or OptionalReasonForm(formdata=None),
    ), status


def _decide_request(kind: str, request_id: int, approve: bool):
    form = OptionalReasonForm()
    if not form.validate_on_submit():
        return _request_page(kind, request_id, form, 400)
    decide = services.decide_listing if kind == "listing" else services.decide_ownership
    try:
        decide(get_db(), me(), request_id, approve=approve, reason=form.reason.data or "")
    except LookupError:
        abort(404)
    except services.Refused as exc:
        flash(str(exc), "error")
        return _request_page(kind, request_id, form, 403)
    except services.ModerationError as exc:
        form.reason.errors.append(str(exc))
        return _request_page(kind, request_id, form, 400)
    _drain()
    flash(f"{'Approved' if approve else 'Rejected'}.", "success")
    return redirect(url_for("moderation.queue", kind=kind))


@bp.get("/listings/<int:request_id>")
@staff_required
def listing(request_id: int):
    return _request_page("listing", request_id)


@bp.post("/listings/<int:request_id>/<any(approve, reject):decision>")
@staff_required
def decide_listing(request_id: int, decision: str):
    return _decide_request("listing", request_id, decision == "approve")


@bp.get("/ownership/<int:request_id>")
@staff_required
def ownership(request_id: int):
    return _request_page("ownership", request_id)


@bp.post("/ownership/<int:request_id>/<any(approve, reject):decision>")
@staff_required
def decide_ownership(request_id: int, decision: str):
    return _decide_request("ownership", request_id, decision == "approve")


# Patient reports -----------------------------------------------------------------------------


def _report_page(report_id: int, form=None, status: int = 200):
    from directory.clinics.storage import get_clinic

    db = get_db()
    report = storage.get_report(db, report_id)
    if report is None:
        abort(404)
    return render_template(
        "moderation/report.html",
        report=report,
        clinic=get_clinic(db, report["clinic_id"]),
        categories=reports.CATEGORIES,
        outcomes=reports.OUTCOMES,
        risks=reports.RISKS,
        related=reports.related_item_keys(report["category"], _checklist().keys),
        conflict=services.conflict_reason(db, me(), report["clinic_id"]),
        form=form or TriageForm(formdata=None),
        other_reports=[
            r
            for r in storage.list_reports(db, clinic_id=report["clinic_id"])
            if r["id"] != report_id
        ],
    ), status


@bp.get("/reports/<int:report_id>")
@staff_required
def report(report_id: int):
    return _report_page(report_id)


@bp.post("/reports/<int:report_id>/triage")
@staff_required
def triage(report_id: int):
    form = TriageForm()
    if not form.validate_on_submit():
        return _report_page(report_id, form, 400)
    try:
        result = four_eyes.triage_report(
            get_db(),
            me(),
            report_id,
            risk=form.risk.data,
            outcome=form.outcome.data,
            note=form.note.data or "",
        )
    except LookupError:
        abort(404)
    except services.Refused as exc:
        flash(str(exc), "error")
        return _report_page(report_id, form, 403)
    except services.ModerationError as exc:
        # Shown at the top: a report triaged meanwhile no longer shows its form.
        flash(str(exc), "error")
        return _report_page(report_id, form, 400)
    if result["action_id"]:
        flash("Suspension requested: a second moderator must confirm it.", "success")
        return redirect(url_for("moderation.actions"))
    flash("Report triaged.", "success")
    return redirect(url_for("moderation.queue", kind="report"))


# A clinic: status, four-eyes requests, audit ------------------------------------------------------


def _clinic_page(clinic_id: str, form=None, status: int = 200):
    from directory.clinics.storage import get_clinic
    from directory.vetting.services import list_claims

    db = get_db()
    clinic = get_clinic(db, _bounded(clinic_id))
    if clinic is None:
        abort(404)
    return render_template(
        "moderation/clinic.html",
        clinic=clinic,
        claims=list_claims(db, clinic_id=clinic_id, limit=100),
        reports=storage.list_reports(db, clinic_id=clinic_id),
        actions=storage.list_actions(db, state=None, clinic_id=clinic_id),
        conflict=services.conflict_reason(db, me(), clinic_id),
        form=form or ReasonForm(formdata=None),
        categories=reports.CATEGORIES,
    ), status


@bp.get("/clinics/<clinic_id>")
@staff_required
def clinic(clinic_id: str):
    return _clinic_page(clinic_id)


@bp.post("/clinics/<clinic_id>/<any(suspend, reinstate):kind>")
@staff_required
def request_status(clinic_id: str, kind: str):
    form = ReasonForm()
    if not form.validate_on_submit():
        return _clinic_page(clinic_id, form, 400)
    try:
        four_eyes.request_action(get_db(), me(), kind, _bounded(clinic_id), reason=form.reason.data)
    except LookupError:
        abort(404)
    except services.Refused as exc:
        flash(str(exc), "error")
        return _clinic_page(clinic_id, form, 403)
    except services.ModerationError as exc:
        form.reason.errors.append(str(exc))
        return _clinic_page(clinic_id, form, 400)
    flash(f"{four_eyes.ACTIONS[kind]}: requested; a second moderator must confirm it.", "success")
    return redirect(url_for("moderation.actions"))


@bp.get("/clinics/<clinic_id>/audit")
@staff_required
def audit(clinic_id: str):
    from directory.clinics.storage import get_clinic

    db = get_db()
    clinic = get_clinic(db, _bounded(clinic_id))
    if clinic is None:
        abort(404)
    return render_template(
        "moderation/audit.html", clinic=clinic, events=storage.clinic_events(db, clinic_id)
    )


@bp.get("/ledger.csv")
@staff_required
def ledger_csv():
    clinic_id = request.args.get("clinic", "").strip() or None
    if clinic_id is not None:
        _bounded(clinic_id)
    name = f"vetted-ledger-{clinic_id or 'all'}-{date.today().isoformat()}.csv"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    response = Response(
        export.stream_ledger(current_app.config["DATABASE"], clinic_id), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Four eyes -----------------------------------------------------------------------------------


@bp.get("/actions")
@staff_required
def actions():
    db = get_db()
    return render_template(
        "moderation/actions.html",
        pending=storage.list_actions(db),
        recent=[a for a in storage.list_actions(db, state=None) if a["state"] != "pending"][-50:],
        labels=four_eyes.ACTIONS,
        form=EmptyForm(formdata=None),
    )


@bp.post("/actions/<int:action_id>/<any(confirm, cancel):decision>")
@staff_required
def decide_action(action_id: int, decision: str):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    try:
        if decision == "confirm":
            action = four_eyes.confirm_action(db, me(), action_id, today=_today())
        else:
            action = four_eyes.cancel_action(db, me(), action_id)
    except LookupError:
        abort(404)
    except services.ModerationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("moderation.actions"))
    if decision == "confirm":
        _drain()
        flash(
            f"Done: {four_eyes.ACTIONS[action['kind']].lower()} ({action['clinic_id']}).", "success"
        )
    else:
        flash("Request cancelled.", "success")
    return redirect(url_for("moderation.actions"))


# Conflicts of interest ---------------------------------------------------------------------------


@bp.route("/conflicts", methods=["GET", "POST"])
@staff_required
def conflicts():
    db = get_db()
    form = ConflictForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                added = services.declare_conflict(db, me(), form.clinic_id.data, form.reason.data)
            except services.ModerationError as exc:
                form.clinic_id.errors.append(str(exc))
            else:
                flash("Declared." if added else "You had declared that already.", "success")
                return redirect(url_for("moderation.conflicts"))
        status = 400
    return render_template(
        "moderation/conflicts.html",
        form=form,
        conflicts=storage.list_conflicts(db, current_user.id),
        delete_form=EmptyForm(formdata=None),
    ), status


@bp.post("/conflicts/<int:conflict_id>/delete")
@staff_required
def delete_conflict(conflict_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not services.withdraw_conflict(get_db(), me(), conflict_id):
        abort(404)
    flash("Declaration withdrawn.", "success")
    return redirect(url_for("moderation.conflicts"))


# Admin: invite moderators ---------------------------------------------------------------------


@bp.route("/admin/invites", methods=["GET", "POST"])
@admin_required
def invites():
    db = get_db()
    form = InviteForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                token = invitations.invite_moderator(db, me(), form.email.data, role=form.role.data)
            except services.ModerationError as exc:
                form.email.errors.append(str(exc))
            else:
                link = f"{_base_url()}{url_for('moderation_public.join', token=token)}"
                _send()(
                    form.email.data,
                    "You are invited to moderate Vetted",
                    f"{current_user.display_name} invited you to join Vetted as a "
                    f"{form.role.data}.\n\nSet your password here (the link works once, for "
                    f"{invitations.INVITE_HOURS} hours):\n{link}\n\nYou will then set up an "
                    "authenticator app for your second factor.\n",
                )
                flash(f"Invitation sent to {form.email.data}.", "success")
                return redirect(url_for("moderation.invites"))
        status = 400
    return render_template(
        "moderation/invites.html",
        form=form,
        invites=storage.list_invites(db),
        now=datetime.now(UTC),
    ), status
