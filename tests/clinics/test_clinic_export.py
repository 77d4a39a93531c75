"""`vetted export`: the profile format out, ordered, and byte-identical after a round trip."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from directory import create_app
from directory.clinics.profile import PROFILE_KEYS, load_schema
from directory.clinics.services import save_profile
from tests.clinics.conftest import comma_bytes, nhs_row
from tests.conftest import make_profile


def _varied_profiles() -> list[dict]:
    """Profiles that exercise every field: unicode, nulls, statuses, prices, no location."""
    return [
        make_profile(
            "z-last",
            name="Zürich Ästhetik — Klinik",
            address={
                "lines": ["Bahnhofstrasse 1", "2. Stock"],
                "city": "Zürich",
                "region": "ZH",
                "postcode": "8001",
                "country": "CH",
            },
            languages=["de", "fr", "it"],
        ),
        make_profile(
            "a-first",
            name="عيادة الجمال",
            location=None,
            status="unpublished",
            description="Ligne 1\nLigne 2 « guillemets »",
            treatments=[],
            practitioners=[],
            languages=[],
        ),
        make_profile(
            "m-middle",
            treatments=[
                {"key": "hair-mesotherapy", "price_from": 80, "price_to": 120.5, "currency": "EUR"},
                {"key": "mesobotox", "price_from": 200, "price_to": None, "currency": "EUR"},
            ],
            external_ids={"ods": "NLU19", "nhs_org_id": "17937"},
            status="suspended",
        ),
        {"id": "minimal", "name": "Minimal", "address": {"country": "FR"}},
    ]


def _export(runner, *args) -> bytes:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_export_writes_every_clinic_as_a_line_ordered_by_id(runner, db):
    for profile in _varied_profiles():
        save_profile(db, profile, actor="test")
    out = _export(runner)
    lines = out.decode("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["a-first", "m-middle", "minimal", "z-last"]
    validator = Draft202012Validator(load_schema())
    for row in rows:
        assert list(row) == list(PROFILE_KEYS)
        assert list(validator.iter_errors(row)) == []
    assert "Zürich Ästhetik" in lines[3]  # UTF-8, not \u escapes
    assert out.endswith(b"\n") and b"\r" not in out


def test_export_to_a_file(runner, db, tmp_path):
    save_profile(db, make_profile(), actor="test")
    target = tmp_path / "out.jsonl"
    result = runner.invoke(args=["export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Exported 1 clinics to {target}." in result.output
    assert json.loads(target.read_text("utf-8"))["id"] == "c-1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.jsonl"]  # no temp file


def test_export_to_a_missing_folder_fails_cleanly(runner, tmp_path):
    result = runner.invoke(args=["export", "--output", str(tmp_path / "no" / "out.jsonl")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_empty_directory_exports_nothing(runner):
    result = runner.invoke(args=["export"])
    assert result.exit_code == 0
    assert result.stdout_bytes == b""
    assert "Exported 0 clinics." in result.stderr


def test_round_trip_export_import_export_is_byte_identical(runner, db, tmp_path, write_file):
    for profile in _varied_profiles():
        save_profile(db, profile, actor="test")
    nhs = write_file(
        "nhs.csv",
        comma_bytes(
            [
                nhs_row("AB1", "Café Clinic\xa0One", Latitude="5.1E+1", Longitude="-1.2E-1"),
                nhs_row("AB2", "Second", Latitude="", Longitude="", City="", Address3="Headingley"),
            ]
        ),
    )
    assert runner.invoke(args=["import", "--format", "nhs-csv", str(nhs)]).exit_code == 0
    first = _export(runner)
    exported = write_file("first.jsonl", first)

    other = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "other"),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
        }
    )
    other_runner = other.test_cli_runner()
    result = other_runner.invoke(args=["import", "--strict", str(exported)])
    assert result.exit_code == 0, result.output
    assert "6 records: 6 created" in result.output
    assert _export(other_runner) == first
    # ... and importing the export back where it came from changes nothing.
    again = runner.invoke(args=["import", str(exported)])
    assert "0 created, 0 updated, 6 unchanged" in again.output, again.output
    idx = other.extensions.get("vetted.index")
    if idx is not None:
        idx.close()
