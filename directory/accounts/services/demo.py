"""The demo logins: one account per role, with random passwords kept beside the data."""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from directory.accounts import storage
from directory.accounts.passwords import generate_password, hash_password
from directory.accounts.services.users import create_user

DEMO_LOGINS = (
    ("owner@demo.vetted.test", "clinic", "Demo clinic owner"),
    ("moderator@demo.vetted.test", "moderator", "Demo moderator"),
    ("admin@demo.vetted.test", "admin", "Demo admin"),
)


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
