"""Read a US NPPES extract (the NPI registry's CSV) into practitioners with their licences.

Pure apart from reading the file. The full NPPES file has 329 columns and up to 15 groups of
(taxonomy code, licence number, licence state, primary switch) per practitioner; NPIs carry a
Luhn check digit computed with the prefix 80840; credentials are written every which way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

REGISTER = "nppes"
SOURCE = "NPPES (US National Plan and Provider Enumeration System)"
GROUPS = 15
REQUIRED = (
    "NPI",
    "Entity Type Code",
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    "NPI Deactivation Date",
    "Healthcare Provider Taxonomy Code_1",
    "Provider License Number_1",
    "Provider License Number State Code_1",
)
# The codes that matter for aesthetic treatments, named when no NUCC file is given.
SPECIALITIES = {
    "207N": "Dermatology",
    "2082": "Plastic Surgery",
    "207YP0228X": "Otolaryngology (Pediatric Otolaryngology)",
}
RELEVANT = ("207N", "2082", "207YP0228X")
NPI = re.compile(r"^\d{10}$")
MAX_SKIPS_SHOWN = 20


class RegisterFileError(Exception):
    """The extract cannot be read as a whole; nothing was loaded."""


def npi_is_valid(npi: str) -> bool:
    """Check an NPI's Luhn digit, computed over the card-issuer prefix 80840 and the NPI."""
    if not NPI.match(npi):
        return False
    total = 0
    for n, digit in enumerate(reversed("80840" + npi)):
        value = int(digit) * (2 if n % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def credential(text: str) -> str | None:
    """Write a credential one way: "M.D.", "m.d" and "MD" are all "MD"."""
    cleaned = re.sub(r"[^A-Z0-9,]", "", text.upper())
    return ", ".join(part for part in cleaned.split(",") if part) or None


def licence_key(number: str) -> str:
    """Return a licence number to compare: upper case, letters and digits, no leading zeros.

    Registers and clinics pad numbers differently ("A 012345", "A12345", "033435", "33435").
    """
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", re.sub(r"[^A-Z0-9]", "", number.upper()))


def speciality(code: str, names: dict[str, str] | None = None) -> str | None:
    if names and code in names:
        return names[code]
    for prefix, name in SPECIALITIES.items():
        if code.startswith(prefix):
            return name
    return None


def _date(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


@dataclass
class Practitioner:
    identifier: str
    name: str
    last_name: str
    credential: str | None
    status: str
    deactivated_on: str | None
    updated_on: str | None
    licences: list[dict] = field(default_factory=list)


@dataclass
class Extract:
    """What one read of the file found: practitioners, and rows skipped with their reasons."""

    practitioners: list[Practitioner] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    newest_update: str | None = None


def read_taxonomy(path: Path) -> dict[str, str]:
    """Return {code: "Classification (Specialization)"} from the NUCC taxonomy CSV."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RegisterFileError(f"{path}: cannot be read as the NUCC taxonomy ({exc})") from exc
    if not rows or "Code" not in rows[0] or "Classification" not in rows[0]:
        raise RegisterFileError(f"{path}: is not the NUCC taxonomy (no Code, Classification)")
    out = {}
    for row in rows:
        name = row["Classification"].strip()
        if row.get("Specialization", "").strip():
            name += f" ({row['Specialization'].strip()})"
        out[row["Code"].strip()] = name
    return out


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise RegisterFileError(
                    f"{path}: is not an NPPES extract (missing columns: {', '.join(missing)})"
                )
            for row in reader:
                yield reader.line_num, row
    except FileNotFoundError as exc:
        raise RegisterFileError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise RegisterFileError(f"{path}: is a folder; name the CSV file") from exc
    except UnicodeDecodeError as exc:
        raise RegisterFileError(f"{path}: is not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise RegisterFileError(f"{path}: cannot be read as CSV ({exc})") from exc


def read_extract(path: Path, *, names: dict[str, str] | None = None) -> Extract:
    """Read the practitioners (entity type 1) of an NPPES CSV, skipping bad rows with a reason."""
    extract = Extract()
    seen: set[str] = set()
    for line, row in _rows(path):
        npi = (row.get("NPI") or "").strip()
        if row.get("Entity Type Code", "").strip() != "1":
            continue  # organisations: not practitioners
        if not npi_is_valid(npi):
            extract.skipped.append(f"line {line}: NPI {npi[:12]!r} fails its check digit")
            continue
        if npi in seen:
            extract.skipped.append(f"line {line}: NPI {npi} appears twice")
            continue
        seen.add(npi)
        extract.practitioners.append(_practitioner(npi, row, names))
        updated = _date(row.get("Last Update Date", ""))
        if updated and (extract.newest_update is None or updated > extract.newest_update):
            extract.newest_update = updated
    return extract


def _practitioner(npi: str, row: dict, names: dict[str, str] | None) -> Practitioner:
    first = (row.get("Provider First Name") or "").strip()
    last = (row.get("Provider Last Name (Legal Name)") or "").strip()
    deactivated = _date(row.get("NPI Deactivation Date", ""))
    reactivated = _date(row.get("NPI Reactivation Date", ""))
    # A deactivated NPI can be reactivated later: only the later of the two dates counts.
    inactive = deactivated is not None and (reactivated is None or reactivated < deactivated)
    person = Practitioner(
        identifier=npi,
        name=" ".join(p for p in (first, last) if p),
        last_name=last,
        credential=credential(row.get("Provider Credential Text") or ""),
        status="deactivated" if inactive else "active",
        deactivated_on=deactivated if inactive else None,
        updated_on=_date(row.get("Last Update Date", "")),
    )
    for n in range(1, GROUPS + 1):
        code = (row.get(f"Healthcare Provider Taxonomy Code_{n}") or "").strip()
        number = (row.get(f"Provider License Number_{n}") or "").strip()
        if not code and not number:
            continue
        person.licences.append(
            {
                "position": n,
                "taxonomy": code or None,
                "speciality": speciality(code, names) if code else None,
                "licence_number": number or None,
                "licence_key": licence_key(number) if number else None,
                "state": (row.get(f"Provider License Number State Code_{n}") or "").strip() or None,
                "is_primary": int(
                    (row.get(f"Healthcare Provider Primary Taxonomy Switch_{n}") or "") == "Y"
                ),
            }
        )
    return person


def extract_date(path: Path, extract: Extract, given: date | None) -> str | None:
    """The extract's date: given, else a YYYYMMDD in the file name, else its newest update."""
    if given is not None:
        return given.isoformat()
    match = re.search(r"(20\d{2})(\d{2})(\d{2})", path.name)
    if match:
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:
            pass
    return extract.newest_update
