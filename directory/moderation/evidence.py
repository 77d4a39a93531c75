"""Evidence documents shown to moderators inline, safely (nosniff, a sandboxing CSP)."""

from __future__ import annotations

import sqlite_utils
from flask import Response, abort, current_app

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}
# Nothing in an evidence response may run or load anything; "sandbox" also gives a PDF or an
# SVG smuggled in as an image a unique origin. frame-ancestors lets only our pages embed it.
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
)


def serve(db: sqlite_utils.Database, evidence_id: int, *, download: bool = False):
    """Return the response for one evidence document (404 when it or its file is missing)."""
    from directory.evidence.storage import file_path
    from directory.vetting import storage as vetting_storage

    row = vetting_storage.get_evidence(db, evidence_id)
    if row is None or row["kind"] != "document" or not row.get("stored_name"):
        abort(404)
    path = file_path(current_app.config["EVIDENCE_DIR"], row["stored_name"])
    if path is None:
        abort(404)
    mime = row.get("mime") if row.get("mime") in INLINE_TYPES else "application/octet-stream"
    inline = mime in INLINE_TYPES and not download
    # Documents are at most 10 MB: read whole, so no file handle outlives the response.
    response = Response(path.read_bytes(), mimetype=mime)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{_download_name(row, mime)}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _download_name(row: dict, mime: str) -> str:
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(mime, "bin")
    return f"evidence-{row['id']}.{extension}"
