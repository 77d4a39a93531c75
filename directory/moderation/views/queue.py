"""GET /moderation/: the one queue of work, by risk and service level, filtered, in pages.

Also the overdue count every back-office page's header shows to moderators.
"""

from __future__ import annotations

import re

from flask import abort, g, render_template, request
from flask_login import current_user

from directory.db import get_db
from directory.moderation import four_eyes
from directory.moderation import queue as queue_work
from directory.moderation.views.access import is_staff, me, staff_required
from directory.moderation.views.workbench import bp
from directory.vetting.checklist import load_checklist

COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")
MAX_PAGE = 10_000


@bp.get("/")
@staff_required
def queue():
    db = get_db()
    checklist = load_checklist()
    kind = request.args.get("kind", "").strip() or None
    country = request.args.get("country", "").strip().upper() or None
    item = request.args.get("item", "").strip() or None
    raw_page = request.args.get("page", "1").strip()
    if kind is not None and kind not in queue_work.KINDS:
        abort(400, "kind must be one of: " + ", ".join(queue_work.KINDS) + ".")
    if country is not None and not COUNTRY_RE.match(country):
        abort(400, "country must be a two-letter ISO code, such as GB or AE.")
    if item is not None and checklist.get(item) is None:
        abort(400, "item must be a checklist item key.")
    if not raw_page.isascii() or not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
        abort(400, "page must be a whole number from 1 to 10000.")
    result = queue_work.work_queue(
        db, me(), kind=kind, country=country, item=item, page=int(raw_page)
    )
    return render_template(
        "moderation/queue.html",
        **result,
        kinds=queue_work.KINDS,
        kind=kind,
        country=country,
        item=item,
        countries=queue_work.queue_countries(db),
        checklist=checklist,
        actions=four_eyes.pending_actions(db),
    )


def overdue_work() -> int | None:
    """Return how many items are past their service level, for staff (None for others)."""
    if not is_staff():
        return None
    if "overdue_work" not in g:
        g.overdue_work = queue_work.overdue_count(get_db())
    return g.overdue_work


@bp.app_context_processor
def _header_counts() -> dict:
    # A function, so only pages that show the header to a moderator pay for the count.
    return {"overdue_work": overdue_work if current_user else None}
