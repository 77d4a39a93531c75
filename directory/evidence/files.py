"""Check an uploaded evidence document by its bytes, never by its name."""

from __future__ import annotations

from dataclasses import dataclass

from directory.evidence.pdf import pdf_problem

MAX_BYTES = 10 * 1024 * 1024
# Magic numbers of the accepted types.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


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
