"""Schema of the vetting domain: claims, their evidence, and each clinic's score history."""

import sqlite_utils

from directory.events import refuse_rewrites
from directory.schema import create_table, migration_set


def m001_claims_evidence_history(db: sqlite_utils.Database) -> None:
    # One row per (clinic, checklist item): the claim's current state. Its history is in the
    # events ledger (target_type "claim"), which is append-only.
    create_table(
        db,
        "claims",
        {
            "clinic_id": str,
            "item_key": str,
            "state": str,  # claimed | pending_review | verified | rejected | expired
            "statement": str,  # what the clinic says, in its own words
            "clinic_changed_at": str,  # last change by the clinic (UTC timestamp)
            "verified_at": str,  # date of the last verification
            "verified_by": int,  # moderator's user id (null for the demo and the CLI)
            "verified_by_name": str,  # moderator's display name, shown to patients
            "fades_from": str,  # date the credit starts to fall
            "expires_at": str,  # date the credit reaches zero
            "reason": str,  # why it was rejected or sent back to review
            "decided_at": str,  # last moderator decision (UTC timestamp)
            "decided_by": int,
            "decided_by_name": str,
            # sha256 of the practitioners a practitioner-based claim was verified against.
            "practitioners_sha256": str,
            "updated_at": str,
            "revision": int,  # bumped on every write; guards concurrent decisions
        },
        pk=("clinic_id", "item_key"),
        not_null={"state", "revision"},
        references={"clinic_id": "clinics"},
        indexes=[("state",), ("state", "expires_at")],
    )
    create_table(
        db,
        "evidence",
        {
            "clinic_id": str,
            "item_key": str,
            "kind": str,  # document | link | licence | statement
            "value": str,  # url, licence number or text
            "stored_name": str,  # random file name under EVIDENCE_DIR (documents only)
            "sha256": str,
            "filename": str,  # the uploader's name for the file
            "mime": str,
            "size": int,
            "created_at": str,
            "created_by": str,
            "superseded_at": str,
        },
        not_null={"clinic_id", "item_key", "kind"},
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id", "item_key")],
    )
    create_table(
        db,
        "score_history",
        {
            "clinic_id": str,
            "at": str,  # date
            "score": float,
            "core_verified": int,
            "reason": str,
        },
        not_null={"clinic_id", "at"},
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id", "at")],
    )


def m002_scores_owned_by_vetting(db: sqlite_utils.Database) -> None:
    # Vetting computes the score, so vetting keeps it: one row per scored clinic. A clinic
    # never scored has no row (its score is "not scored yet", not 0). revision counts changes:
    # the search index adds it to the clinic's version to notice a stale score. Existing
    # scores move here with revision 0, so documents indexed before stay current.
    create_table(
        db,
        "clinic_scores",
        {"clinic_id": str, "score": float, "core_verified": int, "revision": int},
        pk="clinic_id",
        not_null={"core_verified", "revision"},
        defaults={"core_verified": 0, "revision": 0},
        references={"clinic_id": "clinics"},
    )
    if "score" in db["clinics"].columns_dict:
        db.execute(
            "insert into clinic_scores (clinic_id, score, core_verified, revision) "
            "select id, score, coalesce(core_verified, 0), 0 from clinics where score is not null"
        )
        db["clinics"].transform(drop={"score", "core_verified"})


def m003_evidence_and_history_append_only(db: sqlite_utils.Database) -> None:
    # A score that was published, and the evidence a decision rested on, stay as written
    # (docs/ledger.md). Evidence is superseded by a newer row, once, never edited or removed.
    refuse_rewrites(db, "score_history", message="score history is append-only")
    refuse_rewrites(
        db,
        "evidence",
        message="evidence is append-only: supersede it with a new row",
        may_change=("superseded_at",),
        change_allowed_when="OLD.superseded_at IS NULL",
    )


migrations = migration_set(
    "vetting",
    m001_claims_evidence_history,
    m002_scores_owned_by_vetting,
    m003_evidence_and_history_append_only,
)
