"""Read profiles from JSON Lines (or a file holding one JSON object), one Record per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from directory.clinics.profile import FieldError, validate_profile
from directory.clinics.records import Record, check_file

# A profile is a few kilobytes; a longer line is damage or an attack, and is never parsed.
MAX_LINE_BYTES = 1024 * 1024


def no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """json's object_pairs_hook that refuses a key given twice in one object."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def reject_constant(name: str) -> float:
    """json's parse_constant that refuses NaN and Infinity."""
    raise ValueError(f"{name} is not a number JSON allows")


def _decode_json(data: bytes) -> tuple[object, FieldError | None]:
    if b"\x00" in data:
        return None, FieldError("", f"binary data (NUL byte at column {data.index(0) + 1})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        return None, FieldError("", f"not UTF-8 text (byte 0x{bad:02x} at column {exc.start + 1})")
    try:
        value = json.loads(
            text, object_pairs_hook=no_duplicate_keys, parse_constant=reject_constant
        )
    except json.JSONDecodeError as exc:
        return None, FieldError("", f"not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return None, FieldError("", "not valid JSON: nested too deeply")
    except ValueError as exc:  # duplicate keys, NaN, integers with thousands of digits
        return None, FieldError("", f"not valid JSON: {str(exc)[:120]}")
    return value, None


def _lines(f) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, bytes without the line end), or None for a line that is too long."""
    n = 0
    while chunk := f.readline(MAX_LINE_BYTES + 1):
        n += 1
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while (rest := f.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass
            yield n, None
            continue
        if n == 1 and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]
        yield n, chunk.rstrip(b"\r\n")


def _profile_record(line: int, value: object, seen: dict[str, int]) -> Record:
    profile, errors = validate_profile(value)
    clinic_id = value.get("id") if isinstance(value, dict) else None
    record = Record(
        line, profile, errors, clinic_id=clinic_id if isinstance(clinic_id, str) else None
    )
    if profile is not None:
        first = seen.setdefault(profile["id"], line)
        if first != line:
            record.profile = None
            record.errors = [
                FieldError("id", f"duplicate id {profile['id']!r} (first on line {first})")
            ]
    return record


def read_profiles(path: Path) -> Iterator[Record]:
    """Yield a Record per non-blank line of a JSON Lines file (or one for a JSON object file)."""
    check_file(path)
    whole = _single_document(path)
    if whole is not None:
        yield _profile_record(1, whole, {})
        return
    seen: dict[str, int] = {}
    with path.open("rb") as f:
        for line, data in _lines(f):
            if data is None:
                reason = f"line is too long (more than {MAX_LINE_BYTES} bytes); not read"
                yield Record(line, errors=[FieldError("", reason)])
                continue
            if not data.strip():
                continue
            value, error = _decode_json(data)
            if error is not None:
                yield Record(line, errors=[error])
            else:
                yield _profile_record(line, value, seen)


def _single_document(path: Path) -> object | None:
    """Return the value of a pretty-printed single-object file, else None (JSON Lines)."""
    if path.stat().st_size > MAX_LINE_BYTES:
        return None
    data = path.read_bytes()
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first != b"{" or b"\n" not in data.strip():
        return None
    head = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if _decode_json(head)[1] is None:  # the first line is a whole object: JSON Lines
        return None
    value, error = _decode_json(data.lstrip(b"\xef\xbb\xbf"))
    return value if error is None and isinstance(value, dict) else None
