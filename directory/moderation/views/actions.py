"""/moderation/actions: heavy actions waiting for a second moderator, confirmed or cancelled."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from directory.db import get_db
from directory.moderation import four_eyes
from directory.moderation.forms import EmptyForm
from directory.moderation.services import ModerationError
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import bp, today


@bp.get("/actions")
@staff_required
def actions():
    return render_template(
        "moderation/actions.html",
        **four_eyes.actions_overview(get_db()),
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
            action = four_eyes.confirm_action(db, me(), action_id, today=today())
        else:
            action = four_eyes.cancel_action(db, me(), action_id)
    except LookupError:
        abort(404)
    except ModerationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("moderation.actions"))
    if decision == "confirm":
        flash(
            f"Done: {four_eyes.ACTIONS[action['kind']].lower()} ({action['clinic_id']}).", "success"
        )
    else:
        flash("Request cancelled.", "success")
    return redirect(url_for("moderation.actions"))
