"""Addresses without Flask: where a `next=` may send someone, and links for e-mails."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter, Map

MAX_NEXT = 2000
ROW_ID_MAX = 2**63 - 1  # SQLite's largest integer


class RowId(IntegerConverter):
    """`<int:...>` in every route: a number SQLite cannot hold is no row (404), not a 500."""

    def __init__(self, map: Map, *args, **kwargs) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(map, *args, **kwargs)


def safe_next(target: str | None, default: str | None = None) -> str | None:
    """Return target when it is a path on this site, else default (no open redirects).

    Control characters are refused too: a newline in a Location header is a 500 at best and
    a split response at worst.
    """
    if not target or not isinstance(target, str) or len(target) > MAX_NEXT:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    # A backslash reads as a slash in some browsers ("/\evil.example" is another site).
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def absolute_links(url_map: Map, base_url: str) -> Callable[..., str]:
    """Return (endpoint, **values) -> the absolute address of that page, for e-mails.

    Built from the app's URL map, so it works inside a request and in a CLI command alike.
    """
    adapter = url_map.bind("localhost")
    base = base_url.rstrip("/")

    def link(endpoint: str, **values) -> str:
        return base + adapter.build(endpoint, values)

    return link


def dashboard_links(url_map: Map, base_url: str) -> Callable[[str], str]:
    """Return clinic id -> the absolute address of its dashboard, for e-mails."""
    link = absolute_links(url_map, base_url)
    return lambda clinic_id: link("clinic_admin.dashboard", clinic_id=clinic_id)
