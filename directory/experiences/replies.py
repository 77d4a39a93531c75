"""The clinic's one public reply to a published experience."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from directory.accounts.text import normalise, text_problem
from directory.events import record_event
from directory.experiences import storage
from directory.experiences.errors import ExperienceError

MAX_REPLY = 1000


def reply_to_experience(
    db: sqlite_utils.Database, clinic_id: str, experience_id: int, *, body: str, user_id: int
) -> None:
    """Publish a clinic's reply to one of its published experiences (once, ledger-recorded)."""
    row = storage.get_experience(db, experience_id)
    if row is None or row["clinic_id"] != clinic_id or row["state"] != "published":
        raise LookupError(experience_id)
    body = normalise(body or "", multiline=True)
    if not body:
        raise ExperienceError("Write your reply.", "body")
    problem = text_problem(body, multiline=True)
    if problem:
        raise ExperienceError(problem, "body")
    if len(body) > MAX_REPLY:
        raise ExperienceError(f"Keep the reply to {MAX_REPLY} characters or fewer.", "body")
    with db.atomic():
        if not storage.insert_reply(
            db,
            experience_id=experience_id,
            clinic_id=clinic_id,
            body=body,
            user_id=user_id,
            at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        ):
            raise ExperienceError("This experience has a reply already: a clinic replies once.")
        record_event(
            db,
            actor=f"user:{user_id}",
            action="experience.replied",
            target_type="experience",
            target_id=f"{clinic_id}:{experience_id}",
            after={"reply": body},
        )
