"""Schema of the accounts domain: users and their link to clinics."""

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("vetted.accounts")


@migrations()
def m001_users(db: sqlite_utils.Database) -> None:
    db["users"].create(
        {
            "id": int,
            "email": str,
            "password_hash": str,
            "role": str,  # clinic | moderator | admin
            "display_name": str,
            "email_confirmed_at": str,
            "created_at": str,
            "disabled": int,
        },
        pk="id",
        not_null={"email", "role"},
        defaults={"disabled": 0},
    )
    db["users"].create_index(["email"], unique=True)
    db["clinic_users"].create(
        {"clinic_id": str, "user_id": int, "role": str, "created_at": str},  # owner | editor
        pk=("clinic_id", "user_id"),
        foreign_keys=[("clinic_id", "clinics", "id"), ("user_id", "users", "id")],
    )
