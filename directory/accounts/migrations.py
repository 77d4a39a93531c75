"""Schema of the accounts domain: users and their link to clinics."""

import sqlite_utils

from directory.events import refuse_rewrites
from directory.schema import create_table, migration_set


def m001_users(db: sqlite_utils.Database) -> None:
    create_table(
        db,
        "users",
        {
            "email": str,
            "password_hash": str,
            "role": str,  # clinic | moderator | admin
            "display_name": str,
            "email_confirmed_at": str,
            "created_at": str,
            "disabled": int,
        },
        not_null={"email", "role"},
        defaults={"disabled": 0},
        unique=[("email",)],
    )
    create_table(
        db,
        "clinic_users",
        {"clinic_id": str, "user_id": int, "role": str, "created_at": str},  # owner | editor
        pk=("clinic_id", "user_id"),
        references={"clinic_id": "clinics", "user_id": "users"},
    )


def _request_table(db: sqlite_utils.Database, name: str, **details: type) -> None:
    """Create a table of requests a moderator decides, with the details this kind carries."""
    create_table(
        db,
        name,
        {
            "clinic_id": str,
            "user_id": int,
            "state": str,  # pending | approved | rejected
            **details,
            "created_at": str,
            "decided_at": str,
            "decided_by": str,
            "reason": str,
        },
        not_null={"clinic_id", "user_id", "state"},
        references={"clinic_id": "clinics", "user_id": "users"},
        indexes=[("state",)],
    )


def m002_listings_invites_drafts_evidence(db: sqlite_utils.Database) -> None:
    # A new listing waits here, unpublished, until a moderator approves it.
    _request_table(db, "listing_requests")
    # A request to own an existing clinic (an imported NHS clinic, say).
    _request_table(
        db,
        "ownership_requests",
        method=str,  # email-domain (approved automatically) | moderator
        note=str,  # what the claimant told us about their link to the clinic
    )
    db["ownership_requests"].create_index(["clinic_id", "user_id"])
    create_table(
        db,
        "invites",
        {
            "clinic_id": str,
            "email": str,
            "role": str,  # editor
            "state": str,  # pending | accepted | revoked
            "invited_by": int,
            "created_at": str,
            "decided_at": str,
            "accepted_by": int,
        },
        not_null={"clinic_id", "email", "role", "state"},
        references={"clinic_id": "clinics", "invited_by": "users"},
        indexes=[("clinic_id", "state")],
    )
    # Form data rescued when a session or CSRF token expired mid-edit; one per user and clinic.
    create_table(
        db,
        "profile_drafts",
        {"user_id": int, "clinic_id": str, "data": str, "created_at": str},
        pk=("user_id", "clinic_id"),
        references={"user_id": "users"},
    )
    # Uploaded evidence documents: the file lives in EVIDENCE_DIR under stored_name.
    create_table(
        db,
        "evidence_files",
        {
            "stored_name": str,
            "clinic_id": str,
            "item_key": str,
            "sha256": str,
            "filename": str,
            "mime": str,
            "size": int,
            "uploaded_by": int,
            "created_at": str,
        },
        pk="stored_name",
        not_null={"clinic_id", "sha256", "mime", "size"},
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id",)],
    )


def m003_decisions_and_files_append_only(db: sqlite_utils.Database) -> None:
    # An uploaded file's record and a moderator's decision on a request stay as written
    # (docs/ledger.md): a request is decided once, then never changes or disappears.
    refuse_rewrites(db, "evidence_files", message="evidence files are append-only")
    for table in ("listing_requests", "ownership_requests"):
        refuse_rewrites(
            db,
            table,
            message=f"{table}: a decided request cannot change",
            may_change=("state", "decided_at", "decided_by", "reason"),
            change_allowed_when="OLD.state = 'pending'",
        )


def m004_session_nonce(db: sqlite_utils.Database) -> None:
    # Every session names its account's nonce; a new nonce ends them all, on the server
    # (logout, password change, role change, second-factor reset).
    db["users"].add_column("session_nonce", str)
    db.execute("update users set session_nonce = lower(hex(randomblob(16)))")


def m005_login_throttle(db: sqlite_utils.Database) -> None:
    # Failed logins per address typed (whether or not it has an account, so the delay says
    # nothing about who has one): each failure beyond a few makes the next attempt wait longer.
    create_table(
        db,
        "login_throttle",
        {"email": str, "failures": int, "blocked_until": str, "last_attempt_at": str},
        pk="email",
        not_null={"failures", "last_attempt_at"},
        defaults={"failures": 0},
        indexes=[("last_attempt_at",)],
    )


def m006_login_links(db: sqlite_utils.Database) -> None:
    # One-time login links sent by e-mail: the way in that no attacker's failures can close.
    create_table(
        db,
        "login_links",
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str, "used_at": str},
        pk="token_hash",
        not_null={"user_id", "created_at", "expires_at"},
        references={"user_id": "users"},
        indexes=[("user_id", "created_at")],
    )


def m007_user_language(db: sqlite_utils.Database) -> None:
    # The language the account's e-mails are written in (en | ar | fr); null reads as English.
    db["users"].add_column("language", str)


migrations = migration_set(
    "accounts",
    m001_users,
    m002_listings_invites_drafts_evidence,
    m003_decisions_and_files_append_only,
    m004_session_nonce,
    m005_login_throttle,
    m006_login_links,
    m007_user_language,
)
