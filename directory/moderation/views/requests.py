"""/moderation/listings/<id> and /moderation/ownership/<id>: a new listing or an ownership
request, and the moderator's approval or rejection."""

from __future__ import annotations

from flask import flash, redirect, url_for

from directory.db import get_db
from directory.moderation import requests
from directory.moderation.forms import OptionalReasonForm
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import attempt, bp, render_or_404


def _page(kind: str, request_id: int, form=None, status: int = 200):
    return render_or_404(
        "moderation/request.html",
        requests.request_context(get_db(), me(), kind, request_id),
        status,
        form=form or OptionalReasonForm(formdata=None),
    )


@staff_required
def show(kind: str, request_id: int):
    return _page(kind, request_id)


@staff_required
def decide(kind: str, request_id: int, decision: str):
    approve = decision == "approve"
    form = OptionalReasonForm()
    if not form.validate_on_submit():
        return _page(kind, request_id, form, 400)
    decided, refused = attempt(
        lambda: requests.decide_request(
            get_db(), me(), kind, request_id, approve=approve, reason=form.reason.data or ""
        ),
        lambda status: _page(kind, request_id, form, status),
        form.reason.errors,
    )
    if refused:
        return refused
    what = "the new listing" if kind == "listing" else "the ownership request"
    verb = "Approved" if approve else "Rejected"
    flash(f"{verb}: {what} of {decided['clinic_name']}. The requester was told.", "success")
    return redirect(url_for("moderation.queue", kind=kind))


# One page and one decision for both kinds; the endpoints keep their own names.
for kind, path in (("listing", "/listings"), ("ownership", "/ownership")):
    bp.add_url_rule(
        f"{path}/<int:request_id>", kind, show, defaults={"kind": kind}, methods=["GET"]
    )
    bp.add_url_rule(
        f"{path}/<int:request_id>/<any(approve, reject):decision>",
        f"decide_{kind}",
        decide,
        defaults={"kind": kind},
        methods=["POST"],
    )
