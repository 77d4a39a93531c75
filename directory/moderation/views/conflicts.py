"""/moderation/conflicts: the clinics a moderator declared they must not decide on."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from directory.db import get_db
from directory.moderation import services
from directory.moderation.forms import ConflictForm, EmptyForm
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import bp, submitted


@bp.route("/conflicts", methods=["GET", "POST"])
@staff_required
def conflicts():
    db = get_db()
    form = ConflictForm()

    def declare():
        added = services.declare_conflict(db, me(), form.clinic_id.data, form.reason.data)
        flash("Declared." if added else "You had declared that already.", "success")

    if submitted(form, form.clinic_id, declare):
        return redirect(url_for("moderation.conflicts"))
    return render_template(
        "moderation/conflicts.html",
        form=form,
        conflicts=services.list_conflicts(db, me()),
        delete_form=EmptyForm(formdata=None),
    ), (400 if request.method == "POST" else 200)


@bp.post("/conflicts/<int:conflict_id>/delete")
@staff_required
def delete_conflict(conflict_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not services.withdraw_conflict(get_db(), me(), conflict_id):
        abort(404)
    flash("Declaration withdrawn.", "success")
    return redirect(url_for("moderation.conflicts"))
