"""Before-and-after photos: a clinic uploads a pair with the patient's consent attested,
a moderator approves it, patients see it (and can report it)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from directory.accounts.text import normalise, text_problem
from directory.clinics.services import get_clinic
from directory.events import record_event
from directory.evidence import storage as files
from directory.experiences import images, storage
from directory.experiences.decisions import existing, review_page
from directory.experiences.errors import ExperienceError
from directory.experiences.submissions import treatment_choices
from directory.i18n.known import N_
from directory.moderation import reports
from directory.moderation.services import Moderator, ensure_may_decide
from directory.moderation.text import clean_text

MAX_CAPTION = 200
SIDES = ("before", "after")
# Why a patient reports a photo: (the report category it files, the reason in words).
PHOTO_REPORTS = {
    "no-consent": ("other", N_("I am in it, or know who is, and did not agree to it")),
    "not-their-work": ("misleading-claims", N_("It is not this clinic's work")),
    "misleading": ("misleading-claims", N_("It is edited or misleading")),
    "other": ("other", N_("Something else")),
}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def upload_pair(
    db: sqlite_utils.Database,
    photos_dir: str | Path,
    clinic_id: str,
    *,
    treatment: str,
    before: bytes,
    after: bytes,
    caption: str,
    consent: bool,
    user_id: int,
) -> int:
    """Re-encode and store a before-and-after pair for moderation; return its id.

    Both photos are checked and re-encoded before anything is written; a failure after that
    removes what was written, so a refused pair leaves nothing behind.
    """
    clinic = get_clinic(db, clinic_id)
    if clinic is None:
        raise LookupError(clinic_id)
    if not consent:
        raise ExperienceError(
            "Confirm that the patient agreed in writing to publishing these photos.", "consent"
        )
    if treatment not in treatment_choices(clinic):
        raise ExperienceError("Choose a treatment from the list.", "treatment")
    caption = normalise(caption or "")
    problem = text_problem(caption)
    if problem:
        raise ExperienceError(problem, "caption")
    if len(caption) > MAX_CAPTION:
        raise ExperienceError(f"Keep the caption to {MAX_CAPTION} characters.", "caption")
    encoded = {}
    for side, data in (("before", before), ("after", after)):
        try:
            encoded[side] = images.reencode(data)
        except images.PhotoError as exc:
            raise ExperienceError(str(exc), side) from None
    written: list[str] = []
    try:
        for side in SIDES:
            written.append(files.write_file(photos_dir, encoded[side])[0])
        with db.atomic():
            photo_id = storage.insert_photo(
                db,
                {
                    "clinic_id": clinic_id,
                    "treatment": treatment,
                    "caption": caption or None,
                    "before_name": written[0],
                    "after_name": written[1],
                    "consent_by": user_id,
                    "consent_at": _now(),
                    "created_at": _now(),
                },
            )
            record_event(
                db,
                actor=f"user:{user_id}",
                action="experience.photos_uploaded",
                target_type="photo",
                target_id=f"{clinic_id}:{photo_id}",
                after={"treatment": treatment, "caption": caption or None, "consent": True},
            )
    except Exception:
        for name in written:
            files.delete_file(photos_dir, name)
        raise
    return photo_id


def clinic_photos(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return every pair of a clinic (any state), newest first, for its back office."""
    return storage.list_photos(db, clinic_id, ("pending", "approved", "refused"))


def approved_photos(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    return storage.list_photos(db, clinic_id, ("approved",))


def photo_context(db: sqlite_utils.Database, moderator: Moderator, photo_id: int) -> dict:
    """Return what the photo review page shows; LookupError when there is no such pair."""
    photo = existing(storage.get_photo(db, photo_id), photo_id)
    return review_page(db, moderator, photo["clinic_id"], photo=photo)


def decide_photo(
    db: sqlite_utils.Database, moderator: Moderator, photo_id: int, *, approve: bool, note: str
) -> dict:
    """Approve or refuse a pending pair; return the pair."""
    photo = existing(storage.get_photo(db, photo_id), photo_id)
    note = clean_text(note)[:1000]
    if not approve and not note:
        raise ExperienceError("Say why, for the clinic.", "note")
    ensure_may_decide(db, moderator, photo["clinic_id"])
    state = "approved" if approve else "refused"
    with db.atomic():
        if not storage.decide_photo(
            db,
            photo_id,
            state=state,
            decided_at=_now(),
            decided_by=moderator.id,
            refusal_note=note or None,
        ):
            raise ExperienceError("Another moderator decided on these photos already.")
        record_event(
            db,
            actor=moderator.actor,
            action=f"experience.photos_{state}",
            target_type="photo",
            target_id=f"{photo['clinic_id']}:{photo_id}",
            before={"state": "pending"},
            after={"state": state},
            reason=note or None,
        )
    return photo


def photo_file(
    db: sqlite_utils.Database,
    photos_dir: str | Path,
    clinic_id: str,
    photo_id: int,
    side: str,
    *,
    reader: str,
) -> Path | None:
    """Return the stored JPEG of one side of a pair, or None when this reader may not see it.

    reader is "public" (approved pairs only), "clinic" (the clinic's own people) or "staff".
    """
    photo = storage.get_photo(db, photo_id)
    if photo is None or photo["clinic_id"] != clinic_id or side not in SIDES:
        return None
    if reader == "public" and photo["state"] != "approved":
        return None
    return files.file_path(photos_dir, photo[f"{side}_name"])


def reportable_photo(db: sqlite_utils.Database, clinic_id: str, photo_id: int) -> dict | None:
    """Return an approved pair of this clinic that a patient may report, else None."""
    photo = storage.get_photo(db, photo_id)
    if photo is None or photo["clinic_id"] != clinic_id or photo["state"] != "approved":
        return None
    return photo


def report_photo(
    db: sqlite_utils.Database, clinic_id: str, photo_id: int, *, reason: str, details: str
) -> reports.Receipt:
    """File a patient's concern about a published pair as a report; return its receipt."""
    photo = reportable_photo(db, clinic_id, photo_id)
    if photo is None:
        raise LookupError(photo_id)
    if reason not in PHOTO_REPORTS:
        raise ExperienceError(N_("Choose what is wrong with the photos."), "reason")
    category, words = PHOTO_REPORTS[reason]
    details = clean_text(details)[: reports.MAX_DESCRIPTION - 200]
    description = f"Before-and-after photos #{photo_id} ({photo['treatment']}): {words}."
    if details:
        description += f"\n\n{details}"
    return reports.submit_report(db, clinic_id, category=category, description=description)
