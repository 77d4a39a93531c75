"""The cache every worker of a node shares: search results and rendered responses.

Entries are keyed by what they depend on, the index generation (`SearchIndex.token()`) and
the outbox mark among it, so a commit anywhere makes earlier entries unreachable and nothing
is ever invalidated by hand; old entries age out (least recently stored first, within
SIZE_LIMIT and TTL). Backed by diskcache: one SQLite file in CACHE_DIR (DATA_DIR/cache)
that both gunicorn workers, and any command, open. Reads never write, so workers do not
queue on it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

import diskcache

log = logging.getLogger(__name__)

SIZE_LIMIT = 256 * 2**20  # bytes on disk; the least recently stored entries go first
TTL = 3600  # seconds: even an entry nobody replaced is dropped after an hour
# SQLite pages each process keeps in memory (4 KiB each): 4 MiB. diskcache's default, 8,192,
# grew every worker by 32 MiB as the cache filled, and got or stored nothing faster.
PAGES_IN_MEMORY = 1024


def cache_key(*parts: object) -> str:
    """Return a short key for these parts (their repr: tuples, strings, numbers)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


class SharedCache:
    """Bytes by key, shared by every process that opens the same folder."""

    def __init__(self, folder: str | Path, *, size_limit: int = SIZE_LIMIT, ttl: int = TTL):
        self.ttl = ttl
        self._cache = diskcache.Cache(
            str(folder),
            size_limit=size_limit,
            eviction_policy="least-recently-stored",
            # Keep values inside SQLite, not one file each: pages are tens of kilobytes.
            disk_min_file_size=2**22,
            # A lost entry is only a miss: no fsync for the cache.
            sqlite_synchronous=0,
            sqlite_cache_size=PAGES_IN_MEMORY,
        )

    def get(self, key: str) -> bytes | None:
        """Return the value stored under key, or None."""
        try:
            return self._cache.get(key, retry=False)
        except (sqlite3.Error, diskcache.Timeout, OSError):
            log.warning("the shared cache could not be read", exc_info=True)
            return None

    def set(self, key: str, value: bytes) -> None:
        """Store value under key (a failure only loses the entry)."""
        try:
            self._cache.set(key, value, expire=self.ttl, retry=False)
        except (sqlite3.Error, diskcache.Timeout, OSError):
            log.warning("the shared cache could not be written", exc_info=True)

    def clear(self) -> None:
        """Drop every entry."""
        self._cache.clear()

    def close(self) -> None:
        """Close the underlying SQLite connections."""
        self._cache.close()
