"""Account use cases shared by the CLI and the web: create users, demo logins."""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from directory.accounts import storage
from directory.accounts.passwords import MIN_LENGTH, generate_password, hash_password
from directory.events import record_event

ROLES = ("clinic", "moderator", "admin")
DEMO_LOGINS = (
    ("owner@demo.vetted.test", "clinic", "Demo clinic owner"),
    ("moderator@demo.vetted.test", "moderator", "Demo moderator"),
    ("admin@demo.vetted.test", "admin", "Demo admin"),
)


class AccountError(ValueError):
    """A user could not be created or changed; the message says why."""


def create_user(
    db: sqlite_utils.Database,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    confirmed: bool = False,
    actor: str = "system",
) -> int:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise AccountError("that is not an e-mail address")
    if len(password) < MIN_LENGTH:
        raise AccountError(f"passwords need at least {MIN_LENGTH} characters")
    with db.atomic():
        if storage.get_user_by_email(db, email):
            raise AccountError(f"an account for {email} already exists")
        user_id = storage.insert_user(
            db,
            email=email,
            password_hash=hash_password(password),
            role=role,
            display_name=display_name,
            confirmed=confirmed,
        )
        record_event(
            db,
            actor=actor,
            action="user.created",
            target_type="user",
            target_id=str(user_id),
            after={"email": email, "role": role},
        )
    return user_id


def ensure_demo_logins(db: sqlite_utils.Database, data_dir: Path) -> list[tuple[str, str, str]]:
    """Create the demo logins on first run; return (email, password, role) for each.

    Passwords are random, generated once, and kept in DATA_DIR/demo-logins.txt (mode 600)
    so they can be printed again on later runs.
    """
    path = data_dir / "demo-logins.txt"
    known: dict[str, tuple[str, str]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                known[parts[0]] = (parts[1], parts[2])
    out = []
    for email, role, name in DEMO_LOGINS:
        if email in known and storage.get_user_by_email(db, email):
            password, role = known[email]
        else:
            password = generate_password()
            existing = storage.get_user_by_email(db, email)
            if existing:
                storage.set_password_hash(db, existing["id"], hash_password(password))
            else:
                create_user(
                    db, email=email, password=password, role=role, display_name=name, confirmed=True
                )
        out.append((email, password, role))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(f"{e}\t{p}\t{r}\n" for e, p, r in out))
    return out
