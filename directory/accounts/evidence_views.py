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
from directory.accounts.dashboard import load_checklist, vetting_services
from directory.accounts.index_sync import sync_index
from directory.accounts.limits import per_user
from directory.db import get_db
from directory.evidence import services as evidence
from directory.evidence.files import MAX_BYTES, EvidenceFileError
from directory.evidence.storage import delete_file

bp = Blueprint("clinic_evidence", __name__, url_prefix="/manage")
bp.before_request(require_form_post)


@bp.route("/<clinic_id>/items/<item_key>", methods=["GET", "POST"])
@per_user("60 per hour")
def item(clinic_id: str, item_key: str):
    clinic, role = clinic_access(clinic_id, "edit" if request.method == "POST" else "view")
    checklist, vetting = load_checklist(), vetting_services()
    checklist_item = checklist.get(item_key) if checklist and len(item_key) <= 60 else None
    if checklist_item is None or vetting is None:
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
                _submit(db, vetting, clinic_id, checklist_item.key, form)
            except EvidenceFileError as exc:
                form.document.errors.append(f"{exc} Choose the file again.")
            except vetting.VettingError as exc:
                form.statement.errors.append(str(exc))
            else:
                sync_index(db)
                flash(
                    f"Sent for review: {checklist_item.title}. A moderator will check it.",
                    "success",
                )
                return redirect(url_for("clinic_admin.dashboard", clinic_id=clinic_id))
    claim = vetting.get_claim(db, clinic_id, checklist_item.key)
    return render_template(
        "clinic_admin/item.html",
        clinic=clinic,
        role=role,
        item=checklist_item,
        claim=claim,
        form=form,
    )


def _submit(db, vetting, clinic_id: str, item_key: str, form) -> None:
    """Store the document (if any) and record the claim and its evidence, all or nothing."""
    actor = f"user:{current_user.id}"
    upload = form.document.data
    stored = None
    try:
        with db.atomic():
            if upload is not None and getattr(upload, "filename", None):
                data = upload.stream.read(MAX_BYTES + 1)
                stored = evidence.store_document(
                    db,
                    current_app.config["EVIDENCE_DIR"],
                    clinic_id=clinic_id,
                    item_key=item_key,
                    data=data,
                    filename=upload.filename,
                    user_id=current_user.id,
                )
            if form.statement.data:
                vetting.claim_item(
                    db, clinic_id, item_key, statement=form.statement.data, actor=actor
                )
            if stored:
                vetting.attach_evidence(db, clinic_id, item_key, stored, actor=actor)
            if form.link.data:
                vetting.attach_evidence(
                    db, clinic_id, item_key, {"kind": "link", "value": form.link.data}, actor=actor
                )
            if form.licence_number.data:
                vetting.attach_evidence(
                    db,
                    clinic_id,
                    item_key,
                    {"kind": "licence", "value": form.licence_number.data},
                    actor=actor,
                )
    except Exception:
        if stored:
            delete_file(current_app.config["EVIDENCE_DIR"], stored["stored_name"])
        raise
