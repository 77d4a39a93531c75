"""/moderation/clinics/<id>: a clinic's moderation page (asking to suspend or reinstate it),
its audit trail, and the ledger as CSV."""

from __future__ import annotations

import re

from flask import Response, current_app, flash, redirect, request, url_for

from directory.db import get_db
from directory.moderation import audit as audit_trail
from directory.moderation import export, four_eyes, overview, reports
from directory.moderation.forms import ReasonForm
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import attempt, bounded, bp, render_or_404, today


def _clinic_page(clinic_id: str, form=None, status: int = 200):
    return render_or_404(
        "moderation/clinic.html",
        overview.clinic_context(get_db(), me(), bounded(clinic_id)),
        status,
        form=form or ReasonForm(formdata=None),
        categories=reports.CATEGORIES,
    )


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
    _, refused = attempt(
        lambda: four_eyes.request_action(
            get_db(), me(), kind, bounded(clinic_id), reason=form.reason.data
        ),
        lambda status: _clinic_page(clinic_id, form, status),
        form.reason.errors,
    )
    if refused:
        return refused
    flash(f"{four_eyes.ACTIONS[kind]}: requested; a second moderator must confirm it.", "success")
    return redirect(url_for("moderation.actions"))


@bp.get("/clinics/<clinic_id>/audit")
@staff_required
def audit(clinic_id: str):
    return render_or_404(
        "moderation/audit.html", audit_trail.clinic_timeline(get_db(), bounded(clinic_id))
    )


@bp.get("/ledger.csv")
@staff_required
def ledger_csv():
    clinic_id = request.args.get("clinic", "").strip() or None
    if clinic_id is not None:
        bounded(clinic_id)
    name = f"vetted-ledger-{clinic_id or 'all'}-{today().isoformat()}.csv"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    response = Response(
        export.stream_ledger(current_app.config["DATABASE"], clinic_id), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
