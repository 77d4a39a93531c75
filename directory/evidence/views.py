"""/evidence/<clinic>/<name>: the one route that sends an evidence document, with one set of
headers. The clinic's people and moderators past their second factor may download it; for
everyone else (logged in or not) the address answers 404, as if it did not exist.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user

from directory.db import get_db
from directory.evidence import services
from directory.moderation.views.access import is_staff, mfa_done

bp = Blueprint("evidence", __name__, url_prefix="/evidence")

# Nothing in a document may run or load anything, in any browser: always a download
# ("attachment"), typed by its checked content, and "sandbox" gives it a unique origin should a
# browser show it anyway. An <img> on our own pages still shows an image (they ignore the
# disposition), which is how moderators preview them.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@bp.get("/<clinic_id>/<stored_name>")
def download(clinic_id: str, stored_name: str):
    if not current_user.is_authenticated:
        abort(404)
    found = services.document_for_reader(
        get_db(),
        current_app.config["EVIDENCE_DIR"],
        clinic_id,
        stored_name,
        user_id=current_user.id,
        staff=is_staff() and mfa_done(),
    )
    if found is None:
        abort(404)
    row, path = found
    # Documents are at most 10 MB: read whole, so no file handle outlives the response.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=row["mime"],
        as_attachment=True,
        download_name=services.download_name(row),
        max_age=0,
    )
    response.headers.update(HEADERS)
    return response
