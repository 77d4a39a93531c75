"""Register fixtures: small NPPES extracts written in tmp_path, in the real file's layout."""

from __future__ import annotations

import csv
from pathlib import Path

from directory.registers.nppes import GROUPS

COLUMNS = [
    "NPI",
    "Entity Type Code",
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    "Provider Credential Text",
    "Last Update Date",
    "NPI Deactivation Date",
    "NPI Reactivation Date",
] + [
    f"{name}_{n}"
    for n in range(1, GROUPS + 1)
    for name in (
        "Healthcare Provider Taxonomy Code",
        "Provider License Number",
        "Provider License Number State Code",
        "Healthcare Provider Primary Taxonomy Switch",
    )
]


def npi(base: str) -> str:
    """Return base (nine digits) with its Luhn check digit over the 80840 prefix."""
    digits = "80840" + base
    total = 0
    for n, d in enumerate(reversed(digits)):
        value = int(d) * (1 if n % 2 else 2)
        total += value - 9 if value > 9 else value
    return base + str((10 - total % 10) % 10)


def person(number: str, last: str, first: str, *licences, **extra) -> dict:
    """One practitioner row; licences are (taxonomy, licence number, state) triples."""
    row = {
        "NPI": number,
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": last,
        "Provider First Name": first,
        "Provider Credential Text": "M.D.",
        "Last Update Date": "07/08/2018",
    }
    for n, (code, licence, state) in enumerate(licences, start=1):
        row[f"Healthcare Provider Taxonomy Code_{n}"] = code
        row[f"Provider License Number_{n}"] = licence
        row[f"Provider License Number State Code_{n}"] = state
        row[f"Healthcare Provider Primary Taxonomy Switch_{n}"] = "Y" if n == 1 else "N"
    row.update(extra)
    return row


def write_extract(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
