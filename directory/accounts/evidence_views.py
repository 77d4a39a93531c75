"""/manage/<clinic>/items/<item>: claim a checklist item and send evidence.

Documents are downloaded from the one evidence route (directory/evidence/views.py).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from directory.accounts import forms
from directory.accounts.access import clinic_access, require_form_post
from directory.accounts.limits import per_user
from directory.db import get_db
from directory.evidence import services as evidence
from directory.evidence.files import MAX_BYTES, EvidenceFileError
from directory.vetting.checklist import load_checklist
from directory.vetting.services import VettingError, get_claim

bp = Blueprint("clinic_evidence", __name__, url_prefix="/manage")
bp.before_request(require_form_post)


@bp.route("/<clinic_id>/items/<item_key>", methods=["GET", "POST"])
@per_user("60 per hour")
def item(clinic_id: str, item_key: str):
    clinic, role = clinic_access(clinic_id, "edit" if request.method == "POST" else "view")
    checklist_item = load_checklist().get(item_key) if len(item_key) <= 60 else None
    if checklist_item is None:
        abort(404)
    db = get_db()
    form = forms.EvidenceForm()
    if form.validate_on_submit():
        if not form.has_content():
            form.statement.errors.append(
                "Add at least one of: a statement, a link, a licence number or a document."
            )
        else:
            try:
                evidence.submit_evidence(
                    db,
                    current_app.config["EVIDENCE_DIR"],
                    clinic_id,
                    checklist_item.key,
                    user_id=current_user.id,
                    statement=form.statement.data,
                    link=form.link.data,
                    licence_number=form.licence_number.data,
                    document=form.upload(MAX_BYTES),
                )
            except EvidenceFileError as exc:
                form.document.errors.append(f"{exc} Choose the file again.")
            except VettingError as exc:
                form.statement.errors.append(str(exc))
            else:
                flash(
                    f"Sent for review: {checklist_item.title}. A moderator will check it.",
                    "success",
                )
                return redirect(url_for("clinic_admin.dashboard", clinic_id=clinic_id))
    claim = get_claim(db, clinic_id, checklist_item.key)
    return render_template(
        "clinic_admin/item.html",
        clinic=clinic,
        role=role,
        item=checklist_item,
        claim=claim,
        form=form,
    )
