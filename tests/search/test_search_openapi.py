"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document that real responses conform to."""

from __future__ import annotations

import re

import openapi_spec_validator
import pytest
from jsonschema import Draft202012Validator

from directory.search.params import PARAMETERS
from directory.vocabulary import load_vocabulary


def get_checked(client, document: dict, url: str, path: str, status: int = 200):
    """GET url, expect status, and validate the body against the document's path."""
    response = client.get(url)
    assert response.status_code == status, response.data
    check(document, path, status, response.json)
    return response


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def check(document: dict, path: str, status: int, body) -> None:
    """Validate a response body against the schema the document gives for it."""
    operation = document["paths"][path]["get"]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "components": document["components"],
    }
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_openapi_document_is_valid_3_1(document):
    assert document["openapi"].startswith("3.1")
    openapi_spec_validator.validate(document)


def test_openapi_describes_every_api_route(app, document):
    routes = {
        re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    documented = set(document["paths"])
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    # Documented, not yet served: only what another domain is still building.
    assert documented - routes <= {"/api/v1/checklist", "/api/v1/self-check/clinics"}


def test_openapi_treatment_enum_is_the_vocabulary(document):
    params = {p["name"]: p for p in document["paths"]["/api/v1/clinics"]["get"]["parameters"]}
    treatment, empty = params["treatment"]["schema"]["items"]["anyOf"]  # or "", meaning any
    assert treatment["enum"] == sorted(load_vocabulary().treatments) and empty == {"const": ""}
    assert set(params) == set(PARAMETERS)  # every parameter the parser reads, no other


def test_the_schemas_can_fail(document):
    # A guard that the check above really checks: a wrong body must not pass.
    with pytest.raises(AssertionError):
        check(document, "/api/v1/clinics", 200, {"total": "many", "results": []})
    with pytest.raises(AssertionError):
        check(
            document,
            "/api/v1/clinics",
            200,
            {
                "total": 1,
                "page": 1,
                "per_page": 20,
                "facets": {},
                "suggestion": None,
                "links": {"next": None, "prev": None},
                "results": [{"id": "a", "name": "A", "surprise": True}],
            },
        )


@pytest.mark.parametrize(
    "query",
    [
        "",  # everything
        "?q=meso&country=GB&per_page=2",  # words, a filter, a next link
        "?near=London&sort=distance",  # distances
        "?near=25.2,55.3&radius_km=100&page=2&per_page=1",  # a prev link
        "?q=zzzzzz&treatment=pressotherapy",  # nothing found
    ],
)
def test_search_responses_match_the_document(client, document, clinics, query):
    get_checked(client, document, "/api/v1/clinics" + query, "/api/v1/clinics")


def test_error_responses_match_the_document(client, document, clinics):
    get_checked(client, document, "/api/v1/clinics?per_page=1000", "/api/v1/clinics", 400)
    get_checked(client, document, "/api/v1/clinics/nope", "/api/v1/clinics/{clinic_id}", 404)


def test_clinic_response_matches_the_document(client, db, document, clinics):
    from directory.vetting import storage

    storage.set_score(db, "gb-1", 70.0, True)
    for clinic_id in ("gb-1", "ae-2"):
        get_checked(client, document, f"/api/v1/clinics/{clinic_id}", "/api/v1/clinics/{clinic_id}")


def test_openapi_response_matches_the_document(document):
    check(document, "/api/v1/openapi.json", 200, document)


def test_checklist_response_matches_the_document(client, document):
    get_checked(client, document, "/api/v1/checklist", "/api/v1/checklist")


def test_self_check_response_matches_the_document(client, document, clinics):
    path = "/api/v1/self-check/clinics"
    get_checked(client, document, path + "?near=London", path)
    get_checked(client, document, path, path, 400)


def test_every_max_length_in_the_document_is_the_one_the_server_enforces(client, document):
    # Read from the same constants as the checks (#13): n + 1 characters are a 400 naming the
    # parameter; n characters are not refused for their length.
    def reason(response):
        return response.json["error"]["reason"] if response.status_code == 400 else ""

    for path, item in document["paths"].items():
        for param in item["get"].get("parameters", []):
            schema = param["schema"].get("items", param["schema"])
            if "maxLength" not in schema:
                continue
            name, limit = param["name"], schema["maxLength"]
            # Refused for its length (the message gives the limit), spaces counted too.
            for filler in ("n", " "):
                over = client.get(path, query_string={name: "London" + filler * (limit - 5)})
                assert name in reason(over) and str(limit) in reason(over), (path, name, filler)
            at_limit = client.get(path, query_string={name: "London" + "n" * (limit - 6)})
            assert reason(at_limit) != reason(over), (path, name)
