"""Moderators decide: publish or refuse an experience, and re-check items patients contradict.

The queue lane (queue_entries) lists what waits: confirmed experiences, photo pairs, and
verified items whose patients' answers contradict them. Scores never change here: a re-check
ends with the evidence holding, or with a request to reverse the verification (four eyes).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlite_utils

from directory.clinics.services import enqueue_change, get_clinic
from directory.events import record_event
from directory.evidence import storage as files
from directory.evidence.services import EXTENSIONS
from directory.experiences import rules, storage
from directory.experiences.errors import ExperienceError
from directory.experiences.questions import load_questions
from directory.moderation import four_eyes
from directory.moderation.services import Moderator, conflict_reason, ensure_may_decide
from directory.moderation.text import clean_text
from directory.vetting.services import verified_item_keys

FLAG_OUTCOMES = {
    "holds": "The evidence still holds",
    "reverse": "Ask a second moderator to reverse the verification",
}
MAX_NOTE = 1000


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _target(row: dict) -> str:
    return f"{row['clinic_id']}:{row['id']}"


def existing(row: dict | None, key: int) -> dict:
    """Return row; LookupError(key) when there is none (the page is a 404)."""
    if row is None:
        raise LookupError(key)
    return row


def review_page(db: sqlite_utils.Database, moderator: Moderator, clinic_id: str, **shown) -> dict:
    """Return what a review page shows: shown, the clinic, and why this moderator may not decide."""
    return {
        **shown,
        "clinic": get_clinic(db, clinic_id),
        "conflict": conflict_reason(db, moderator, clinic_id),
    }


def review_context(db: sqlite_utils.Database, moderator: Moderator, experience_id: int) -> dict:
    """Return what the review page of an experience shows; LookupError when there is none."""
    row = existing(storage.get_experience(db, experience_id), experience_id)
    return review_page(
        db,
        moderator,
        row["clinic_id"],
        experience=row,
        questions=load_questions(),
        serious_words=rules.serious_words_in(
            (row["side_effects_text"], row["body"]), load_questions().side_effects
        ),
    )


def receipt_file(
    db: sqlite_utils.Database, receipts_dir: str | Path, experience_id: int
) -> tuple[Path, str, str] | None:
    """Return (path, mime type, extension) of an experience's receipt while it is kept."""
    row = storage.get_experience(db, experience_id)
    path = files.file_path(receipts_dir, row["receipt_name"] or "") if row else None
    if path is None:
        return None
    return path, row["receipt_mime"], EXTENSIONS.get(row["receipt_mime"], "bin")


