"""The experiences domain's one door: every use case the views, the CLI and other domains call.

The ideas live in their own modules: visit codes (codes.py), a patient's submission
(submissions.py), moderators' decisions and re-checks (decisions.py), the clinic's reply
(replies.py), before-and-after photos (photos.py), aggregates (summary.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlite_utils

from directory.experiences import storage
from directory.experiences.codes import generate_batch, list_batches
from directory.experiences.decisions import (
    FLAG_OUTCOMES,
    evaluate_flags,
    flag_context,
    publish_experience,
    queue_entries,
    receipt_file,
    refuse_experience,
    resolve_flag,
    review_context,
)
from directory.experiences.errors import ExperienceError
from directory.experiences.photos import (
    PHOTO_REPORTS,
    clinic_photos,
    decide_photo,
    photo_context,
    photo_file,
    report_photo,
    reportable_photo,
    upload_pair,
)
from directory.experiences.questions import load_questions
from directory.experiences.replies import reply_to_experience
from directory.experiences.rules import REFUSAL_TITLES, REFUSALS
from directory.experiences.submissions import (
    Submission,
    confirm_experience,
    shareable_clinic,
    submit_experience,
    treatment_choices,
)
from directory.experiences.summary import (
    aggregates,
    clinic_summary,
    counts_many,
    experience_revisions,
    with_experiences,
)

__all__ = [
    "FLAG_OUTCOMES",
    "PHOTO_REPORTS",
    "REFUSALS",
    "REFUSAL_TITLES",
    "ExperienceError",
    "Submission",
    "aggregates",
    "clinic_experiences",
    "clinic_photos",
    "clinic_summary",
    "confirm_experience",
    "counts_many",
    "decide_photo",
    "evaluate_flags",
    "experience_revisions",
    "flag_context",
    "generate_batch",
    "list_batches",
    "load_questions",
    "photo_context",
    "photo_file",
    "publish_experience",
    "queue_entries",
    "receipt_file",
    "refuse_experience",
    "reply_to_experience",
    "report_photo",
    "reportable_photo",
    "resolve_flag",
    "review_context",
    "shareable_clinic",
    "submit_experience",
    "sweep",
    "treatment_choices",
    "upload_pair",
    "with_experiences",
]
BACK_OFFICE_PAGE = 200


def clinic_experiences(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return a clinic's published experiences with their replies, newest first (back office)."""
    return storage.published_experiences(db, clinic_id, limit=BACK_OFFICE_PAGE)


def sweep(
    db: sqlite_utils.Database, *, today: date, unconfirmed_for: timedelta, now: datetime | None
) -> dict:
    """Daily upkeep: forget experiences never confirmed, re-evaluate every re-check flag.

    A moderator may have verified an item since its patients' answers came in, or an item may
    have stopped being verified; both change what is flagged.
    """
    before = ((now or datetime.now(UTC)) - unconfirmed_for).replace(microsecond=0).isoformat()
    with db.atomic():
        forgotten = storage.delete_unconfirmed(db, before)
    flagged = 0
    for clinic_id in storage.published_counts(db, None):
        flagged += len(evaluate_flags(db, clinic_id, today))
    return {"forgotten": forgotten, "flagged": flagged}
