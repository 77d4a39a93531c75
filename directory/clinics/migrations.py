"""Schema of the clinics domain: clinics, their treatments, languages and practitioners."""

import sqlite_utils

from directory.schema import create_table, migration_set


def m001_clinics(db: sqlite_utils.Database) -> None:
    create_table(
        db,
        "clinics",
        {
            "id": str,
            "name": str,
            "brand": str,
            "description": str,
            "address_lines": str,  # JSON list of street lines
            "city": str,
            "region": str,
            "postcode": str,
            "country": str,  # ISO 3166-1 alpha-2
            "lat": float,
            "lon": float,
            "phone": str,
            "email": str,
            "website": str,
            "opening_hours": str,
            "external_ids": str,  # JSON object, e.g. {"ods": "NLU19"}
            "status": str,  # published | unpublished | suspended
            "version": int,  # bumped on every change; the editor's concurrency check
            "score": float,
            "core_verified": int,
            "created_at": str,
            "updated_at": str,
        },
        not_null={"name", "country", "status", "version"},
        defaults={"status": "published", "version": 1, "core_verified": 0},
        indexes=[("status",), ("country", "city")],
    )
    create_table(
        db,
        "clinic_treatments",
        {
            "clinic_id": str,
            "treatment": str,
            "price_from": float,
            "price_to": float,
            "currency": str,
        },
        pk=("clinic_id", "treatment"),
        references={"clinic_id": "clinics"},
        indexes=[("treatment",)],
    )
    create_table(
        db,
        "clinic_languages",
        {"clinic_id": str, "language": str},
        pk=("clinic_id", "language"),
        references={"clinic_id": "clinics"},
    )
    create_table(
        db,
        "practitioners",
        {
            "clinic_id": str,
            "position": int,
            "name": str,
            "role": str,
            "licence_number": str,
            "licence_authority": str,
            "licence_expiry": str,
            "prescriber": int,
        },
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id",)],
    )
    # Changes waiting to reach the search index; written in the same transaction as the
    # change itself, drained after commit, so a crash in between loses nothing.
    create_table(db, "outbox", {"clinic_id": str, "created_at": str})


def m002_outbox_ids_never_reused(db: sqlite_utils.Database) -> None:
    # A request drains only the entries above the highest id it saw when it opened the store,
    # so ids must never be handed out again after a drain empties the table (AUTOINCREMENT).
    # The actor of the change travels with it: vetting's reaction records it in the ledger.
    db.execute(
        "create table outbox_new (id integer primary key autoincrement, clinic_id text, "
        "created_at text, actor text)"
    )
    db.execute(
        "insert into outbox_new (id, clinic_id, created_at) "
        "select id, clinic_id, created_at from outbox"
    )
    db.execute("drop table outbox")
    db.execute("alter table outbox_new rename to outbox")


migrations = migration_set("clinics", m001_clinics, m002_outbox_ids_never_reused)
