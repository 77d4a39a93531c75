"""Fixtures for clinic import and export: files in tmp_path, an in-memory store, NHS rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

# The columns of the NHS lists, in the order the files give them.
NHS_HEADER = tuple(
    "OrganisationID OrganisationCode OrganisationType SubType OrganisationStatus IsPimsManaged "
    "OrganisationName Address1 Address2 Address3 City County Postcode Latitude Longitude Phone "
    "Email Website Fax".split()
)


def nhs_row(code: str, name: str, **values: str) -> dict[str, str]:
    """Return one NHS list row (column name -> text); unnamed columns are blank."""
    row = dict.fromkeys(NHS_HEADER, "")
    row.update(
        OrganisationID=str(sum(map(ord, code)) * 7),
        OrganisationCode=code,
        OrganisationType="Clinic",
        SubType="UNKNOWN",
        OrganisationStatus="Visible",
        OrganisationName=name,
        Address1="1 High Street",
        City="Leeds",
        County="West Yorkshire",
        Postcode="LS1 1AA",
        Latitude="53.8",
        Longitude="-1.55",
    )
    row.update(values)
    return row


def notsign_bytes(rows: list[dict[str, str]], header=NHS_HEADER) -> bytes:
    """Return rows as the 2023 file is: `¬`-separated, trailing commas, CRLF, UTF-8."""
    lines = ["¬".join(header) + ",,,,,"]
    lines += ["¬".join(row.get(c, "") for c in header) + ",,,,,," for row in rows]
    return "\r\n".join(lines).encode("utf-8")


def comma_bytes(rows: list[dict[str, str]], header=NHS_HEADER, encoding="cp1252") -> bytes:
    """Return rows as the later snapshot is: comma CSV, CRLF, Windows-1252."""
    lines = [",".join(header)] + [",".join(row.get(c, "") for c in header) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write


@pytest.fixture
def write_jsonl(write_file) -> Callable[..., Path]:
    """Write profiles (dicts) or raw lines (str) as a JSON Lines file."""

    def write(*items: dict | str, name: str = "clinics.jsonl") -> Path:
        lines = [item if isinstance(item, str) else json.dumps(item) for item in items]
        return write_file(name, "".join(f"{line}\n" for line in lines))

    return write


@pytest.fixture
def nhs_data(shared_data: Path) -> Path:
    path = shared_data / "nhs-clinics"
    assert path.is_dir(), f"{path} is missing"
    return path
