"""User rows in SQLite."""

from __future__ import annotations

import secrets

import sqlite_utils

from directory.events import utcnow
from directory.storage import all_rows, first_row


def new_session_nonce() -> str:
    """Return a fresh random nonce: sessions naming an older one are refused."""
    return secrets.token_hex(16)


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    return first_row(db, "select * from users where id = ?", [user_id])


def get_user_by_email(db: sqlite_utils.Database, email: str) -> dict | None:
    return first_row(db, "select * from users where email = ? collate nocase", [email.strip()])


def insert_user(
    db: sqlite_utils.Database,
    *,
    email: str,
    password_hash: str,
    role: str,
    display_name: str | None = None,
    confirmed: bool = False,
    language: str | None = None,
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
                "language": language,
                "session_nonce": new_session_nonce(),
            }
        )
        .last_pk
    )


def set_language(db: sqlite_utils.Database, user_id: int, language: str) -> None:
    db.execute("update users set language = ? where id = ?", [language, user_id])


def set_password_hash(db: sqlite_utils.Database, user_id: int, password_hash: str) -> None:
    """Store a new password hash; it ends every session of the account (a new nonce)."""
    db.execute(
        "update users set password_hash = ?, session_nonce = ? where id = ?",
        [password_hash, new_session_nonce(), user_id],
    )


def rotate_session_nonce(db: sqlite_utils.Database, user_id: int) -> None:
    """End every session and "remember me" cookie of the account."""
    db.execute("update users set session_nonce = ? where id = ?", [new_session_nonce(), user_id])


def set_role(db: sqlite_utils.Database, user_id: int, role: str) -> None:
    """Change the account's role; it ends every session of the account (a new nonce)."""
    db.execute(
        "update users set role = ?, session_nonce = ? where id = ?",
        [role, new_session_nonce(), user_id],
    )


# Failed logins per address, and one-time login links.


def reserve_login_row(db: sqlite_utils.Database, email: str, now: str) -> dict:
    """Return the address's throttle row (made if new), holding the write lock until commit.

    The first statement writes, so concurrent attempts (other workers) queue here instead of
    all reading the same count.
    """
    db.execute(
        "insert into login_throttle (email, failures, last_attempt_at) values (?, 0, ?) "
        "on conflict(email) do update set email = excluded.email",
        [email, now],
    )
    return next(db.query("select * from login_throttle where email = ?", [email]))


def save_login_row(
    db: sqlite_utils.Database, email: str, *, failures: int, blocked_until: str | None, now: str
) -> None:
    db.execute(
        "update login_throttle set failures = ?, blocked_until = ?, last_attempt_at = ? "
        "where email = ?",
        [failures, blocked_until, now, email],
    )


def clear_login_row(db: sqlite_utils.Database, email: str) -> None:
    db.execute("delete from login_throttle where email = ?", [email])


def prune_login_rows(db: sqlite_utils.Database, before: str) -> None:
    """Forget addresses with no attempt since before (the table stays small)."""
    db.execute("delete from login_throttle where last_attempt_at < ?", [before])


def insert_login_link(
    db: sqlite_utils.Database, token_hash: str, user_id: int, *, now: str, expires_at: str
) -> None:
    db["login_links"].insert(
        {"token_hash": token_hash, "user_id": user_id, "created_at": now, "expires_at": expires_at}
    )


def count_login_links(db: sqlite_utils.Database, user_id: int, since: str) -> int:
    return db.execute(
        "select count(*) from login_links where user_id = ? and created_at >= ?", [user_id, since]
    ).fetchone()[0]


def find_login_link(db: sqlite_utils.Database, token_hash: str, now: str) -> dict | None:
    """Return the unused, unexpired link with this hash, or None."""
    return first_row(
        db,
        "select * from login_links where token_hash = ? and used_at is null and expires_at > ?",
        [token_hash, now],
    )


def spend_login_link(db: sqlite_utils.Database, token_hash: str, now: str) -> bool:
    """Mark an unused, unexpired link used; False when it was not (one use, even in a race)."""
    cursor = db.execute(
        "update login_links set used_at = ? "
        "where token_hash = ? and used_at is null and expires_at > ?",
        [now, token_hash, now],
    )
    return cursor.rowcount == 1


