"""Read the NHS website's clinic and hospital lists (both snapshots' layouts) into profiles."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from directory.clinics.profile import FieldError, validate_profile
from directory.clinics.records import ImportFileError, Record, check_file

# An NHS row is a few hundred characters.
MAX_CSV_LINE = 64 * 1024
MAX_CSV_BYTES = 256 * 1024 * 1024
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
