"""Visit codes: a clinic generates them in batches, a patient's code proves one visit, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlite_utils

from directory.events import record_event
from directory.experiences import rules, storage
from directory.experiences.errors import ExperienceError
from directory.experiences.questions import load_questions
from directory.i18n.known import N_

# Why a code was refused, as the patient reads it (translated beside the code field).
NOT_A_CODE = N_("That is not a visit code: a code has 12 letters and digits, like ABCD-EFGH-JK34.")
UNKNOWN = N_("We do not know this code. Check it against the slip the clinic gave you.")
FOREIGN = N_("This code is for another clinic: use it on the page of the clinic that gave it.")
USED = N_("This code was already used. Each code works once: ask the clinic for a new one.")
EXPIRED = N_("This code has expired. Ask the clinic for a new one.")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def generate_batch(
    db: sqlite_utils.Database,
    clinic_id: str,
    *,
    size: int,
    days: int,
    user_id: int,
    now: datetime | None = None,
) -> dict:
    """Create a batch of one-time codes for a clinic; return {batch_id, codes, expires_at}.

    The codes are returned this once: only their hashes are stored.
    """
    if not 1 <= size <= rules.MAX_BATCH:
        raise ExperienceError(f"Choose from 1 to {rules.MAX_BATCH} codes.", "size")
    if days not in load_questions().thresholds.code_days:
        raise ExperienceError("Choose how long the codes work from the list.", "days")
    now = now or datetime.now(UTC)
    codes: list[str] = []
    while len(codes) < size:
        code = rules.new_code()
        # A repeat (within the batch or of an older code) is vanishingly rare; draw again.
        digest = rules.code_hash(rules.normalise_code(code))
        if code not in codes and storage.find_code(db, digest) is None:
            codes.append(code)
    expires_at = _stamp(now + timedelta(days=days))
    with db.atomic():
        batch_id = storage.insert_batch(
            db,
            clinic_id=clinic_id,
            hashes=[rules.code_hash(rules.normalise_code(c)) for c in codes],
            created_by=user_id,
            created_at=_stamp(now),
            expires_at=expires_at,
        )
        # The ledger counts the codes; the codes themselves are nowhere but on the page.
        record_event(
            db,
            actor=f"user:{user_id}",
            action="experience.codes_generated",
            target_type="clinic",
            target_id=clinic_id,
            after={"batch_id": batch_id, "size": size, "expires_at": expires_at},
        )
    return {"batch_id": batch_id, "codes": codes, "expires_at": expires_at}


def list_batches(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return a clinic's batches, newest first, with how many codes were used."""
    return storage.list_batches(db, clinic_id)


def usable_code(
    db: sqlite_utils.Database, clinic_id: str, typed: str, now: datetime | None = None
) -> dict:
    """Return the unused, unexpired code of this clinic that was typed, or raise why not."""
    code = rules.normalise_code(typed)
    if code is None:
        raise ExperienceError(NOT_A_CODE, "code")
    row = storage.find_code(db, rules.code_hash(code))
    if row is None:
        raise ExperienceError(UNKNOWN, "code")
    if row["clinic_id"] != clinic_id:
        raise ExperienceError(FOREIGN, "code")
    if row["used_at"]:
        raise ExperienceError(USED, "code")
    if row["expires_at"] <= _stamp(now or datetime.now(UTC)):
        raise ExperienceError(EXPIRED, "code")
    return row


def use_code(db: sqlite_utils.Database, code: dict, now: datetime) -> None:
    """Spend a code inside the caller's transaction (refused if it was spent meanwhile)."""
    if not storage.use_code(db, code["id"], _stamp(now)):
        raise ExperienceError(USED, "code")
