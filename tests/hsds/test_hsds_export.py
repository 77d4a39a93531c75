"""`vetted export --format hsds-json|hsds-datapackage`, validated the way Open Referral does."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from directory.clinics.services import save_profile
from directory.hsds import mapping
from directory.hsds.tables import RESOURCES
from tests.conftest import make_profile
from tests.hsds.conftest import check_jsonschema, frictionless, frictionless_errors


def export(runner, fmt: str, target: Path) -> Path:
    result = runner.invoke(args=["export", "--format", fmt, "--output", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_demo_package_passes_frictionless(runner, demo, tmp_path):
    package = export(runner, "hsds-datapackage", tmp_path / "pkg")
    assert sorted(p.name for p in package.iterdir()) == sorted(
        ["datapackage.json", *(r.path for r in RESOURCES)]
    )
    report = frictionless(package / "datapackage.json")
    assert frictionless_errors(report) == []
    assert report["valid"] is True
    assert report["stats"]["tasks"] == 21


def test_demo_json_passes_check_jsonschema(runner, demo, spec, tmp_path):
    folder = export(runner, "hsds-json", tmp_path / "json")
    organizations = sorted((folder / "organizations").glob("*.json"))
    services = sorted((folder / "services").glob("*.json"))
    assert (
        len(organizations)
        == demo.execute("select count(*) from clinics where status = 'published'").fetchone()[0]
    )
    assert len(services) > len(organizations)  # every demo clinic offers treatments
    for schema, files in (("organization.json", organizations), ("service.json", services)):
        done = check_jsonschema(spec / "schema" / "compiled" / schema, files)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "ok -- validation done" in done.stdout


def test_check_jsonschema_can_fail(spec, tmp_path):
    # A guard: the validator must reject a document that breaks the compiled schema.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "not-a-uuid", "name": "X", "status": "open"}))
    done = check_jsonschema(spec / "schema" / "compiled" / "service.json", [bad])
    assert done.returncode != 0


@pytest.mark.slow
def test_nhs_import_exports_valid_hsds(runner, spec, shared_data, tmp_path):
    # The first 600 rows of the real NHS 2023 list, read from ../shared/data (not copied).
    source = shared_data / "nhs-clinics" / "nhs_Clinics_2023_raw_notsign_delimited.csv"
    sample = tmp_path / "nhs.csv"
    with source.open("rb") as f:
        sample.write_bytes(b"".join(f.readline() for _ in range(601)))
    assert runner.invoke(args=["import", "--format", "nhs-csv", str(sample)]).exit_code == 0
    package = export(runner, "hsds-datapackage", tmp_path / "pkg")
    report = frictionless(package / "datapackage.json")
    assert frictionless_errors(report) == []
    with (package / "organizations.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) > 500
    folder = export(runner, "hsds-json", tmp_path / "json")
    organizations = sorted((folder / "organizations").glob("*.json"))
    done = check_jsonschema(spec / "schema" / "compiled" / "organization.json", organizations)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ids_are_stable_uuid5_of_our_ids(runner, db, tmp_path):
    save_profile(db, make_profile("c-1"), actor="test")
    first = export(runner, "hsds-json", tmp_path / "a")
    second = export(runner, "hsds-json", tmp_path / "b")
    org = mapping.organization_id("c-1")
    a = (first / "organizations" / f"{org}.json").read_text()
    assert a == (second / "organizations" / f"{org}.json").read_text()
    document = json.loads(a)
    assert document["organization_identifiers"][0] == {
        "id": mapping.hsds_id("identifier", "c-1", "clinic_id"),
        "organization_id": org,
        "identifier_scheme": "vetted",
        "identifier_type": "clinic_id",
        "identifier": "c-1",
    }
    assert {s["id"] for s in document["services"]} == {
        mapping.service_id("c-1", "mesotherapy-face"),
        mapping.service_id("c-1", "microneedling"),
    }


def test_mapping_of_one_clinic(runner, db, tmp_path):
    save_profile(db, make_profile("c-1"), actor="test")
    folder = export(runner, "hsds-json", tmp_path / "json")
    org = json.loads(
        (folder / "organizations" / f"{mapping.organization_id('c-1')}.json").read_text()
    )
    assert (org["name"], org["email"]) == ("Harley Skin Clinic", "hello@harley.example")
    (location,) = org["locations"]
    assert (location["latitude"], location["longitude"]) == (51.5203, -0.1466)
    assert location["addresses"][0] == {
        "id": mapping.hsds_id("address", "c-1"),
        "location_id": location["id"],
        "address_1": "10 Harley Street",
        "city": "London",
        "state_province": "London",
        "postal_code": "W1G 9PF",
        "country": "GB",
        "address_type": "physical",
    }
    assert [lang["code"] for lang in location["languages"]] == ["ar", "en"]
    assert location["schedules"][0]["description"] == "Mon-Fri 9:00-18:00"
    (person,) = org["contacts"]
    assert (person["name"], person["title"]) == ("Dr Amira Haddad", "dermatologist")
    licence = {
        a["taxonomy_term"]["code"]: a.get("value")
        for a in person["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "vetted-practitioner"
    }
    assert licence == {
        "practitioner": "dermatologist",
        "licence-number": "GMC 7654321",
        "licence-authority": "General Medical Council",
        "licence-expiry": "2027-06-30",
        "prescriber": "true",
    }
    face = next(s for s in org["services"] if s["name"] == "Face mesotherapy")
    assert [(c["option"], c["amount"], c["currency"]) for c in face["cost_options"]] == [
        ("from", 150.0, "GBP"),
        ("up to", 250.0, "GBP"),
    ]
    assert face["status"] == "active"


def test_address_without_postcode_keeps_its_country(runner, db, tmp_path):
    dubai = {"lines": ["Jumeirah Road"], "city": "Dubai", "region": None, "postcode": None}
    save_profile(db, make_profile("ae-1", address={**dubai, "country": "AE"}), actor="test")
    folder = export(runner, "hsds-json", tmp_path / "json")
    org = json.loads(
        (folder / "organizations" / f"{mapping.organization_id('ae-1')}.json").read_text()
    )
    (location,) = org["locations"]
    assert "addresses" not in location  # HSDS requires a postal code; none is invented
    assert location["description"] == "Jumeirah Road, Dubai, United Arab Emirates"
    country = [a for a in location["attributes"] if a["taxonomy_term"]["taxonomy"] == "iso-3166-1"]
    assert [a["taxonomy_term"]["code"] for a in country] == ["AE"]


def test_vetting_is_published_with_roles_never_names(runner, demo, tmp_path):
    names = {
        row[0]
        for row in demo.execute(
            "select distinct verified_by_name from claims where verified_by_name is not null"
        )
    }
    assert names, "the demo has verified claims"
    folder = export(runner, "hsds-datapackage", tmp_path / "pkg")
    attributes = (folder / "attributes.csv").read_text("utf-8")
    for name in names:
        assert name not in attributes
    with (folder / "attributes.csv").open(encoding="utf-8") as f:
        vetting = [r for r in csv.DictReader(f) if r["link_entity"] == "organization"]
    states = {r["taxonomy_term_id"] for r in vetting if r["link_type"]}
    verified = mapping.hsds_id("term", "vetted-vetting", "verified")
    assert verified in states
    sample = next(r for r in vetting if r["taxonomy_term_id"] == verified)
    assert "verified_by_role=moderator" in sample["value"]
    assert "verified_at=" in sample["value"] and "expires_at=" in sample["value"]
    with (folder / "taxonomy_terms.csv").open(encoding="utf-8") as f:
        codes = {(r["taxonomy"], r["code"]) for r in csv.DictReader(f)}
    assert {("vetted-vetting", "verified"), ("vetted-vetting", "score")} <= codes


def test_unpublished_clinics_are_not_exported(runner, db, tmp_path):
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("c-2", status="suspended"), actor="test")
    folder = export(runner, "hsds-json", tmp_path / "json")
    assert [p.stem for p in (folder / "organizations").iterdir()] == [
        mapping.organization_id("c-1")
    ]


@pytest.mark.parametrize("fmt", ["hsds-json", "hsds-datapackage"])
def test_export_needs_an_empty_or_new_folder(runner, db, tmp_path, fmt):
    missing = runner.invoke(args=["export", "--format", fmt])
    assert missing.exit_code != 0
    assert "--output DIR" in missing.output
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    refused = runner.invoke(args=["export", "--format", fmt, "--output", str(full)])
    assert refused.exit_code != 0
    assert "not an empty folder" in refused.output
    assert sorted(p.name for p in full.iterdir()) == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".full.")]  # no temp left
