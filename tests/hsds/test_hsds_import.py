"""`vetted import --format hsds-json|hsds-datapackage`: examples, round trips, bad input."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from directory import create_app
from directory.clinics.services import save_profile
from directory.hsds import mapping
from tests.conftest import make_profile
from tests.hsds.conftest import frictionless, frictionless_errors

EXAMPLE_ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"


def counts(db) -> tuple[int, int]:
    return (
        db.execute("select count(*) from clinics").fetchone()[0],
        db.execute("select count(*) from events").fetchone()[0],
    )


def run_import(runner, fmt: str, path: Path, *extra: str):
    return runner.invoke(args=["import", "--format", fmt, str(path), "--verbose", *extra])


# -- the official examples -----------------------------------------------------------------------


def test_official_csv_examples_report_their_faults(runner, db, spec):
    package = spec / "examples" / "csv"
    result = run_import(runner, "hsds-datapackage", package)
    assert result.exit_code != 0
    assert "every organization was rejected; nothing imported" in result.output
    faults = [line for line in result.output.splitlines() if "broken reference" in line]
    assert len(faults) == 4
    for file, row, field in (
        ("locations.csv", 2, "organization_id"),
        ("contacts.csv", 2, "organization_id"),
        ("contacts.csv", 2, "service_at_location_id"),
        ("taxonomy_terms.csv", 2, "taxonomy_id"),
    ):
        assert any(f"{file} row {row}: " in f and f": {field}: " in f for f in faults), field
    assert (
        "warning: locations.csv row 2: location 3a19ff88-4620-4d17-9830-ac1d859eb5d5: latitude: "
        "100 is out of range (-90 to 90)" in result.output
    )
    assert counts(db) == (0, 0)


def test_our_faults_are_the_ones_frictionless_finds(runner, spec):
    package = spec / "examples" / "csv"
    upstream = {
        (table, row)
        for table, row, kind in frictionless_errors(frictionless(package / "datapackage.json"))
        if kind == "foreign-key"
    }
    result = run_import(runner, "hsds-datapackage", package)
    ours = {
        (line.split(": ")[2].split()[0], int(line.split(" row ")[1].split(":")[0]))
        for line in result.output.splitlines()
        if "broken reference" in line
    }
    assert ours == upstream == {("location", 2), ("contact", 2), ("taxonomy_term", 2)}


@pytest.mark.parametrize(
    "name", ["organization_full.json", "service_full.json", "service_at_location_full.json"]
)
def test_official_json_examples_import(runner, db, spec, name):
    result = run_import(runner, "hsds-json", spec / "examples" / name)
    assert result.exit_code == 0, result.output
    assert "1 organizations: 1 created" in result.output
    assert "latitude: 100 is out of range (-90 to 90); the map pin is left out" in result.output
    assert "'Community Counselling' is not a treatment of the Vetted vocabulary" in result.output
    row = db.execute(
        "select name, country, postcode, city, lat, phone, email from clinics where id = ?",
        [f"hsds-{EXAMPLE_ORG}"],
    ).fetchone()
    assert row == (
        "Example Organization Inc.",
        "US",
        "ABC 1234",
        "MyCity",
        None,
        '"+44 1234 234567"',
        "email@example.com",
    )


def test_the_examples_folder_contradicts_itself(runner, db, spec):
    # location.json, tabular.json and the full documents disagree about one location.
    result = run_import(runner, "hsds-json", spec / "examples")
    assert result.exit_code != 0
    assert "external_identifier: '10092008082' here, '///cheer.parent.mole' at location.json" in (
        result.output
    )
    assert "tabular.json /locations.csv/0: location" in result.output
    assert counts(db) == (0, 0)


# -- round trips -----------------------------------------------------------------------------------


def _documents(folder: Path, *, strip_vetting: bool) -> dict[str, dict]:
    def strip(value):
        if isinstance(value, dict):
            term = value.get("taxonomy_term") or {}
            if strip_vetting and term.get("taxonomy") == "vetted-vetting":
                return None
            return {k: strip(v) for k, v in value.items() if k != "last_modified"}
        if isinstance(value, list):
            return [v for v in map(strip, value) if v is not None]
        return value

    return {
        str(p.relative_to(folder)): strip(json.loads(p.read_text("utf-8")))
        for p in sorted(folder.rglob("*.json"))
    }


@pytest.fixture
def empty_store(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "other"), "SECRET_KEY": "x"})
    yield app
    index = app.extensions.get("vetted.index")
    if index is not None:
        index.close()


@pytest.mark.parametrize("fmt", ["hsds-json", "hsds-datapackage"])
def test_round_trip_gives_the_same_document(runner, demo, empty_store, tmp_path, fmt):
    first = tmp_path / "first"
    assert runner.invoke(args=["export", "--format", fmt, "-o", str(first)]).exit_code == 0
    other = empty_store.test_cli_runner()
    result = other.invoke(args=["import", "--format", fmt, str(first)])
    assert result.exit_code == 0, result.output
    second, again = tmp_path / "second", tmp_path / "again"
    assert other.invoke(args=["export", "--format", "hsds-json", "-o", str(second)]).exit_code == 0
    assert runner.invoke(args=["export", "--format", "hsds-json", "-o", str(again)]).exit_code == 0
    # Vetting is ours to decide, never imported: everything else comes back the same.
    before = _documents(again, strip_vetting=True)
    assert before == _documents(second, strip_vetting=True)
    assert len(before) > 40
    reimport = other.invoke(args=["import", "--format", fmt, str(first)])
    assert "0 created, 0 updated" in reimport.output


def test_round_trip_of_a_clinic_without_vetting_is_exact(runner, db, empty_store, tmp_path):
    dubai = {"lines": ["Jumeirah Road"], "city": "Dubai", "region": None, "postcode": None}
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("ae-1", address={**dubai, "country": "AE"}), actor="test")
    first = tmp_path / "first"
    runner.invoke(args=["export", "--format", "hsds-json", "-o", str(first)])
    other = empty_store.test_cli_runner()
    assert other.invoke(args=["import", "--format", "hsds-json", str(first)]).exit_code == 0
    second = tmp_path / "second"
    other.invoke(args=["export", "--format", "hsds-json", "-o", str(second)])
    assert _documents(first, strip_vetting=False) == _documents(second, strip_vetting=False)


# -- bad input -----------------------------------------------------------------------------------


@pytest.fixture
def package(runner, db, tmp_path) -> Path:
    """Our own export of two clinics, as a tabular package to damage."""
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("c-2", name="Second Street Skin"), actor="test")
    target = tmp_path / "pkg"
    assert (
        runner.invoke(args=["export", "--format", "hsds-datapackage", "-o", str(target)]).exit_code
        == 0
    )
    return target


@pytest.fixture
def store(empty_store):
    from directory.db import connect

    handle = connect(empty_store.config["DATABASE"])
    yield handle
    handle.close()


def edit_csv(path: Path, row_id: str, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["id"] == row_id:
            row[column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


C1 = mapping.organization_id("c-1")
C1_LOCATION = mapping.hsds_id("location", "c-1")
C1_SERVICE = mapping.service_id("c-1", "microneedling")


@pytest.mark.parametrize(
    ("file", "row_id", "column", "value", "reason"),
    [
        # a word where a number belongs
        ("locations.csv", C1_LOCATION, "latitude", "north", "latitude: 'north' is not a number"),
        # an enum value HSDS does not define
        ("services.csv", C1_SERVICE, "status", "open", "status: 'open' is not one of: active"),
        # a link to a record that is not there
        (
            "service_at_location.csv",
            mapping.hsds_id("service_at_location", "c-1", "microneedling"),
            "location_id",
            "00000000-0000-4000-8000-000000000000",
            "location_id: '00000000-0000-4000-8000-000000000000' is not the id of any location",
        ),
        # a 10 MB field
        ("organizations.csv", C1, "description", "x" * 10_000_000, "description: is too long"),
        # a required field left empty
        ("organizations.csv", C1, "name", "", "name: is required"),
        # an id that is not a UUID
        ("phones.csv", mapping.hsds_id("phone", "c-1"), "id", "phone-1", "'phone-1' is not a UUID"),
    ],
)
def test_a_fault_rejects_its_organization_only(
    empty_store, store, package, file, row_id, column, value, reason
):
    edit_csv(package / file, row_id, column, value)
    result = run_import(empty_store.test_cli_runner(), "hsds-datapackage", package)
    assert result.exit_code == 0, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors and all(f"(organization {C1} rejected)" in e for e in errors)
    assert any(f"error: {file} row " in e and reason in e for e in errors), errors
    assert "2 organizations: 1 created, 0 updated, 0 unchanged, 1 rejected" in result.output
    ids = [r[0] for r in store.execute("select id from clinics")]
    assert ids == ["c-2"]  # nothing of c-1, not even its treatments or events
    assert (
        store.execute("select count(*) from events where target_id like 'c-1%'").fetchone()[0] == 0
    )


def test_invalid_utf8_names_file_and_line_and_imports_nothing(empty_store, store, package):
    path = package / "contacts.csv"
    path.write_bytes(path.read_bytes().replace(b"Amira", b"Am\xffira", 1))
    result = run_import(empty_store.test_cli_runner(), "hsds-datapackage", package)
    assert result.exit_code != 0
    assert "contacts.csv: is not UTF-8 text (byte 0xff on line 2, column" in result.output
    assert "nothing imported" in result.output
    assert counts(store) == (0, 0)


def test_malformed_json_documents(empty_store, store, runner, db, tmp_path):
    save_profile(db, make_profile("c-1"), actor="test")
    folder = tmp_path / "json"
    runner.invoke(args=["export", "--format", "hsds-json", "-o", str(folder)])
    document = folder / "organizations" / f"{C1}.json"
    data = json.loads(document.read_text())
    data["name"] = 5  # wrong type
    data["locations"][0]["location_type"] = "spaceship"  # unknown enum
    data["contacts"] = "nobody"  # an object where an array belongs
    document.write_text(json.dumps(data))
    shutil.rmtree(folder / "services")
    result = run_import(empty_store.test_cli_runner(), "hsds-json", folder)
    assert result.exit_code != 0
    name = f"organizations/{C1}.json"
    assert f"error: {name} /: organization {C1}: name: must be a string, not 5" in result.output
    assert f"{name} /locations/0: location" in result.output
    assert "location_type: 'spaceship' is not one of: physical, postal, virtual" in result.output
    assert "contacts: must be an array, not a string" in result.output
    document.write_text('{"id": "x", "name": ')
    broken = run_import(empty_store.test_cli_runner(), "hsds-json", folder)
    assert broken.exit_code != 0
    assert f"{C1}.json: is not valid JSON: Expecting value (line 1, column 21)" in broken.output
    assert counts(store) == (0, 0)


def test_package_that_points_outside_its_folder(empty_store, package, tmp_path):
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "../../etc/passwd"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    result = run_import(empty_store.test_cli_runner(), "hsds-datapackage", package)
    assert result.exit_code != 0
    assert "resource 'organization' points outside the package" in result.output


def test_dry_run_and_strict_write_nothing(empty_store, store, package):
    other = empty_store.test_cli_runner()
    dry = run_import(other, "hsds-datapackage", package, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Dry run (nothing written)" in dry.output and "2 created" in dry.output
    assert counts(store) == (0, 0)
    edit_csv(package / "organizations.csv", C1, "name", "")
    strict = run_import(other, "hsds-datapackage", package, "--strict")
    assert strict.exit_code != 0
    assert "nothing imported (--strict)" in strict.output
    assert counts(store) == (0, 0)
