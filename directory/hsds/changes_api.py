"""GET /api/v1/changes: the feed of published changes, resumable from an opaque cursor."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from directory.db import get_db
from directory.hsds import changes
from directory.search.params import whole_number

bp = Blueprint("changes_api", __name__)
MAX_LIMIT, DEFAULT_LIMIT = 500, 100
MAX_CURSOR = 64  # characters; the OpenAPI document's maxLength for since


@bp.get("/api/v1/changes")
def list_changes():
    since = request.args.get("since")
    if since is not None and len(since) > MAX_CURSOR:
        abort(400, f"since is too long: a cursor is at most {MAX_CURSOR} characters.")
    limit = whole_number(request.args.get("limit", str(DEFAULT_LIMIT)), 1, MAX_LIMIT)
    if limit is None:
        abort(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    try:
        page = changes.list_changes(get_db(), since=since, limit=limit)
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
