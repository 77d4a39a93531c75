"""Read clinic files into checked profiles, one Record per line, and import them.

Readers are pure apart from reading the file: they yield a Record per input line with a clean
profile, the reasons it is invalid, or the reason it is deliberately skipped. Problems with
the file as a whole (missing, binary, empty, wrong columns) raise ImportFileError.
import_records writes the good records in batches through services.save_profiles.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import sqlite_utils

from directory.clinics import storage
from directory.clinics.profile import FieldError, validate_profile
from directory.clinics.services import CREATED, UNCHANGED, UPDATED, save_profile, save_profiles

FORMATS = ("jsonl", "nhs-csv")
SKIPPED, INVALID = "skipped", "invalid"
# A profile is a few kilobytes; a longer line is damage or an attack, and is never parsed.
MAX_LINE_BYTES = 1024 * 1024
# An NHS row is a few hundred characters.
MAX_CSV_LINE = 64 * 1024
MAX_CSV_BYTES = 256 * 1024 * 1024
SNIFF_BYTES = 8192
BATCH = 500


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


# -- JSON Lines (or one JSON object) ----------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _reject_constant(name: str) -> float:
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
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
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


# -- NHS website clinic and hospital lists ---------------------------------------------------

NHS_REQUIRED = (
    "OrganisationCode",
    "OrganisationName",
    "Address1",
    "Address2",
    "Address3",
    "City",
    "County",
    "Postcode",
    "Latitude",
    "Longitude",
)
NHS_OPTIONAL = (
    "OrganisationID",
    "OrganisationStatus",
    "Phone",
    "Email",
    "Website",
    "ParentODSCode",
)
ODS_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{1,15}$")
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _decode_csv(path: Path) -> str:
    check_file(path)
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFileError(path, f"is larger than {MAX_CSV_BYTES // 2**20} MB")
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(0)].count(b"\n") + 1
        raise ImportFileError(path, f"contains binary data (NUL byte on line {line})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Spreadsheets on Windows save CSV in Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            path,
            f"is neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02x} on line {line})",
            "save the file as UTF-8 CSV",
        ) from exc


def _splitter(header: str) -> Callable[[str], list[str]]:
    if "¬" in header:
        # The 2023 list: `¬`-separated, re-saved by a spreadsheet that added runs of commas.
        return lambda line: line.rstrip(",").split("¬")
    delimiter = max(",;\t|", key=header.count)

    def split(line: str) -> list[str]:
        if '"' not in line:
            return line.split(delimiter)
        return next(csv.reader([line], delimiter=delimiter))

    return split


def _clean(value: str) -> str:
    # str.split() also splits on non-breaking spaces, which the NHS files contain.
    return " ".join(value.split())


def read_nhs_csv(
    path: Path, *, stored: Mapping[str, tuple[str, str | None]] | None = None
) -> Iterator[Record]:
    """Yield a Record per row of an NHS clinic or hospital list (either snapshot's layout).

    stored maps ids already in the directory to their (name, postcode), so a row that
    duplicates a stored clinic under another ODS code is skipped, and stored ids always win.
    """
    lines = _decode_csv(path).split("\n")
    header_line = lines[0].rstrip("\r")
    split = _splitter(header_line)
    header = [_clean(name).casefold() for name in split(header_line)]
    while header and not header[-1]:
        header.pop()
    missing = [c for c in NHS_REQUIRED if c.casefold() not in header]
    if missing:
        raise ImportFileError(
            path,
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            "an NHS list has a header row naming OrganisationCode, OrganisationName, "
            "Address1-3, City, County, Postcode, Latitude and Longitude",
        )
    columns = {
        name: header.index(name.casefold())
        for name in NHS_REQUIRED + NHS_OPTIONAL
        if name.casefold() in header
    }
    records: list[Record] = []
    for number, raw in enumerate(lines[1:], start=2):
        raw = raw.rstrip("\r")
        if not raw.strip(", \t¬"):
            continue
        if len(raw) > MAX_CSV_LINE:
            reason = f"line is too long ({len(raw)} characters, at most {MAX_CSV_LINE}); not read"
            records.append(Record(number, errors=[FieldError("", reason)]))
            continue
        try:
            fields = split(raw)
        except csv.Error as exc:  # e.g. a stray carriage return inside a field
            records.append(Record(number, errors=[FieldError("", f"cannot be read: {exc}")]))
            continue
        while len(fields) > len(header) and not fields[-1].strip():
            fields.pop()
        if len(fields) != len(header):
            reason = f"has {len(fields)} fields, the header has {len(header)}"
            records.append(Record(number, errors=[FieldError("", reason)]))
            continue
        records.append(
            _nhs_record(number, {name: _clean(fields[i]) for name, i in columns.items()})
        )
    _dedupe(records, stored or {})
    yield from records


def _nhs_record(number: int, row: dict[str, str]) -> Record:
    code = row["OrganisationCode"]
    if not ODS_CODE.match(code):
        reason = f"{code!r} is not an ODS code" if code else "is empty"
        return Record(number, errors=[FieldError("OrganisationCode", reason)])
    warnings: list[str] = []
    profile, errors = validate_profile(_nhs_profile(row, warnings))
    # Name the CSV column, not the profile field, so the report points into the file.
    errors = [FieldError(_NHS_COLUMN.get(e.field, e.field), e.reason) for e in errors]
    return Record(number, profile, errors, warnings=warnings, clinic_id=f"nhs-{code.lower()}")


_NHS_COLUMN = {
    "name": "OrganisationName",
    "address.city": "City",
    "address.region": "County",
    "address.postcode": "Postcode",
    "contact.phone": "Phone",
    "contact.email": "Email",
    "contact.website": "Website",
}


def _nhs_profile(row: dict[str, str], warnings: list[str]) -> dict:
    """Map one NHS row to a profile, noting every value left out and why."""
    code, name = row["OrganisationCode"], row["OrganisationName"]
    lines = []
    for value in (row["Address1"], row["Address2"], row["Address3"]):
        if value and value.casefold() != name.casefold() and value not in lines:
            lines.append(value)
    city, county = row["City"], row["County"]
    if not city and row["Address3"] in lines:
        # The third address line is the locality when City is blank.
        city = lines.pop(lines.index(row["Address3"]))
    elif not city and county:
        # Many rows with a blank City carry the town in County (Hereford, York, Dewsbury).
        city, county = county, ""
    external_ids = {"ods": code}
    if row.get("OrganisationID"):
        external_ids["nhs_org_id"] = row["OrganisationID"]
    if row.get("ParentODSCode"):
        external_ids["nhs_parent_ods"] = row["ParentODSCode"]
    status = row.get("OrganisationStatus", "Visible")
    return {
        "id": f"nhs-{code.lower()}",
        "name": name,
        "address": {
            "lines": lines,
            "city": city or None,
            "region": county if county and county != city else None,
            "postcode": _postcode(row["Postcode"], warnings),
            "country": "GB",
        },
        "location": _location(row["Latitude"], row["Longitude"], warnings),
        "contact": {
            "phone": row.get("Phone") or None,
            "email": _email(row.get("Email", ""), warnings),
            "website": _website(row.get("Website", ""), warnings),
        },
        "external_ids": external_ids,
        "status": "published" if status.casefold() in ("visible", "") else "unpublished",
    }


def _postcode(value: str, warnings: list[str]) -> str | None:
    if not value:
        return None
    match = UK_POSTCODE.match(value.upper())
    if not match:
        warnings.append(f"Postcode {value!r} is not a UK postcode; left out")
        return None
    return f"{match[1]} {match[2]}"


def _location(lat_text: str, lon_text: str, warnings: list[str]) -> dict | None:
    """Parse coordinates (5.1E+1 included); blanks, junk and impossible values give None."""
    if not lat_text and not lon_text:
        return None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        warnings.append(
            f"coordinates {lat_text!r}, {lon_text!r} are not numbers; location left out"
        )
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        warnings.append(f"coordinates {lat_text!r}, {lon_text!r} are not finite; location left out")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        warnings.append(f"coordinates {lat_text}, {lon_text} are out of range; location left out")
        return None
    if lat == 0 and lon == 0:
        warnings.append("coordinates 0, 0 are a placeholder; location left out")
        return None
    return {"lat": lat, "lon": lon}


def _email(value: str, warnings: list[str]) -> str | None:
    if not value:
        return None
    if not EMAIL.match(value) or len(value) > 254:
        warnings.append(f"Email {value[:60]!r} is not an e-mail address; left out")
        return None
    return value


def _website(value: str, warnings: list[str]) -> str | None:
    if not value:
        return None
    if re.match(r"^https?://\S+$", value, re.I) and len(value) <= 2000:
        return value
    if DOMAIN.match(value) and len(value) <= 1990:
        return "http://" + value
    warnings.append(f"Website {value[:60]!r} is not a web address; left out")
    return None


def _dedupe_key(name: str | None, postcode: str | None) -> tuple[str, str] | None:
    if not name or not postcode:
        return None  # without a postcode two same-named clinics may be far apart
    return " ".join(name.casefold().split()), postcode.replace(" ", "").upper()


def _dedupe(records: list[Record], stored: Mapping[str, tuple[str, str | None]]) -> None:
    """Skip a second row for one ODS code, and a second clinic at one name and postcode.

    Decided over the whole file, so the outcome does not depend on what an earlier import
    of the same file did: a stored clinic is never skipped, and its name and postcode are
    taken from this file when the file lists it; otherwise the first row wins.
    """
    first: dict[str, int] = {}
    for r in records:
        if r.profile is None:
            continue
        if r.profile["id"] in first:
            code = r.profile["external_ids"]["ods"]
            r.skipped = f"duplicate ODS code {code} (first on line {first[r.profile['id']]})"
            r.profile = None
        else:
            first[r.profile["id"]] = r.line
    kept = [r for r in records if r.profile is not None]
    owners: dict[tuple, tuple[str, int | None]] = {}
    for r in kept:
        if r.profile["id"] in stored and (key := _profile_key(r.profile)):
            owners.setdefault(key, (r.profile["id"], r.line))
    for clinic_id, (name, postcode) in stored.items():
        if clinic_id not in first and (key := _dedupe_key(name, postcode)):
            owners.setdefault(key, (clinic_id, None))
    for r in kept:
        key = _profile_key(r.profile)
        if r.profile["id"] in stored or key is None:
            continue
        owner, line = owners.setdefault(key, (r.profile["id"], r.line))
        if owner != r.profile["id"]:
            where = f"line {line}" if line else "already in the directory"
            r.skipped = f"same name and postcode as {owner} ({where})"
            r.profile = None


def _profile_key(profile: dict) -> tuple[str, str] | None:
    return _dedupe_key(profile["name"], profile["address"]["postcode"])


# -- writing ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened to one record, for the report."""

    line: int
    clinic_id: str | None
    outcome: str
    reasons: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        who = f"{self.clinic_id}: " if self.clinic_id else ""
        why = f": {'; '.join(self.reasons)}" if self.reasons else ""
        return f"line {self.line}: {who}{self.outcome}{why}"


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    details: list[Outcome] = field(default_factory=list)  # every record with something to say

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        order = (CREATED, UPDATED, UNCHANGED, SKIPPED, INVALID)
        parts = ", ".join(f"{self.counts[k]} {k}" for k in order)
        return f"{self.records} records: {parts}"


def open_reader(path: Path, fmt: str, db: sqlite_utils.Database) -> Iterator[Record]:
    """Return the reader for this format (the NHS reader needs to know what is stored)."""
    if fmt == "nhs-csv":
        return read_nhs_csv(path, stored=storage.names_and_postcodes(db))
    return read_profiles(path)


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while batch := list(islice(it, size)):
        yield batch


def import_records(
    db: sqlite_utils.Database,
    records: Iterable[Record],
    *,
    actor: str,
    reason: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Save every valid record (one transaction per batch); report what happened to each."""
    report = ImportReport()
    for batch in _batches(records, BATCH):
        good = [r for r in batch if r.profile is not None]
        if dry_run:
            outcomes = iter(_plan(db, [r.profile for r in good]))
        else:
            outcomes = iter(_save_all(db, good, actor, reason))
        for r in batch:
            _tally(report, r, next(outcomes) if r.profile is not None else None)
        if on_progress:
            on_progress(batch[-1].line)
    return report


def _save_all(db, records: list[Record], actor: str, reason: str | None) -> list[str]:
    profiles = [r.profile for r in records]
    try:
        return save_profiles(db, profiles, actor=actor, reason=reason, batch=len(profiles) or 1)
    except sqlite3.IntegrityError:
        # The batch was rolled back whole: save one by one to find the record at fault.
        return [_save(db, r, actor, reason) for r in records]


def _save(db, record: Record, actor: str, reason: str | None) -> str:
    try:
        return save_profile(db, record.profile, actor=actor, reason=reason)
    except sqlite3.IntegrityError as exc:  # save_profile's transaction has undone this record
        record.errors = [FieldError("", f"could not be stored: {exc}")]
        return INVALID


def _tally(report: ImportReport, record: Record, outcome: str | None) -> None:
    if record.skipped:
        outcome, reasons = SKIPPED, [record.skipped]
    elif record.errors or outcome is None or outcome == INVALID:
        outcome, reasons = INVALID, [str(e) if e.field else e.reason for e in record.errors]
    else:
        reasons = [f"warning: {w}" for w in record.warnings]
    report.counts[outcome] += 1
    if reasons:
        clinic_id = record.profile["id"] if record.profile else record.clinic_id
        report.details.append(Outcome(record.line, clinic_id, outcome, reasons))


def _same(a: dict, b: dict) -> bool:
    # The comparison save_profile makes.
    dump = lambda p: json.dumps(p, sort_keys=True, ensure_ascii=False)  # noqa: E731
    return dump(a) == dump(b)


def _plan(db: sqlite_utils.Database, profiles: list[dict]) -> list[str]:
    """Return what save_profile would do with each profile, writing nothing."""
    before = {p["id"]: p for p in storage.iter_profiles(db, ids=[p["id"] for p in profiles])}
    outcomes = []
    for profile in profiles:
        old = before.get(profile["id"])
        if old is None:
            outcomes.append(CREATED)
        else:
            outcomes.append(UNCHANGED if _same(old, {**old, **profile}) else UPDATED)
    return outcomes


def find_invalid(records: Iterable[Record]) -> ImportReport:
    """Read every record without writing; report the invalid ones (for --strict)."""
    report = ImportReport()
    for record in records:
        if record.errors:
            _tally(report, record, INVALID)
        else:
            report.counts["valid"] += 1
    return report
