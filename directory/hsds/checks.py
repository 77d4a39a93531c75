"""Check HSDS rows as the standard defines them: types, formats, enums, required fields, ids
and links between tables. Every problem names its file, row (or JSON pointer) and field.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from directory.hsds.documents import FlatRow, Origin
from directory.hsds.tables import BY_NAME, F

# Longer than any real description: a 10 MB field is damage or an attack, never stored.
MAX_TEXT = 64 * 1024
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?$")


@dataclass(frozen=True)
class Problem:
    """One fault (or warning) in one field of one row."""

    origin: Origin
    table: str
    row_id: str | None
    field: str
    reason: str

    def __str__(self) -> str:
        who = f"{self.table} {self.row_id}" if self.row_id else self.table
        where = f"{self.field}: " if self.field else ""
        return f"{self.origin}: {who}: {where}{self.reason}"


@dataclass
class Row:
    """A checked row: its clean values, every place it was read from, its problems."""

    table: str
    values: dict
    origins: list[Origin]
    problems: list[Problem]
    warnings: list[Problem]
    # The clean id; for a row whose id is at fault, what it said, so that its links still
    # tie it (and its fault) to the organization it belongs to.
    id: str = ""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _temporal(kind: str, value: str) -> bool:
    try:
        if kind == "date":
            return len(value) == 10 and bool(date.fromisoformat(value))
        if kind == "datetime":
            return bool(datetime.fromisoformat(value))
    except ValueError:
        return False
    return bool(TIME.match(value))


def _parse(f: F, value: object, text: bool) -> tuple[object, str | None]:
    """Return (clean value, None) or (None, reason) for one field."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return None, f"is too long ({len(value):,} characters, at most {MAX_TEXT:,})"
    if f.type == "number":
        if text:
            try:
                number = float(value)
            except ValueError:
                return None, f"{_short(value)} is not a number"
        elif isinstance(value, bool) or not isinstance(value, int | float):
            return None, f"must be a number, not {_short(value)}"
        else:
            number = float(value)
        if not math.isfinite(number):
            return None, f"{_short(value)} is not a finite number"
        return number, None
    if not isinstance(value, str):
        return None, f"must be a string, not {_short(value)}"
    if f.type in ("date", "datetime", "time") and not _temporal(f.type, value):
        return None, f"{_short(value)} is not a {f.type} (ISO 8601)"
    if f.type == "time" and len(value) == 5:
        value += ":00"  # 10:00 and 10:00:00 are one time; written in full so copies agree
    if f.fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return None, f"{_short(value)} is not a UUID"
    if f.fmt == "email" and not EMAIL.match(value):
        return None, f"{_short(value)} is not an e-mail address"
    if f.fmt == "uri" and not URI.match(value):
        return None, f"{_short(value)} is not a URI"
    if f.enum and value not in f.enum:
        return None, f"{_short(value)} is not one of: {', '.join(f.enum)}"
    return value, None


def check_row(row: FlatRow) -> Row:
    """Return the row with clean values, or with a problem for every field at fault."""
    spec = BY_NAME[row.table]
    raw_id = row.values.get("id")
    row_id = raw_id if isinstance(raw_id, str) and len(raw_id) <= 100 else None
    problems = [Problem(row.origin, row.table, row_id, c, r) for c, r in row.problems]
    warnings = [Problem(row.origin, row.table, row_id, c, r) for c, r in row.notes]
    clean: dict = {}
    for f in spec.fields:
        value = row.values.get(f.name)
        if row.text and value == "":
            value = None
        if value is None:
            if f.required:
                problems.append(Problem(row.origin, row.table, row_id, f.name, "is required"))
            clean[f.name] = None
            continue
        value, reason = _parse(f, value, row.text)
        if reason:
            problems.append(Problem(row.origin, row.table, row_id, f.name, reason))
        clean[f.name] = value
    key = clean["id"] or row_id or f"(no id, {row.origin})"
    return Row(row.table, clean, [row.origin], problems, warnings, key)


def merge_rows(rows: list[FlatRow]) -> dict[str, dict[str, Row]]:
    """Check every row and merge repeats of one id; return {table: {id: row}}.

    The same record may appear in several documents (a location under its organization and
    under a service): its copies are merged, and a field given two different values is a fault.
    """
    tables: dict[str, dict[str, Row]] = {name: {} for name in BY_NAME}
    for flat in rows:
        row = check_row(flat)
        seen = tables[row.table].get(row.id)
        if seen is None:
            tables[row.table][row.id] = row
            continue
        _merge(seen, row)
    return tables


def _merge(seen: Row, row: Row) -> None:
    same_file_row = any(o == row.origins[0] for o in seen.origins)
    seen.origins.extend(row.origins)
    seen.problems.extend(row.problems)
    seen.warnings.extend(row.warnings)
    if row.origins[0].where.startswith("row ") and not same_file_row:
        # Two rows of a CSV table with one id: the table's primary key is broken.
        first = seen.origins[0]
        seen.problems.append(
            Problem(row.origins[0], row.table, row.id, "id", f"is used twice (also at {first})")
        )
        return
    for column, value in row.values.items():
        if value is None:
            continue
        if seen.values.get(column) is None:
            seen.values[column] = value
        elif seen.values[column] != value:
            reason = f"{_short(value)} here, {_short(seen.values[column])} at {seen.origins[0]}"
            seen.problems.append(Problem(row.origins[0], row.table, row.id, column, reason))


def check_links(tables: dict[str, dict[str, Row]]) -> None:
    """Add a problem to every row whose link names a record that is not there."""
    for name, rows in tables.items():
        for column, target in BY_NAME[name].foreign_keys:
            for row in rows.values():
                value = row.values.get(column)
                if value is not None and value not in tables[target]:
                    row.problems.append(
                        Problem(
                            row.origins[0],
                            name,
                            row.id,
                            column,
                            f"{value!r} is not the id of any {target} in the data (broken "
                            "reference)",
                        )
                    )
