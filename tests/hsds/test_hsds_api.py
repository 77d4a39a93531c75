"""/api/hsds/*: real responses checked against Open Referral's compiled schemas and OpenAPI."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from directory import events
from directory.clinics.services import save_profile, set_status
from directory.hsds import mapping
from tests.conftest import make_profile


@functools.cache
def _validator(path: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads(path.read_text("utf-8")), format_checker=FormatChecker())


def check(schema: Path, body) -> None:
    errors = sorted(_validator(schema).iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def check_page(spec: Path, item_schema: str, body: dict) -> None:
    openapi = json.loads((spec / "schema" / "openapi.json").read_text("utf-8"))
    page = openapi["components"]["schemas"]["Page"]
    assert Draft202012Validator(page).is_valid(body)
    assert set(body) == {*page["properties"], "contents"}
    for item in body["contents"]:
        check(spec / "schema" / "compiled" / item_schema, item)


@pytest.fixture
def clinics(db):
    for n in range(1, 6):
        save_profile(db, make_profile(f"c-{n}", name=f"Clinic {n}"), actor="test")
    save_profile(db, make_profile("c-9", status="unpublished"), actor="test")
    return db


def test_list_endpoints_match_the_compiled_schemas(client, clinics, spec):
    for path, schema in (
        ("/api/hsds/services?per_page=3", "service_list.json"),
        ("/api/hsds/services?full=true", "service.json"),
        ("/api/hsds/organizations", "organization_list.json"),
        ("/api/hsds/service_at_locations?page=2&per_page=4", "service_at_location_list.json"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        check_page(spec, schema, response.json)
        assert response.json["contents"], path


def test_documents_match_the_compiled_schemas(client, clinics, spec):
    org = mapping.organization_id("c-1")
    body = client.get(f"/api/hsds/organizations/{org}").json
    check(spec / "schema" / "compiled" / "organization.json", body)
    assert body["id"] == org and len(body["services"]) == 2
    service = mapping.service_id("c-1", "microneedling")
    body = client.get(f"/api/hsds/services/{service}").json
    check(spec / "schema" / "compiled" / "service.json", body)
    assert body["organization"]["id"] == org
    assert body["service_at_locations"][0]["location"]["addresses"][0]["city"] == "London"


def test_the_compiled_schema_check_can_fail(spec):
    with pytest.raises(AssertionError):
        check(spec / "schema" / "compiled" / "service.json", {"id": "x", "name": "A"})


def test_paging(client, clinics):
    first = client.get("/api/hsds/services?per_page=4").json
    assert (first["total_items"], first["total_pages"], first["size"]) == (10, 3, 4)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    last = client.get("/api/hsds/services?per_page=4&page=3").json
    assert (last["size"], last["last_page"]) == (2, True)
    beyond = client.get("/api/hsds/services?per_page=4&page=4").json
    assert (beyond["size"], beyond["empty"]) == (0, True)
    ids = [
        s["id"]
        for p in (1, 2, 3)
        for s in client.get(f"/api/hsds/services?per_page=4&page={p}").json["contents"]
    ]
    assert len(set(ids)) == 10  # no service twice, none missing
    orgs = client.get("/api/hsds/organizations").json
    assert orgs["total_items"] == 5  # the unpublished clinic is not there


def test_modified_after_returns_what_changed(client, db, monkeypatch):
    monkeypatch.setattr(events, "utcnow", lambda: "2026-01-01T00:00:00+00:00")
    for n in range(1, 6):
        save_profile(db, make_profile(f"c-{n}", name=f"Clinic {n}"), actor="test")
    monkeypatch.setattr(events, "utcnow", lambda: "2026-07-01T10:00:00+00:00")
    save_profile(db, make_profile("c-2", name="Clinic Two, renamed"), actor="test")
    changed = client.get("/api/hsds/organizations?modified_after=2026-06-01T00:00:00Z").json
    assert [o["name"] for o in changed["contents"]] == ["Clinic Two, renamed"]
    services = client.get("/api/hsds/services?modified_after=2026-06-01").json
    assert services["total_items"] == 2
    everything = client.get("/api/hsds/organizations?modified_after=2025-12-31").json
    assert everything["total_items"] == 5


def test_organization_filter(client, clinics):
    org = mapping.organization_id("c-3")
    body = client.get(f"/api/hsds/services?organization_id={org}").json
    assert {s["organization_id"] for s in body["contents"]} == {org}
    assert body["total_items"] == 2


def test_unpublished_and_unknown_ids_are_404(client, clinics):
    set_status(clinics, "c-1", "suspended", actor="test")
    for path in (
        f"/api/hsds/organizations/{mapping.organization_id('c-1')}",
        f"/api/hsds/services/{mapping.service_id('c-1', 'microneedling')}",
        "/api/hsds/services/not-a-uuid",
        "/api/hsds/organizations/00000000-0000-4000-8000-000000000000",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json["error"]["reason"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("page=0", "page must be a whole number from 1 to 10000."),
        ("per_page=1000", "per_page must be a whole number from 1 to 100."),
        ("modified_after=yesterday", "modified_after must be an ISO 8601 date or time"),
        # a real date that leaves the calendar once moved to UTC
        ("modified_after=0001-01-01T00:00:00%2B05:00", "modified_after must be an ISO 8601"),
        ("full=maybe", "full must be true or false."),
        ("organization_id=abc", "organization_id must be a UUID."),
        ("search=botox", "search is not supported by this API."),
    ],
)
def test_bad_parameters_are_json_errors(client, clinics, query, reason):
    response = client.get(f"/api/hsds/services?{query}")
    assert response.status_code == 400
    assert response.json["error"]["reason"].startswith(reason)


def test_about(client):
    body = client.get("/api/hsds/").json
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/schema/openapi.json")
