"""A patient leaves an experience: proof of the visit, checks, and the e-mail confirmation.

All or nothing: a refused submission stores nothing (no row, no spent code, no receipt file).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import sqlite_utils

from directory.accounts.text import normalise, text_problem
from directory.clinics.services import get_clinic
from directory.events import record_event
from directory.evidence import storage as files
from directory.evidence.files import EvidenceFileError, check_document
from directory.experiences import codes, rules, storage
from directory.experiences.errors import ExperienceError
from directory.experiences.questions import load_questions
from directory.i18n.known import N_
from directory.moderation import reports
from directory.vocabulary import load_vocabulary

MAX_TEXT = 1000
# Refusals the patient reads, translated beside their field.
DUPLICATE_VISIT = N_(
    "You already shared an experience of a visit to this clinic in that month from this "
    "e-mail address: one experience per visit."
)
RECEIPT_USED = N_("This receipt was already used to share an experience.")
NOT_OFFERED = N_("Choose a treatment from the list.")
FUTURE_VISIT = N_("The visit cannot be in the future.")
OLD_VISIT = N_("That visit is too long ago for us to take an experience of it.")
BAD_MONTH = N_("Give the month of your visit, such as 2026-03.")
UNANSWERED = N_("Answer every question (“not sure” is an answer).")
TOO_LONG = N_("Keep it to 1000 characters or fewer.")
NO_PROOF = N_("Give the code from the clinic, or a photo or PDF of your receipt.")


@dataclass
class Submission:
    """What a patient sent about one visit (already shaped by the form)."""

    email: str
    treatment: str
    visit_month: str  # YYYY-MM
    answers: dict[str, str]
    side_effects: str
    rating: int
    side_effects_text: str = ""
    body: str = ""
    language: str = "en"
    code: str | None = None  # the visit code typed, or
    receipt: bytes | None = None  # the receipt's bytes


def treatment_choices(clinic: dict) -> list[str]:
    """Return the treatments a patient may say they had: the clinic's, else any we know."""
    offered = [t["key"] for t in clinic.get("treatments") or []]
    return offered or sorted(load_vocabulary().treatments)


def shareable_clinic(db: sqlite_utils.Database, clinic_id: str) -> dict | None:
    """Return the clinic if patients can leave an experience of it (published), else None."""
    clinic = get_clinic(db, clinic_id) if len(clinic_id) <= 200 else None
    return clinic if clinic and clinic["status"] == "published" else None


def _month(value: str, today: date) -> str:
    try:
        year, month = (int(part) for part in value.split("-"))
        visited = date(year, month, 1)
    except ValueError:
        raise ExperienceError(BAD_MONTH, "visit_month") from None
    if visited > today:
        raise ExperienceError(FUTURE_VISIT, "visit_month")
    oldest = load_questions().thresholds.oldest_visit_months
    if (today.year - visited.year) * 12 + today.month - visited.month > oldest:
        raise ExperienceError(OLD_VISIT, "visit_month")
    return f"{visited.year:04d}-{visited.month:02d}"


def _plain(value: str, name: str) -> str:
    value = normalise(value or "", multiline=True)
    problem = text_problem(value, multiline=True)
    if problem:
        raise ExperienceError(problem, name)
    if len(value) > MAX_TEXT:
        raise ExperienceError(TOO_LONG, name)
    return value


def _checked(clinic: dict, sent: Submission, today: date) -> dict:
    """Return the row to store, or raise why the submission is refused."""
    questions = load_questions()
    if sent.treatment not in treatment_choices(clinic):
        raise ExperienceError(NOT_OFFERED, "treatment")
    answers = {q.key: sent.answers.get(q.key) for q in questions.questions}
    if any(answer not in rules.ANSWERS for answer in answers.values()):
        raise ExperienceError(UNANSWERED)
    if sent.side_effects not in dict(questions.side_effects.choices):
        raise ExperienceError(UNANSWERED, "side_effects")
    if sent.rating not in rules.RATINGS:
        raise ExperienceError(UNANSWERED, "rating")
    side_text = _plain(sent.side_effects_text, "side_effects_text")
    body = _plain(sent.body, "body")
    return {
        "clinic_id": clinic["id"],
        "email": sent.email.strip(),
        "email_hash": rules.email_hash(sent.email),
        "language": sent.language,
        "treatment": sent.treatment,
        "visit_month": _month(sent.visit_month, today),
        "answers": answers,
        "side_effects": sent.side_effects,
        "side_effects_text": side_text or None,
        "body": body or None,
        "rating": sent.rating,
        "serious": int(
            rules.sounds_serious(sent.side_effects, (side_text, body), questions.side_effects)
        ),
    }


