"""Apply committed clinic changes to the search index after a request's write."""

from __future__ import annotations

import sqlite_utils
from flask import current_app

from directory.search.services import drain_outbox, get_index


def sync_index(db: sqlite_utils.Database) -> None:
    """Drain the outbox now; on failure the change stays queued for `vetted index sync`.

    The write itself is already committed, so a search index problem must not turn the
    person's successful save into an error page.
    """
    try:
        drain_outbox(db, get_index())
    except Exception:
        current_app.logger.exception("could not apply the outbox to the search index")
