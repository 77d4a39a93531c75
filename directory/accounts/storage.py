"""User rows in SQLite."""

from __future__ import annotations

import sqlite_utils

from directory.events import utcnow


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    rows = list(db.query("select * from users where id = ?", [user_id]))
    return rows[0] if rows else None


def get_user_by_email(db: sqlite_utils.Database, email: str) -> dict | None:
    rows = list(db.query("select * from users where email = ? collate nocase", [email.strip()]))
    return rows[0] if rows else None


def insert_user(
    db: sqlite_utils.Database,
    *,
    email: str,
    password_hash: str,
    role: str,
    display_name: str | None = None,
    confirmed: bool = False,
) -> int:
    now = utcnow()
    return (
        db["users"]
        .insert(
            {
                "email": email.strip().lower(),
                "password_hash": password_hash,
                "role": role,
                "display_name": display_name,
                "email_confirmed_at": now if confirmed else None,
                "created_at": now,
            }
        )
        .last_pk
    )


def set_password_hash(db: sqlite_utils.Database, user_id: int, password_hash: str) -> None:
    db.execute("update users set password_hash = ? where id = ?", [password_hash, user_id])


def link_clinic(db: sqlite_utils.Database, clinic_id: str, user_id: int, role: str) -> None:
    db["clinic_users"].upsert(
        {"clinic_id": clinic_id, "user_id": user_id, "role": role, "created_at": utcnow()},
        pk=("clinic_id", "user_id"),
    )


def clinics_of_user(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    return list(
        db.query(
            "select c.id, c.name, c.city, c.country, c.status, cu.role from clinic_users cu "
            "join clinics c on c.id = cu.clinic_id where cu.user_id = ? order by c.name",
            [user_id],
        )
    )


def count_users(db: sqlite_utils.Database) -> int:
    return db.execute("select count(*) from users").fetchone()[0]
