"""GET /api/v1/changes: the feed of published changes, resumable from an opaque cursor."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from directory.db import get_db
from directory.hsds import changes

bp = Blueprint("changes_api", __name__)
MAX_LIMIT, DEFAULT_LIMIT = 500, 100


@bp.get("/api/v1/changes")
def list_changes():
    since = request.args.get("since")
    if since is not None and len(since) > 64:
        abort(400, "since is not a cursor this API gave out; start without it")
    text = request.args.get("limit", str(DEFAULT_LIMIT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        abort(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    try:
        page = changes.list_changes(get_db(), since=since, limit=int(text))
    except changes.BadCursor as exc:
        abort(400, str(exc))
    for change in page.changes:
        change["url"] = url_for("search_api.get_clinic", clinic_id=change["clinic_id"])
    return jsonify(
        {
            "changes": page.changes,
            "next": page.next,
            "has_more": page.has_more,
            "links": {"next": url_for("changes_api.list_changes", since=page.next)},
        }
    )
