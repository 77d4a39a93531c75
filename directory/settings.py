"""Every setting the service reads, declared once with its default and help text."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str | None
    help: str


SETTINGS = [
    Setting(
        "DATA_DIR",
        "VETTED_DATA_DIR",
        "instance/",
        "Folder for all runtime data: database, search index, evidence, mail, secret key.",
    ),
    Setting(
        "SECRET_KEY",
        "VETTED_SECRET_KEY",
        None,
        "Signs sessions and CSRF tokens. Generated into DATA_DIR/secret_key when not given.",
    ),
    Setting(
        "SMTP_URL",
        "VETTED_SMTP_URL",
        None,
        "smtp://user:pass@host:port for outgoing mail; else .eml files in DATA_DIR/mail.",
    ),
    Setting(
        "BASE_URL",
        "VETTED_BASE_URL",
        "http://127.0.0.1:5000",
        "Public address used in links inside e-mails.",
    ),
    Setting(
        "MAP_TILES",
        "VETTED_MAP_TILES",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tile URL template ({z}/{x}/{y}); empty turns the maps off (addresses still show).",
    ),
    Setting(
        "MAP_ATTRIBUTION",
        "VETTED_MAP_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        "Credit shown on every map for its tiles (HTML); the tile provider's terms require one.",
    ),
    Setting(
        "REPLICA_URL",
        "VETTED_REPLICA_URL",
        None,
        "Where `vetted replicate` streams the store with Litestream: file:///path or s3://…",
    ),
]


def setting_default(name: str) -> str | None:
    """Return the declared default of a setting."""
    return next(s.default for s in SETTINGS if s.name == name)


def data_dir_from_env(default: Path) -> Path:
    value = os.environ.get("VETTED_DATA_DIR")
    return Path(value).expanduser().resolve() if value else default


def load_or_create_secret(data_dir: Path) -> str:
    """Return the secret key kept in the data folder, creating it on first run."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions: it signs every session.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
