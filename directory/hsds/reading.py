"""Read HSDS files into flat rows: JSON documents (any of the API's shapes) or a CSV package.

A file that cannot be read as a whole (missing, not UTF-8, not JSON, too large, a package
pointing outside its folder) raises ImportFileError naming the file and the place; then
nothing is imported. Problems inside rows are left on the rows for the checks.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from directory.clinics.jsonl import no_duplicate_keys, reject_constant
from directory.clinics.records import ImportFileError
from directory.hsds.documents import FlatRow, Origin, flatten
from directory.hsds.tables import BY_NAME, RESOURCES

MAX_FILE_BYTES = 256 * 1024 * 1024
# csv refuses fields over 128 KiB by itself, which would hide which field was too long; read
# up to this and let the checks name the field.
CSV_FIELD_LIMIT = 32 * 1024 * 1024
MAX_FILES = 200_000
# Documents named after what they hold (examples/service_full.json, organizations/<id>.json).
KINDS = ("service_at_location", "organization", "taxonomy_term", "taxonomy", "location", "service")
BY_PATH = {r.path: r.name for r in RESOURCES}


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(path, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(path, f"cannot be read ({exc.strerror})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportFileError(
            path,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}, column {column})",
            "HSDS files are UTF-8: save the file again as UTF-8",
        ) from exc


def load_json(path: Path) -> object:
    """Return the decoded JSON of a file, or raise ImportFileError saying where it breaks."""
    text = _read_text(path)
    try:
        return json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            path, f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except RecursionError as exc:
        raise ImportFileError(path, "is not valid JSON: nested too deeply") from exc
    except ValueError as exc:
        raise ImportFileError(path, f"is not valid JSON: {str(exc)[:160]}") from exc


def _files(path: Path, pattern: str) -> list[Path]:
    if not path.exists():
        raise ImportFileError(path, "no such file or folder", "check the path")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob(pattern) if p.is_file())
    if not files:
        raise ImportFileError(path, f"holds no {pattern} files")
    if len(files) > MAX_FILES:
        raise ImportFileError(path, f"holds more than {MAX_FILES} files")
    return files


def _kind(path: Path, value: dict) -> str | None:
    for name in (path.stem, path.parent.name):
        for kind in KINDS:
            if name.lower().startswith(kind):
                return kind
    if "location_type" in value:
        return "location"
    if "status" in value or "service_at_locations" in value:
        return "service"
    if {"service_id", "location_id", "location", "service"} & set(value):
        return "service_at_location"
    if {"locations", "services", "organization_identifiers"} & set(value):
        return "organization"
    return None


def read_json(path: Path) -> tuple[list[FlatRow], list[str]]:
    """Return the rows of every HSDS JSON document in a file or folder, and notes."""
    rows: list[FlatRow] = []
    notes: list[str] = []
    root = path if path.is_dir() else path.parent
    for file in _files(path, "*.json"):
        name = str(file.relative_to(root))
        value = load_json(file)
        if isinstance(value, dict) and value and all(k in BY_PATH for k in value):
            rows.extend(_tabular(name, value))
            continue
        items, pointer = [value], ""
        if isinstance(value, dict) and isinstance(value.get("contents"), list):
            items, pointer = value["contents"], "/contents"
        elif isinstance(value, list):
            pointer = ""
        else:
            items, pointer = [value], None
        for n, item in enumerate(items):
            where = pointer if pointer is None else f"{pointer}/{n}"
            if not isinstance(item, dict):
                raise ImportFileError(file, f"{where or '/'}: expected a JSON object")
            kind = _kind(file, item)
            if kind is None:
                notes.append(f"{name}: not an HSDS record (no organization, service or location)")
                break
            try:
                rows.extend(flatten(kind, item, name, where or ""))
            except RecursionError as exc:
                raise ImportFileError(file, f"{where or '/'}: nested too deeply") from exc
    return rows, notes


def _tabular(name: str, value: dict) -> list[FlatRow]:
    """Rows of a {"organizations.csv": [...], ...} document (examples/tabular.json)."""
    out = []
    for table_path, items in value.items():
        table = BY_PATH[table_path]
        if not isinstance(items, list):
            raise ImportFileError(name, f"{table_path} must be an array of rows")
        for n, item in enumerate(items):
            origin = Origin(name, f"/{table_path}/{n}")
            if not isinstance(item, dict):
                row = FlatRow(table, {}, origin)
                row.problems.append(("", "must be an object"))
            else:
                row = FlatRow(table, {c: item.get(c) for c in BY_NAME[table].columns}, origin)
            out.append(row)
    return out


def _descriptor(path: Path) -> tuple[Path, dict]:
    file = path / "datapackage.json" if path.is_dir() else path
    if not file.is_file():
        raise ImportFileError(path, "has no datapackage.json", "name the package's folder")
    value = load_json(file)
    if not isinstance(value, dict) or not isinstance(value.get("resources"), list):
        raise ImportFileError(file, "is not a data package (no resources list)")
    return file, value


def read_package(path: Path) -> tuple[list[FlatRow], list[str]]:
    """Return the rows of every HSDS table in a tabular data package, and notes."""
    file, descriptor = _descriptor(path)
    folder = file.parent.resolve()
    rows: list[FlatRow] = []
    notes: list[str] = []
    for n, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            raise ImportFileError(file, f"resources[{n}] is not an object")
        name, table_path = resource.get("name"), resource.get("path")
        if name not in BY_NAME:
            notes.append(f"{file.name}: resource {str(name)[:40]!r} is not an HSDS table; ignored")
            continue
        if not isinstance(table_path, str):
            raise ImportFileError(file, f"resource {name!r} has no path")
        csv_file = (folder / table_path).resolve()
        if folder not in csv_file.parents:
            raise ImportFileError(file, f"resource {name!r} points outside the package")
        rows.extend(_read_csv(csv_file, name, table_path, notes))
    return rows, notes


def _read_csv(path: Path, table: str, name: str, notes: list[str]) -> list[FlatRow]:
    if not path.is_file():
        raise ImportFileError(path, "is named in datapackage.json but missing")
    text = _read_text(path)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(path, f"contains binary data (NUL byte on line {line})")
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader, None)
        if not header:
            return []
        known = BY_NAME[table].columns
        unknown = [h for h in header if h not in known]
        if unknown:
            shown = ", ".join(unknown[:5])
            notes.append(f"{name}: columns not in HSDS ignored: {shown}")
        out = []
        for number, fields in enumerate(reader, start=2):
            if not any(fields):
                continue
            row = FlatRow(table, {}, Origin(name, f"row {number}"), text=True)
            if len(fields) != len(header):
                row.problems.append(("", f"has {len(fields)} fields, the header has {len(header)}"))
            values = dict(zip(header, fields, strict=False))
            row.values = {c: values.get(c) for c in known}
            out.append(row)
    except csv.Error as exc:
        raise ImportFileError(
            path, f"cannot be read as CSV (line {reader.line_num}): {exc}"
        ) from exc
    return out
