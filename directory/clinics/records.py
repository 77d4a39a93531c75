"""What every reader yields: one Record per input line; whole-file problems raise.

Readers are pure apart from reading the file: they yield a Record per input line with a clean
profile, the reasons it is invalid, or the reason it is deliberately skipped. Problems with
the file as a whole (missing, binary, empty, wrong columns) raise ImportFileError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from directory.clinics.profile import FieldError

SNIFF_BYTES = 8192


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported from it."""

    def __init__(self, path: Path | str, message: str, hint: str | None = None):
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.hint = str(path), message, hint


@dataclass
class Record:
    """One input line: a clean profile, or why it is invalid, or why it is skipped."""

    line: int
    profile: dict | None = None
    errors: list[FieldError] = field(default_factory=list)
    skipped: str | None = None
    warnings: list[str] = field(default_factory=list)
    clinic_id: str | None = None


def check_file(path: Path) -> None:
    """Raise ImportFileError unless path is a readable, non-empty text file."""
    if not path.exists():
        raise ImportFileError(path, "no such file", "check the path and the current directory")
    if path.is_dir():
        raise ImportFileError(path, "is a directory, not a file", "name one file to import")
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise ImportFileError(path, f"cannot be read ({exc.strerror})") from exc
    if not head.strip():
        raise ImportFileError(path, "is empty: nothing to import")
    if b"\x00" in head:
        raise ImportFileError(
            path,
            "looks like a binary file (it contains NUL bytes), not UTF-8 text",
            "if it is UTF-16 text, save it again as UTF-8",
        )


def count_lines(path: Path) -> int:
    """Return how many lines the file has (for a progress bar)."""
    n, last = 0, b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")