def _decide(
    db: sqlite_utils.Database,
    moderator: Moderator,
    experience_id: int,
    receipts_dir: str | Path,
    *,
    state: str,
    refusal: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> dict:
    row = existing(storage.get_experience(db, experience_id), experience_id)
    ensure_may_decide(db, moderator, row["clinic_id"])
    at = _now()
    with db.atomic():
        if not storage.decide_experience(
            db,
            experience_id,
            state=state,
            decided_at=at,
            decided_by=moderator.id,
            refusal=refusal,
            refusal_note=note,
            published_at=at if state == "published" else None,
        ):
            raise ExperienceError("Another moderator decided on this experience already.")
        after: dict = {"state": state}
        if state == "published":
            # What the public page shows is in the ledger; the address never is.
            after.update(
                treatment=row["treatment"],
                visit_month=row["visit_month"],
                rating=row["rating"],
                answers=row["answers"],
                side_effects=row["side_effects"],
                side_effects_text=row["side_effects_text"],
                body=row["body"],
            )
            enqueue_change(db, [row["clinic_id"]], actor=moderator.actor)
            evaluate_flags(db, row["clinic_id"], today or date.today())
        else:
            after["refusal"] = refusal
        record_event(
            db,
            actor=moderator.actor,
            action=f"experience.{state}",
            target_type="experience",
            target_id=_target(row),
            before={"state": "pending"},
            after=after,
            reason=note or None,
        )
    if row["receipt_name"]:
        # The receipt proved the visit; a moderator has seen it, so it is not kept.
        files.delete_file(receipts_dir, row["receipt_name"])
    return {
        "email": row["email"],
        "language": row["language"],
        "clinic_id": row["clinic_id"],
        "state": state,
        "refusal": refusal,
        "note": note,
    }


def publish_experience(
    db: sqlite_utils.Database,
    moderator: Moderator,
    experience_id: int,
    *,
    receipts_dir: str | Path,
    receipt_checked: bool = False,
    today: date | None = None,
) -> dict:
    """Publish a confirmed experience; return what the patient's mail needs."""
    row = storage.get_experience(db, experience_id)
    if row is not None and row["proof"] == "receipt" and not receipt_checked:
        raise ExperienceError("Say that the receipt shows a visit to this clinic.")
    return _decide(db, moderator, experience_id, receipts_dir, state="published", today=today)


def refuse_experience(
    db: sqlite_utils.Database,
    moderator: Moderator,
    experience_id: int,
    *,
    reason: str,
    note: str = "",
    receipts_dir: str | Path,
) -> dict:
    """Refuse an experience for one of rules.REFUSALS; return what the patient's mail needs."""
    if reason not in rules.REFUSALS:
        raise ExperienceError("Choose a reason the patient will read.")
    note = clean_text(note)[:MAX_NOTE]
    return _decide(
        db, moderator, experience_id, receipts_dir, state="refused", refusal=reason, note=note
    )


# Re-check flags ------------------------------------------------------------------------------


def evaluate_flags(db: sqlite_utils.Database, clinic_id: str, today: date) -> list[int]:
    """Flag each verified item patients' answers contradict; close flags of unverified items.

    Runs inside the caller's transaction (or its own); returns the ids of new flags.
    """
    questions = load_questions()
    verified = set(verified_item_keys(db, clinic_id, today))
    tallies = rules.tally(
        (r["answers"] for r in storage.published_answers(db, clinic_id)), questions
    )
    new = []
    with db.atomic():
        open_items = set()
        for flag in storage.open_flags(db, clinic_id):
            if flag["item_key"] in verified:
                open_items.add(flag["item_key"])
                continue
            storage.resolve_flag(
                db,
                flag["id"],
                outcome="no-longer-verified",
                resolved_at=_now(),
                resolved_by=None,
                note=None,
            )
        found = rules.contradictions(
            tallies,
            verified - open_items,
            questions,
            answered_at_last_check=storage.answered_at_last_check(db, clinic_id),
        )
        for item in found:
            flag_id = storage.insert_flag(
                db,
                {
                    "clinic_id": clinic_id,
                    "item_key": item.item,
                    "question": item.question,
                    "yes": item.yes,
                    "answered": item.answered,
                    "created_at": _now(),
                },
            )
            record_event(
                db,
                actor="system",
                action="experience.recheck_flagged",
                target_type="claim",
                target_id=f"{clinic_id}:{item.item}",
                after={"question": item.question, "yes": item.yes, "answered": item.answered},
            )
            new.append(flag_id)
    return new


def flag_context(db: sqlite_utils.Database, moderator: Moderator, flag_id: int) -> dict:
    """Return what a re-check page shows; LookupError when there is no such flag."""
    flag = existing(storage.get_flag(db, flag_id), flag_id)
    questions = load_questions()
    tallies = rules.tally(
        (r["answers"] for r in storage.published_answers(db, flag["clinic_id"])), questions
    )
    return review_page(
        db,
        moderator,
        flag["clinic_id"],
        flag=flag,
        questions=[(q, tallies[q.key]) for q in questions.questions if q.item == flag["item_key"]],
        thresholds=questions.thresholds,
    )


def resolve_flag(
    db: sqlite_utils.Database, moderator: Moderator, flag_id: int, *, outcome: str, note: str
) -> None:
    """End a re-check: the evidence holds, or ask a second moderator to reverse it."""
    flag = existing(storage.get_flag(db, flag_id), flag_id)
    if outcome not in FLAG_OUTCOMES:
        raise ExperienceError("Choose what the re-check found.")
    note = clean_text(note)[:MAX_NOTE]
    if not note:
        raise ExperienceError("Say what you checked: the ledger keeps it.")
    ensure_may_decide(db, moderator, flag["clinic_id"])
    with db.atomic():
        if outcome == "reverse":
            four_eyes.request_action(
                db,
                moderator,
                "reverse_verification",
                flag["clinic_id"],
                reason=f"Patients' answers contradict it: {note}",
                item_key=flag["item_key"],
            )
        if not storage.resolve_flag(
            db,
            flag_id,
            outcome="holds" if outcome == "holds" else "reversal-requested",
            resolved_at=_now(),
            resolved_by=moderator.id,
            note=note,
        ):
            raise ExperienceError("Another moderator finished this re-check already.")
        record_event(
            db,
            actor=moderator.actor,
            action="experience.recheck_resolved",
            target_type="claim",
            target_id=f"{flag['clinic_id']}:{flag['item_key']}",
            before={"state": "open"},
            after={"state": "resolved", "outcome": outcome},
            reason=note,
        )


# The queue lane ----------------------------------------------------------------------------


def queue_entries(db: sqlite_utils.Database) -> list[dict]:
    """Return the experiences lane of the moderation queue, as plain entries.

    Each entry has the fields a queue source fills in (moderation.queue: kind "experience"); its ref
    says what it is: experience-<id>, photo-<id> or recheck-<id>.
    """
    questions = load_questions()
    out = []
    for row in storage.pending_experiences(db):
        serious = " — serious side effect (a harm report was filed)" if row["serious"] else ""
        out.append(
            {
                "kind": "experience",
                "ref": f"experience-{row['id']}",
                "clinic_id": row["clinic_id"],
                "since": row["confirmed_at"] or row["created_at"],
                "title": f"Patient experience{serious}",
                "detail": "Receipt to check" if row["proof"] == "receipt" else "Visit code",
            }
        )
    for row in storage.pending_photos(db):
        out.append(
            {
                "kind": "experience",
                "ref": f"photo-{row['id']}",
                "clinic_id": row["clinic_id"],
                "since": row["created_at"],
                "title": "Before-and-after photos",
                "detail": row["treatment"],
            }
        )
    for flag in storage.open_flags(db):
        question = questions.get(flag["question"])
        out.append(
            {
                "kind": "experience",
                "ref": f"recheck-{flag['id']}",
                "clinic_id": flag["clinic_id"],
                "since": flag["created_at"],
                "title": "Re-check: patients' answers contradict a verified item",
                "item_key": flag["item_key"],
                "detail": f"{flag['yes']} of {flag['answered']} said yes: "
                f"{question.text if question else flag['question']}",
            }
        )
    return out
