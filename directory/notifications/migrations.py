"""Schema of the notifications domain: notifications, their mails, and what each person saw."""

import sqlite_utils

from directory.schema import create_table, migration_set


def m001_notifications(db: sqlite_utils.Database) -> None:
    # One row per decision a clinic hears about. user_id set: addressed to that person only
    # (a claimant who does not manage the clinic yet); null: to everyone who manages it.
    create_table(
        db,
        "notifications",
        {
            "clinic_id": str,
            "user_id": int,
            "kind": str,  # a key of directory/notifications/kinds.py KINDS
            "params": str,  # JSON: what the message says (names, item keys, notes, dates)
            "created_at": str,
        },
        not_null={"clinic_id", "kind", "created_at"},
        indexes=[("clinic_id", "id"), ("user_id", "id")],
    )
    # One e-mail per recipient, in the language of their account, sent after the commit.
    create_table(
        db,
        "notification_mails",
        {
            "notification_id": int,
            "user_id": int,
            "email": str,
            "language": str,  # en | ar | fr
            "state": str,  # queued | sending | sent | failed
            "attempts": int,
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        not_null={"notification_id", "email", "language", "state"},
        defaults={"state": "queued", "attempts": 0},
        references={"notification_id": "notifications"},
        indexes=[("state", "id")],
    )
    # The newest notification each person has seen, per clinic (0: their own notifications).
    create_table(
        db,
        "notification_seen",
        {"user_id": int, "clinic_id": str, "last_seen_id": int},
        pk=("user_id", "clinic_id"),
    )


migrations = migration_set("notifications", m001_notifications)
