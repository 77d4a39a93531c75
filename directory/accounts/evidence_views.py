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
from flask_babel import gettext as _
from flask_login import current_user

from directory.accounts import forms
from directory.accounts.access import clinic_access, require_form_post
from directory.accounts.limits import per_user
from directory.accounts.wording import said
from directory.db import get_db
from directory.evidence import services as evidence
from directory.evidence.files import MAX_BYTES, EvidenceFileError
from directory.i18n.languages import translate
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
        proofs = form.proofs(MAX_BYTES)
        if proofs.empty():
            form.statement.errors.append(
                _("Add at least one of: a statement, a link, a licence number or a document.")
            )
        else:
            try:
                evidence.submit_evidence(
                    db,
                    current_app.config["EVIDENCE_DIR"],
                    clinic_id,
                    checklist_item.key,
                    proofs,
                    user_id=current_user.id,
                )
            except EvidenceFileError as exc:
                form.document.errors.append(
                    _("%(problem)s Choose the file again.", problem=said(exc))
                )
            except VettingError as exc:
                form.statement.errors.append(said(exc))
            else:
                flash(
                    _(
                        "Sent for review: %(item)s. A moderator will check it.",
                        item=translate(checklist_item.title),
                    ),
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
