"""Check an uploaded evidence document by its bytes, never by its name (pure)."""

from __future__ import annotations

import itertools
import re
import zlib
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
# Magic numbers of the accepted types.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
# PDF names that run code, launch programs or hide the content from our checks.
FORBIDDEN_PDF_NAMES = {
    b"/JS": "contains JavaScript",
    b"/JavaScript": "contains JavaScript",
    b"/Launch": "tries to launch a program",
    b"/Encrypt": "is encrypted",
}
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)
# Bound the work spent inflating compressed streams (a "zip bomb" stops here).
MAX_INFLATED = 64 * 1024 * 1024


class EvidenceFileError(ValueError):
    """The file is not acceptable; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class CheckedFile:
    mime: str
    extension: str
    size: int


def sniff(data: bytes) -> tuple[str, str] | None:
    """Return (mime type, extension) from the file's first bytes, or None."""
    for magic, mime, extension in SIGNATURES:
        if data.startswith(magic):
            return mime, extension
    return None


def _names(chunk: bytes) -> set[bytes]:
    # PDF names may spell letters as #xx escapes (/J#61vaScript is /JavaScript).
    return {
        _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        for name in _NAME.findall(chunk)
    }


def _inflated_streams(data: bytes):
    budget = MAX_INFLATED
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(out)
        yield out
        if budget <= 0:
            raise EvidenceFileError(
                "The PDF is too complex to check; export it again as a plain PDF."
            )


def pdf_problem(data: bytes) -> str | None:
    """Return why a PDF is refused (script, launch action, encryption), or None."""
    for chunk in itertools.chain([data], _inflated_streams(data)):
        names = _names(chunk)
        for name, why in FORBIDDEN_PDF_NAMES.items():
            if name in names:
                return (
                    f"The PDF {why}, which we do not accept. Print it to a new PDF and try again."
                )
    return None


def check_document(data: bytes) -> CheckedFile:
    """Check an upload's size and content; return its real type or raise EvidenceFileError."""
    if not data:
        raise EvidenceFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise EvidenceFileError("The file is larger than 10 MB.")
    found = sniff(data)
    if found is None:
        raise EvidenceFileError(
            "Only PDF, PNG and JPEG files are accepted (checked from the file's content, "
            "not its name)."
        )
    mime, extension = found
    if mime == "application/pdf":
        problem = pdf_problem(data)
        if problem:
            raise EvidenceFileError(problem)
    return CheckedFile(mime=mime, extension=extension, size=len(data))
