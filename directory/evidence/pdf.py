"""Inspect an uploaded PDF with qpdf (pikepdf), in a child process with bounded memory and time.

qpdf decodes every filter (ASCIIHex, ASCII85, LZW, Flate, RunLength, in any chain) and every
object stream, and normalises names (#xx escapes), so what is checked is what a viewer reads.
The parsing runs in a child process: a decompression bomb or a parser crash costs that process,
never a web worker. Run as `python -m directory.evidence.pdf` it reads a PDF on standard input
and writes its verdict as JSON.
"""

from __future__ import annotations

import io
import json
import logging
import resource
import subprocess
import sys

import pikepdf
import pikepdf.settings

# The child's budget: far more than any honest document needs.
MEMORY_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 20
WALL_SECONDS = 40
STREAM_BYTES = 64 * 1024 * 1024  # one decoded stream (an object stream, say)

AGAIN = "Print it to a new PDF and try again."
TOO_COMPLEX = f"The PDF is too complex for us to check. {AGAIN}"
UNREADABLE = (
    "The PDF could not be read: it is damaged or not really a PDF. "
    "Export or print it to a new PDF and try again."
)
ENCRYPTED = (
    "The PDF is encrypted or protected by a password, so we cannot check it. "
    "Save a copy without protection and try again."
)
# What runs code, starts programs or carries other files, and why we refuse it.
JAVASCRIPT = "contains JavaScript"
LAUNCH = "tries to launch a program"
EMBEDDED = "contains embedded files"
XFA = "contains an XFA form"
FORBIDDEN_KEYS = {
    "/JS": JAVASCRIPT,  # the script of an action
    "/JavaScript": JAVASCRIPT,  # the document's script name tree
    "/EmbeddedFiles": EMBEDDED,  # the attachments name tree
    "/EF": EMBEDDED,  # a file specification carrying the file itself
    "/XFA": XFA,  # an XML form, with scripts of its own
}
FORBIDDEN_VALUES = {
    ("/S", "/JavaScript"): JAVASCRIPT,
    ("/S", "/Launch"): LAUNCH,
    ("/Type", "/EmbeddedFile"): EMBEDDED,
    ("/Subtype", "/FileAttachment"): EMBEDDED,
    ("/Subtype", "/RichMedia"): EMBEDDED,
}


CONTAINERS = (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)
log = logging.getLogger(__name__)


def refusal(why: str) -> str:
    return f"The PDF {why}, which we do not accept. {AGAIN}"


def pdf_problem(data: bytes) -> str | None:
    """Return why a PDF is refused, or None; qpdf reads it in a separate, bounded process."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "directory.evidence.pdf"],
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return TOO_COMPLEX
    try:
        verdict = json.loads(done.stdout)
    except ValueError:
        verdict = None
    if done.returncode != 0 or not isinstance(verdict, dict):
        # Out of memory or time, or qpdf itself failed: the file is refused either way.
        log.warning("PDF check gave up (exit %s): %s", done.returncode, done.stderr[-2000:])
        return TOO_COMPLEX
    return verdict.get("problem")


def inspect(data: bytes) -> str | None:
    """Return why a PDF is refused, or None (runs qpdf in this process: the child's job)."""
    try:
        # No recovery: a file that must be guessed at is one two readers may read differently.
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                return ENCRYPTED
            if not _object_streams_decode(pdf):
                return TOO_COMPLEX
            for obj in [pdf.trailer, *pdf.objects]:
                why = _forbidden(obj)
                if why:
                    return refusal(why)
    except pikepdf.PasswordError:
        return ENCRYPTED
    except pikepdf.PdfError:
        return UNREADABLE
    return None


def _object_streams_decode(pdf: pikepdf.Pdf) -> bool:
    """Return whether every object stream decodes within the limits.

    qpdf reads the objects of a stream it cannot decode as null, with a warning: they would
    escape the checks below, while a viewer with other limits might still run them.
    """
    numbers = {e.obj_stream_number for e in pdf.get_xref_table().values() if e.type == 2}
    try:
        for number in numbers:
            stream = pdf.get_object(number, 0)
            if not isinstance(stream, pikepdf.Stream):
                return False
            stream.read_bytes()
    except pikepdf.PdfError:
        return False
    return True


def _forbidden(top: pikepdf.Object) -> str | None:
    """Return why this object (with the direct objects inside it) is refused, or None."""
    stack = [top]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            children = []
            for key, value in obj.items():
                why = FORBIDDEN_KEYS.get(key)
                if why is None and isinstance(value, pikepdf.Name):
                    why = FORBIDDEN_VALUES.get((key, str(value)))
                if why is None and key == "/URI" and _is_script_uri(value):
                    why = JAVASCRIPT
                if why:
                    return why
                children.append(value)
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        # Indirect objects are checked on their own: every one of them is in pdf.objects.
        stack.extend(
            child for child in children if isinstance(child, CONTAINERS) and not child.is_indirect
        )
    return None


def _is_script_uri(value: object) -> bool:
    text = bytes(value).decode("latin-1") if isinstance(value, pikepdf.String) else str(value)
    return "".join(text.split()).lower().startswith(("javascript:", "vbscript:"))


def main() -> None:
    """Read a PDF on standard input, print {"problem": reason or null}, within the budget."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=STREAM_BYTES,
        run_length_max_memory=STREAM_BYTES,
        png_max_memory=STREAM_BYTES,
        tiff_max_memory=STREAM_BYTES,
        doc_max_warnings=1000,
    )
    try:
        problem = inspect(sys.stdin.buffer.read())
    except MemoryError:
        problem = TOO_COMPLEX
    json.dump({"problem": problem}, sys.stdout)


if __name__ == "__main__":
    main()
