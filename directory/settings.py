"""Every setting the service reads, declared once with its default and help text."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
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
        "HTTPS",
        "VETTED_HTTPS",
        None,
        "on: Secure cookies and HSTS; off: neither. Default: on when BASE_URL is https.",
    ),
    Setting(
        "REDIS_URL",
        "VETTED_REDIS_URL",
        None,
        "redis://host:port/db for rate limits shared by every worker (production); else memory.",
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
    Setting(
        "SEARCH_CACHE",
        "VETTED_SEARCH_CACHE",
        "on",
        "'off' stops keeping search results and pages in DATA_DIR/cache (shared by workers).",
    ),
    Setting(
        "PROXY_HOPS",
        "VETTED_PROXY_HOPS",
        "0",
        "How many proxies in front set X-Forwarded-For/-Proto (1 behind nginx); 0 trusts none.",
    ),
    Setting(
        "READ_ONLY",
        "VETTED_READ_ONLY",
        "off",
        "on: a read node serving a restored replica; the store is only read, writes get 503.",
    ),
]


def read_settings(environ: Mapping[str, str], *, instance_path: str | Path) -> dict:
    """Return {name: value} for every setting, from the environment or its default.

    DATA_DIR's default, instance/, is the application's instance folder; a value given in the
    environment is resolved against the current directory.
    """
    # A variable set but empty counts as given (an empty VETTED_MAP_TILES turns maps off).
    values = {s.name: environ.get(s.env, s.default) for s in SETTINGS}
    given = environ.get("VETTED_DATA_DIR")
    values["DATA_DIR"] = Path(given).expanduser().resolve() if given else Path(instance_path)
    return values


ON, OFF = ("1", "on", "true", "yes"), ("0", "off", "false", "no")
MAX_PROXY_HOPS = 5


def proxy_hops(given: object) -> int:
    """Read how many proxies' X-Forwarded-* headers to trust: a whole number, 0 to 5."""
    word = str(0 if given is None else given).strip() or "0"
    if not word.isdigit() or int(word) > MAX_PROXY_HOPS:
        raise ValueError(
            f"VETTED_PROXY_HOPS must be a whole number from 0 to {MAX_PROXY_HOPS}, not {given!r}"
        )
    return int(word)


def https_only(values: Mapping[str, object]) -> bool:
    """Tell whether the service is served over https only: HTTPS if given, else from BASE_URL."""
    given = values.get("HTTPS")
    if given is None or given == "":
        return str(values.get("BASE_URL") or "").lower().startswith("https://")
    return switch(given, "VETTED_HTTPS")


def switch(given: object, env: str) -> bool:
    """Read an on/off setting strictly: a word outside ON and OFF is a mistake to report."""
    if isinstance(given, bool):
        return given
    word = str(given).strip().lower()
    if word not in ON + OFF:
        raise ValueError(f"{env} must be on or off, not {given!r}")
    return word in ON


def runtime_config(values: Mapping[str, object]) -> dict:
    """Return the application's config: fixed Flask options, the settings, the data paths."""
    https = https_only(values)
    config = {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Over https, cookies never travel in clear (a first http:// request included).
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_SORT_KEYS": False,
        **values,
        "HTTPS": https,
        "READ_ONLY": switch(values.get("READ_ONLY") or "off", "VETTED_READ_ONLY"),
        "PROXY_HOPS": proxy_hops(values.get("PROXY_HOPS")),
    }
    data_dir = Path(str(config["DATA_DIR"]))
    data_dir.mkdir(parents=True, exist_ok=True)
    config["DATA_DIR"] = str(data_dir)
    for name, child in (
        ("DATABASE", "vetted.db"),
        ("INDEX_DIR", "index"),
        ("EVIDENCE_DIR", "evidence"),
        ("MAIL_DIR", "mail"),
        ("CACHE_DIR", "cache"),
    ):
        config.setdefault(name, str(data_dir / child))
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_or_create_secret(data_dir)
    return config


def is_on(value: object) -> bool:
    """Say whether a switch setting is on ("off", "0", "false", "no" or empty turn it off)."""
    if isinstance(value, str):
        return value.strip().lower() not in ("off", "0", "false", "no", "")
    return bool(value)


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
