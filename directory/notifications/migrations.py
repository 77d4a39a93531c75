"""Schema of the notifications domain: notifications, their mails, and what each person saw."""

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("vetted.notifications")


@migrations()
def m001_notifications(db: sqlite_utils.Database) -> None:
    # One row per decision a clinic hears about. user_id set: addressed to that person only
    # (a claimant who does not manage the clinic yet); null: to everyone who manages it.
    db["notifications"].create(
        {
            "id": int,
            "clinic_id": str,
            "user_id": int,
            "kind": str,  # a key of directory/notifications/kinds.py KINDS
            "params": str,  # JSON: what the message says (names, item keys, notes, dates)
            "created_at": str,
        },
        pk="id",
        not_null={"clinic_id", "kind", "created_at"},
    )
    db["notifications"].create_index(["clinic_id", "id"])
    db["notifications"].create_index(["user_id", "id"])
    # One e-mail per recipient, in the language of their account, sent after the commit.
    db["notification_mails"].create(
        {
            "id": int,
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
        pk="id",
        not_null={"notification_id", "email", "language", "state"},
        defaults={"state": "queued", "attempts": 0},
        foreign_keys=[("notification_id", "notifications", "id")],
    )
    db["notification_mails"].create_index(["state", "id"])
    # The newest notification each person has seen, per clinic (0: their own notifications).
    db["notification_seen"].create(
        {"user_id": int, "clinic_id": str, "last_seen_id": int},
        pk=("user_id", "clinic_id"),
    )
