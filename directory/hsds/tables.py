"""The 21 tables of the HSDS 3.0 tabular package: names, files, fields, types and links.

Read from Open Referral's datapackage.json, packaged unchanged as
directory/schemas/hsds-3.0-datapackage.json (HSDS 3.0, CC-BY-SA-4.0; "Human Services Data
Specification: an Open Referral resource (openreferral.org)"); tests/hsds/test_hsds_tables.py
holds it equal to the upstream file, so our exports describe exactly the standard's tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

SPEC_VERSION = "3.0"
PACKAGE_FILE = "hsds-3.0-datapackage.json"


@dataclass(frozen=True)
class F:
    """One column: its name, Table Schema type, format, and constraints."""

    name: str
    type: str
    fmt: str | None = None
    required: bool = False
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Resource:
    """One table: name, CSV file, columns in order, and (column, referenced table) links."""

    name: str
    path: str
    fields: tuple[F, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> F | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _field(raw: dict) -> F:
    constraints = raw.get("constraints", {})
    enum = constraints.get("enum")
    return F(
        raw["name"],
        raw["type"],
        fmt=raw.get("format"),
        required=constraints.get("required", False),
        enum=tuple(enum) if enum else None,
    )


def _resources() -> tuple[Resource, ...]:
    """Read the 21 tables from Open Referral's datapackage.json, packaged as published."""
    text = resources.files("directory").joinpath("schemas", PACKAGE_FILE).read_text("utf-8")
    return tuple(
        Resource(
            r["name"],
            r["path"],
            tuple(_field(f) for f in r["schema"]["fields"]),
            tuple(
                (fk["fields"], fk["reference"]["resource"])
                for fk in r["schema"].get("foreignKeys", [])
            ),
        )
        for r in json.loads(text)["resources"]
    )


RESOURCES: tuple[Resource, ...] = _resources()
BY_NAME = {r.name: r for r in RESOURCES}


def _field_descriptor(f: F) -> dict:
    out: dict = {"name": f.name, "type": f.type}
    if f.fmt:
        out["format"] = f.fmt
    constraints: dict = {"required": f.required}
    if f.name == "id":
        constraints["unique"] = True
    if f.enum:
        constraints["enum"] = list(f.enum)
    out["constraints"] = constraints
    return out


def descriptor(*, name: str, title: str, description: str, version: str) -> dict:
    """Return a tabular data package descriptor for the 21 HSDS tables."""
    return {
        "name": name,
        "title": title,
        "description": description,
        "profile": "tabular-data-package",
        "version": version,
        "resources": [
            {
                "name": r.name,
                "path": r.path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "primaryKey": "id",
                    "fields": [_field_descriptor(f) for f in r.fields],
                    **(
                        {
                            "foreignKeys": [
                                {"fields": column, "reference": {"resource": table, "fields": "id"}}
                                for column, table in r.foreign_keys
                            ]
                        }
                        if r.foreign_keys
                        else {}
                    ),
                },
            }
            for r in RESOURCES
        ],
    }
