"""GET /moderation/: the one queue of work, filtered by kind, country and checklist item."""

from __future__ import annotations

import re

from flask import abort, render_template, request

from directory.db import get_db
from directory.moderation import four_eyes
from directory.moderation import queue as queue_work
from directory.moderation.views.access import me, staff_required
from directory.moderation.views.workbench import bp
from directory.vetting.checklist import load_checklist

COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")


@bp.get("/")
@staff_required
def queue():
    db = get_db()
    checklist = load_checklist()
    kind = request.args.get("kind", "").strip() or None
    country = request.args.get("country", "").strip().upper() or None
    item = request.args.get("item", "").strip() or None
    if kind is not None and kind not in queue_work.KINDS:
        abort(400, "kind must be one of: " + ", ".join(queue_work.KINDS) + ".")
    if country is not None and not COUNTRY_RE.match(country):
        abort(400, "country must be a two-letter ISO code, such as GB or AE.")
    if item is not None and checklist.get(item) is None:
        abort(400, "item must be a checklist item key.")
    result = queue_work.work_queue(db, me(), kind=kind, country=country, item=item)
    return render_template(
        "moderation/queue.html",
        entries=result["entries"],
        counts=result["counts"],
        total=result["total"],
        kinds=queue_work.KINDS,
        kind=kind,
        country=country,
        item=item,
        countries=queue_work.queue_countries(db),
        checklist=checklist,
        actions=four_eyes.pending_actions(db),
    )
