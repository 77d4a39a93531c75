"""/moderation/reports/<id>: a patient's report and its triage (a high-risk one can ask a
second moderator to suspend the listing)."""

from __future__ import annotations

from flask import flash, redirect, url_for

from directory.db import get_db
from directory.moderation import four_eyes, reports
from directory.moderation.forms import TriageForm
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import attempt, bp, render_or_404


def _report_page(report_id: int, form=None, status: int = 200):
    return render_or_404(
        "moderation/report.html",
        reports.report_context(get_db(), me(), report_id),
        status,
        categories=reports.CATEGORIES,
        outcomes=reports.OUTCOMES,
        risks=reports.RISKS,
        form=form or TriageForm(formdata=None),
    )


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
    # A refusal is flashed at the top: a report triaged meanwhile no longer shows its form.
    result, refused = attempt(
        lambda: four_eyes.triage_report(
            get_db(),
            me(),
            report_id,
            risk=form.risk.data,
            outcome=form.outcome.data,
            note=form.note.data or "",
        ),
        lambda status: _report_page(report_id, form, status),
    )
    if refused:
        return refused
    if result["action_id"]:
        flash("Suspension requested: a second moderator must confirm it.", "success")
        return redirect(url_for("moderation.actions"))
    flash(f"Report {result['report']['reference'] or report_id} triaged.", "success")
    return redirect(url_for("moderation.queue", kind="report"))