def link_clinic(db: sqlite_utils.Database, clinic_id: str, user_id: int, role: str) -> None:
    db["clinic_users"].upsert(
        {"clinic_id": clinic_id, "user_id": user_id, "role": role, "created_at": utcnow()},
        pk=("clinic_id", "user_id"),
    )


def clinics_of_user(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    return all_rows(
        db,
        "select c.id, c.name, c.city, c.country, c.status, cu.role from clinic_users cu "
        "join clinics c on c.id = cu.clinic_id where cu.user_id = ? order by c.name",
        [user_id],
    )


def count_users(db: sqlite_utils.Database) -> int:
    return db.execute("select count(*) from users").fetchone()[0]


def confirm_email(db: sqlite_utils.Database, user_id: int) -> None:
    """Mark the user's address as confirmed (keeps the first confirmation time)."""
    db.execute(
        "update users set email_confirmed_at = coalesce(email_confirmed_at, ?) where id = ?",
        [utcnow(), user_id],
    )


def member_role(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> str | None:
    """Return the user's role at this clinic (owner | editor), or None."""
    row = db.execute(
        "select role from clinic_users where clinic_id = ? and user_id = ?", [clinic_id, user_id]
    ).fetchone()
    return row[0] if row else None


def clinic_members(db: sqlite_utils.Database, clinic_id: str) -> list[dict]:
    """Return the clinic's users, owners first."""
    return all_rows(
        db,
        "select u.id as user_id, u.email, u.display_name, cu.role, cu.created_at "
        "from clinic_users cu join users u on u.id = cu.user_id where cu.clinic_id = ? "
        "order by cu.role = 'editor', u.email",
        [clinic_id],
    )


def unlink_clinic(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> None:
    db.execute("delete from clinic_users where clinic_id = ? and user_id = ?", [clinic_id, user_id])


def count_owners(db: sqlite_utils.Database, clinic_id: str) -> int:
    return db.execute(
        "select count(*) from clinic_users where clinic_id = ? and role = 'owner'", [clinic_id]
    ).fetchone()[0]


def find_claimable_clinics(db: sqlite_utils.Database, text: str, *, limit: int = 20) -> list[dict]:
    """Return published clinics whose name, postcode or city contains text, by name."""
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return all_rows(
        db,
        "select id, name, city, postcode, country, website from clinics "
        "where status = 'published' and (name like :q escape '\\' "
        "or postcode like :q escape '\\' or city like :q escape '\\' or id = :exact) "
        "order by name collate nocase, id limit :limit",
        {"q": like, "exact": text, "limit": limit},
    )


# Requests a moderator decides: a new listing, or a claim on an existing clinic (ownership).


def insert_listing_request(db: sqlite_utils.Database, clinic_id: str, user_id: int) -> int:
    return (
        db["listing_requests"]
        .insert(
            {"clinic_id": clinic_id, "user_id": user_id, "state": "pending", "created_at": utcnow()}
        )
        .last_pk
    )


def insert_ownership_request(
    db: sqlite_utils.Database, clinic_id: str, user_id: int, *, note: str | None, method: str
) -> int:
    return (
        db["ownership_requests"]
        .insert(
            {
                "clinic_id": clinic_id,
                "user_id": user_id,
                "state": "pending",
                "method": method,
                "note": note,
                "created_at": utcnow(),
            }
        )
        .last_pk
    )


REQUEST_TABLES = ("listing_requests", "ownership_requests")
_REQUEST_JOIN = (
    "select r.*, c.name as clinic_name, c.city, c.country, c.website, c.status as clinic_status, "
    "u.email as user_email, u.email_confirmed_at from {table} r "
    "join clinics c on c.id = r.clinic_id join users u on u.id = r.user_id "
)


def _request_table(table: str) -> str:
    if table not in REQUEST_TABLES:
        raise ValueError(table)
    return table


def get_request(db: sqlite_utils.Database, table: str, request_id: int) -> dict | None:
    """Return one listing or ownership request (as list_requests rows are), or None."""
    sql = _REQUEST_JOIN.format(table=_request_table(table)) + "where r.id = ?"
    return first_row(db, sql, [request_id])


def list_requests(
    db: sqlite_utils.Database,
    table: str,
    *,
    state: str | None = "pending",
    clinic_id: str | None = None,
    user_id: int | None = None,
) -> list[dict]:
    """Return listing or ownership requests (with clinic name and user e-mail), oldest first."""
    where, args = [], []
    for column, value in (("r.state", state), ("r.clinic_id", clinic_id), ("r.user_id", user_id)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    sql = _REQUEST_JOIN.format(table=_request_table(table))
    if where:
        sql += "where " + " and ".join(where) + " "
    return all_rows(db, sql + "order by r.id", args)


# By name, for the callers outside accounts.


def get_listing_request(db: sqlite_utils.Database, request_id: int) -> dict | None:
    return get_request(db, "listing_requests", request_id)


def get_ownership_request(db: sqlite_utils.Database, request_id: int) -> dict | None:
    return get_request(db, "ownership_requests", request_id)


def list_listing_requests(db: sqlite_utils.Database, **filters) -> list[dict]:
    return list_requests(db, "listing_requests", **filters)


def list_ownership_requests(db: sqlite_utils.Database, **filters) -> list[dict]:
    return list_requests(db, "ownership_requests", **filters)


def decide_request(
    db: sqlite_utils.Database,
    table: str,
    request_id: int,
    *,
    state: str,
    decided_by: str,
    reason: str | None = None,
) -> None:
    """Record a decision on a listing or ownership request."""
    db.execute(
        f"update {_request_table(table)} set state = ?, decided_at = ?, decided_by = ?, "
        "reason = ? where id = ?",
        [state, utcnow(), decided_by, reason, request_id],
    )


# Invites to edit a clinic.


def insert_invite(
    db: sqlite_utils.Database, clinic_id: str, email: str, role: str, invited_by: int
) -> int:
    return (
        db["invites"]
        .insert(
            {
                "clinic_id": clinic_id,
                "email": email.strip().lower(),
                "role": role,
                "state": "pending",
                "invited_by": invited_by,
                "created_at": utcnow(),
            }
        )
        .last_pk
    )


def get_invite(db: sqlite_utils.Database, invite_id: int) -> dict | None:
    return first_row(
        db,
        "select i.*, c.name as clinic_name from invites i join clinics c on c.id = i.clinic_id "
        "where i.id = ?",
        [invite_id],
    )


def list_invites(
    db: sqlite_utils.Database, clinic_id: str, *, state: str | None = "pending"
) -> list[dict]:
    sql, args = "select * from invites where clinic_id = ?", [clinic_id]
    if state is not None:
        sql += " and state = ?"
        args.append(state)
    return all_rows(db, sql + " order by id", args)


def set_invite_state(
    db: sqlite_utils.Database, invite_id: int, state: str, *, accepted_by: int | None = None
) -> None:
    db.execute(
        "update invites set state = ?, decided_at = ?, accepted_by = ? where id = ?",
        [state, utcnow(), accepted_by, invite_id],
    )


# Drafts of the profile editor, kept when a session expired mid-edit.


def save_draft(db: sqlite_utils.Database, user_id: int, clinic_id: str, data: str) -> None:
    db["profile_drafts"].upsert(
        {"user_id": user_id, "clinic_id": clinic_id, "data": data, "created_at": utcnow()},
        pk=("user_id", "clinic_id"),
    )


def get_draft(db: sqlite_utils.Database, user_id: int, clinic_id: str) -> dict | None:
    return first_row(
        db, "select * from profile_drafts where user_id = ? and clinic_id = ?", [user_id, clinic_id]
    )


def delete_draft(db: sqlite_utils.Database, user_id: int, clinic_id: str) -> None:
    db.execute(
        "delete from profile_drafts where user_id = ? and clinic_id = ?", [user_id, clinic_id]
    )
