"""Schema of the moderation domain: second factors, conflicts, reports, four eyes, reminders."""

import sqlite_utils

from directory.events import refuse_rewrites
from directory.schema import create_table, migration_set


def m001_moderation(db: sqlite_utils.Database) -> None:
    # One row per moderator or admin who enrolled an authenticator app.
    create_table(
        db,
        "mfa_factors",
        {
            "user_id": int,
            "secret": str,  # base32 TOTP secret (the authenticator app holds the same one)
            "enrolled_at": str,
            "last_step": int,  # last accepted TOTP time step: a code is never accepted twice
            "failed_count": int,  # wrong codes since the last good one
            "locked_until": str,  # UTC timestamp; no code is checked before it
        },
        pk="user_id",
        not_null={"secret"},
        defaults={"last_step": 0, "failed_count": 0},
        references={"user_id": "users"},
    )
    create_table(
        db,
        "mfa_recovery_codes",
        {"user_id": int, "code_hash": str, "created_at": str, "used_at": str},
        not_null={"user_id", "code_hash"},
        references={"user_id": "users"},
        indexes=[("user_id",)],
    )
    create_table(
        db,
        "moderator_invites",
        {
            "email": str,
            "role": str,  # moderator | admin
            "token_hash": str,  # sha256 of the token in the link; the token itself is not kept
            "created_by": int,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
            "user_id": int,  # the account created from it
        },
        not_null={"email", "role", "token_hash", "expires_at"},
        unique=[("token_hash",)],
    )
    create_table(
        db,
        "conflicts",
        {"user_id": int, "clinic_id": str, "reason": str, "created_at": str},
        not_null={"user_id", "clinic_id"},
        references={"user_id": "users"},
        unique=[("user_id", "clinic_id")],
    )
    create_table(
        db,
        "reports",
        {
            "clinic_id": str,
            "category": str,
            "description": str,
            "contact": str,  # optional; private to moderators
            "created_at": str,
            "state": str,  # open | triaged
            "risk": str,  # low | medium | high (set at triage)
            "outcome": str,  # see reports.OUTCOMES
            "note": str,  # the moderator's triage note (private)
            "triaged_by": int,
            "triaged_by_name": str,
            "triaged_at": str,
        },
        not_null={"clinic_id", "category", "description", "state"},
        defaults={"state": "open"},
        references={"clinic_id": "clinics"},
        indexes=[("state", "created_at"), ("clinic_id",)],
    )
    create_table(
        db,
        "pending_actions",
        {
            "kind": str,  # suspend | reinstate | reverse_verification
            "clinic_id": str,
            "item_key": str,  # reverse_verification only
            "report_id": int,  # when a high-risk report asked for the suspension
            "reason": str,
            "state": str,  # pending | done | cancelled
            "requested_by": int,
            "requested_by_name": str,
            "requested_at": str,
            "confirmed_by": int,
            "confirmed_by_name": str,
            "confirmed_at": str,
            "cancelled_by": int,
            "cancelled_at": str,
        },
        not_null={"kind", "clinic_id", "state", "requested_by"},
        defaults={"state": "pending"},
        references={"clinic_id": "clinics"},
        indexes=[("state", "requested_at")],
    )
    # The four-eyes rule also holds in the database: nobody confirms their own request.
    db.execute(
        """CREATE TRIGGER pending_actions_four_eyes BEFORE UPDATE OF confirmed_by
        ON pending_actions WHEN NEW.confirmed_by = NEW.requested_by
        BEGIN SELECT RAISE(ABORT, 'the requester cannot confirm their own action'); END"""
    )
    create_table(
        db,
        "sent_reminders",
        {
            "clinic_id": str,
            "item_key": str,
            "expires_at": str,
            "kind": str,  # 30d | 14d | 7d | today
            "sent_at": str,
            "recipients": int,
        },
        not_null={"clinic_id", "item_key", "expires_at", "kind"},
        unique=[("clinic_id", "item_key", "expires_at", "kind")],
    )


def m002_reports_and_actions_append_only(db: sqlite_utils.Database) -> None:
    # What a reporter wrote, a triage and a four-eyes decision stay as written (docs/ledger.md).
    # A report's outcome may still be filled in after triage, when it becomes known.
    triage = ("state", "risk", "note", "triaged_by", "triaged_by_name", "triaged_at")
    refuse_rewrites(
        db,
        "reports",
        message="reports: what was reported and its triage cannot change",
        may_change=(*triage, "outcome"),
        change_allowed_when="OLD.state = 'open' OR ("
        + " AND ".join(f"NEW.[{column}] IS OLD.[{column}]" for column in triage)
        + ")",
    )
    refuse_rewrites(
        db,
        "pending_actions",
        message="pending_actions: a confirmed or cancelled action cannot change",
        may_change=(
            "state",
            "confirmed_by",
            "confirmed_by_name",
            "confirmed_at",
            "cancelled_by",
            "cancelled_at",
        ),
        change_allowed_when="OLD.state = 'pending'",
    )


def m003_report_reference(db: sqlite_utils.Database) -> None:
    # What the patient keeps: a reference to quote, and a private link to follow the report
    # (only the link's hash is stored: the link itself is the patient's alone).
    db["reports"].add_column("reference", str)
    db["reports"].add_column("status_token_hash", str)
    db["reports"].create_index(["reference"], unique=True)
    db["reports"].create_index(["status_token_hash"], unique=True)


migrations = migration_set(
    "moderation", m001_moderation, m002_reports_and_actions_append_only, m003_report_reference
)
