"""Write the directory out in the documented profile format (JSON Lines)."""

from __future__ import annotations

from typing import BinaryIO

import sqlite_utils

from directory.clinics import storage
from directory.clinics.profile import dumps_profile


def export_profiles(db: sqlite_utils.Database, out: BinaryIO) -> int:
    """Write every clinic as one UTF-8 JSON line, ordered by id; return how many."""
    n = 0
    for profile in storage.iter_profiles(db):
        out.write(dumps_profile(profile).encode("utf-8") + b"\n")
        n += 1
    return n
