"""Our table definitions and data package descriptor say exactly what Open Referral's say."""

from __future__ import annotations

import json

from directory.hsds.tables import RESOURCES, descriptor


def _schema(resource: dict) -> dict:
    schema = resource["schema"]
    return {
        "name": resource["name"],
        "path": resource["path"],
        "primaryKey": schema.get("primaryKey"),
        "fields": [
            (
                f["name"],
                f["type"],
                f.get("format"),
                f.get("constraints", {}).get("required", False),
                f.get("constraints", {}).get("enum"),
            )
            for f in schema["fields"]
        ],
        "foreignKeys": sorted(
            (fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"])
            for fk in schema.get("foreignKeys", [])
        ),
    }


def test_descriptor_matches_upstream(spec):
    upstream = json.loads((spec / "datapackage.json").read_text("utf-8"))
    ours = descriptor(name="x", title="X", description="x", version="3.0")
    assert len(RESOURCES) == 21
    assert [_schema(r) for r in ours["resources"]] == [_schema(r) for r in upstream["resources"]]