def _harm_report(db: sqlite_utils.Database, row: dict, experience_id: int) -> int:
    """File the serious side effect as a patient report about harm (moderation's own flow)."""
    description = (
        f"A patient experience (#{experience_id}) reports a side effect that sounds serious. "
        f"Treatment: {row['treatment']}; visit: {row['visit_month']}; side effects: "
        f"{row['side_effects']}.\n\n{row['side_effects_text'] or ''}\n\n{row['body'] or ''}"
    )
    return reports.submit_report(
        db, row["clinic_id"], category="adverse-reaction", description=description.strip()
    ).id


def submit_experience(
    db: sqlite_utils.Database,
    clinic_id: str,
    sent: Submission,
    *,
    receipts_dir: str | Path,
    now: datetime | None = None,
) -> dict:
    """Store an unconfirmed experience with its proof; return {id, email, email_hash, language}.

    Raises ExperienceError (with the field it concerns) and stores nothing when refused.
    """
    now = now or datetime.now(UTC)
    clinic = shareable_clinic(db, clinic_id)
    if clinic is None:
        raise LookupError(clinic_id)
    row = _checked(clinic, sent, now.date())
    if storage.find_visit(db, clinic_id, row["email_hash"], row["visit_month"]):
        raise ExperienceError(DUPLICATE_VISIT, "visit_month")
    code = None
    if sent.code:
        code = codes.usable_code(db, clinic_id, sent.code, now)
    elif sent.receipt is None:
        raise ExperienceError(NO_PROOF, "code")
    stored = None
    try:
        if code is None:
            try:
                checked = check_document(sent.receipt)
            except EvidenceFileError as exc:
                raise ExperienceError(str(exc), "receipt") from None
            if storage.receipt_known(db, hashlib.sha256(sent.receipt).hexdigest()):
                raise ExperienceError(RECEIPT_USED, "receipt")
            stored, sha256 = files.write_file(receipts_dir, sent.receipt)
            proof = {"receipt_name": stored, "receipt_sha256": sha256, "receipt_mime": checked.mime}
        else:
            proof = {"code_id": code["id"]}
        with db.atomic():
            if code is not None:
                codes.use_code(db, code, now)
            stamp = now.replace(microsecond=0).isoformat()
            experience_id = storage.insert_experience(
                db,
                {**row, **proof, "proof": "receipt" if stored else "code", "created_at": stamp},
            )
            if row["serious"]:
                report_id = _harm_report(db, row, experience_id)
                storage.set_report(db, experience_id, report_id)
            # No address in the ledger: the patient is "patient", the experience its number.
            record_event(
                db,
                actor="patient",
                action="experience.submitted",
                target_type="experience",
                target_id=f"{clinic_id}:{experience_id}",
                after={
                    "proof": "receipt" if stored else "code",
                    "treatment": row["treatment"],
                    "visit_month": row["visit_month"],
                    "rating": row["rating"],
                    "serious": bool(row["serious"]),
                },
            )
    except sqlite3.IntegrityError:
        # Another submission of the same visit (or receipt) won the race.
        if stored:
            files.delete_file(receipts_dir, stored)
        raise ExperienceError(DUPLICATE_VISIT, "visit_month") from None
    except Exception:
        if stored:
            files.delete_file(receipts_dir, stored)
        raise
    return {
        "id": experience_id,
        "email": row["email"],
        "email_hash": row["email_hash"],
        "language": row["language"],
    }


def confirm_experience(
    db: sqlite_utils.Database, experience_id: int, hash_prefix: str, now: datetime | None = None
) -> dict | None:
    """Confirm the address of an experience (from the mailed link); None when there is none.

    Returns {clinic_id, confirmed}: confirmed is False when it had been confirmed before.
    """
    row = storage.get_experience(db, experience_id)
    if row is None or not hash_prefix or not row["email_hash"].startswith(hash_prefix):
        return None
    stamp = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    with db.atomic():
        confirmed = storage.confirm_experience(db, experience_id, stamp)
        if confirmed:
            record_event(
                db,
                actor="patient",
                action="experience.confirmed",
                target_type="experience",
                target_id=f"{row['clinic_id']}:{experience_id}",
                before={"state": "unconfirmed"},
                after={"state": "pending"},
            )
    return {"clinic_id": row["clinic_id"], "confirmed": confirmed}
