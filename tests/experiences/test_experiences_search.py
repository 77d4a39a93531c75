"""Search filters and sorts by verified experiences; the API and the HSDS export carry the
aggregates, and never a person's data."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from directory.clinics.services import save_profile
from directory.hsds import mapping
from directory.search.extension import open_search_index
from directory.search.services import check_index, drain_outbox
from directory.vocabulary import load_vocabulary
from index.documents import to_document
from tests.conftest import make_profile
from tests.experiences.helpers import answers, published
from tests.soup import parse_html, text_of


@pytest.fixture
def indexed(app, db, clinic):
    """c-1 with six experiences, c-2 with one, c-3 with none; all applied to the index."""
    save_profile(db, make_profile("c-3", name="Third Clinic"), actor="test")
    for n in range(6):
        published(app, db, email=f"p{n}@example.org", body=f"Secret detail {n}", rating=4)
    published(app, db, "c-2", email="q@example.org")
    search_index = open_search_index(app)
    drain_outbox(db, search_index)
    return search_index


def ids(response) -> list[str]:
    assert response.status_code == 200, response.data
    return [r["id"] for r in response.json["results"]]


def test_the_document_carries_the_count_and_the_flag():
    doc = to_document({"id": "c", "name": "C", "experience_count": 3})
    assert (doc["experiences"], doc["with_experiences"]) == (3.0, True)
    doc = to_document({"id": "c", "name": "C"})
    assert (doc["experiences"], doc["with_experiences"]) == (0.0, False)


def test_search_filters_and_sorts_by_verified_experiences(client, indexed):
    assert sorted(ids(client.get("/api/v1/clinics?with_experiences=true"))) == ["c-1", "c-2"]
    assert ids(client.get("/api/v1/clinics?sort=experiences")) == ["c-1", "c-2", "c-3"]
    results = client.get("/api/v1/clinics?sort=experiences").json["results"]
    assert [r["experiences"] for r in results] == [
        {"count": 6, "rating": 4.0},
        {"count": 1, "rating": None},  # too few for a mean
        {"count": 0, "rating": None},
    ]
    # The page offers both, and says how many each clinic has.
    tree = parse_html(client.get("/search?with_experiences=true&sort=experiences").data)
    assert tree.find("input", attrs={"name": "with_experiences"}).has_attr("checked")
    assert tree.find("option", value="experiences").has_attr("selected")
    first = tree.select_one("li.result")
    assert text_of(first.find("p", class_="experiences-line")) == "6 verified patient experiences"


@pytest.mark.parametrize("value", ["maybe", "<script>", "2"])
def test_a_bad_filter_value_is_a_json_400(client, indexed, value):
    response = client.get(f"/api/v1/clinics?with_experiences={value}")
    assert response.status_code == 400
    assert response.json["error"]["reason"] == "with_experiences must be true or false."


def test_a_published_experience_moves_the_documents_version(app, db, indexed):
    assert check_index(db, indexed).clean
    published(app, db, email="late@example.org")  # published, not yet applied
    assert check_index(db, indexed).stale == ["c-1"]
    drain_outbox(db, indexed)
    assert check_index(db, indexed).clean


def test_the_api_carries_aggregates_and_no_personal_data(client, indexed):
    body = client.get("/api/v1/clinics/c-1").json
    experiences = body["experiences"]
    assert experiences["count"] == 6
    assert experiences["rating"] == {
        "mean": 4.0,
        "spread": {"1": 0, "2": 0, "3": 0, "4": 6, "5": 0},
    }
    allergies = next(q for q in experiences["questions"] if q["key"] == "allergies")
    assert allergies | {"summary": None} == {
        "key": "allergies",
        "item": "consultation-allergy-test",
        "answered": 6,
        "yes": 6,
        "share": 1.0,
        "percent": 100,
        "summary": None,
    }
    text = json.dumps(body)
    assert "example.org" not in text and "Secret detail" not in text
    # Below the threshold, no share and no yes count either.
    few = client.get("/api/v1/clinics/c-2").json["experiences"]
    assert {(q["share"], q["yes"]) for q in few["questions"]} == {(None, None)}
    assert few["rating"] == {"mean": None, "spread": None}


def test_the_openapi_document_describes_them(client, indexed):
    document = client.get("/api/v1/openapi.json").json
    names = [p["name"] for p in document["paths"]["/api/v1/clinics"]["get"]["parameters"]]
    assert "with_experiences" in names
    sort = next(
        p for p in document["paths"]["/api/v1/clinics"]["get"]["parameters"] if p["name"] == "sort"
    )
    # Empty values are stated too (#13): the choices are the alternative with an enum.
    (choices,) = [alt["enum"] for alt in sort["schema"]["anyOf"] if "enum" in alt]
    assert "experiences" in choices
    for url, path in (
        ("/api/v1/clinics?sort=experiences", "/api/v1/clinics"),
        ("/api/v1/clinics/c-1", "/api/v1/clinics/{clinic_id}"),
        ("/api/v1/clinics/c-2", "/api/v1/clinics/{clinic_id}"),
    ):
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]
        root = {**schema["application/json"]["schema"], "components": document["components"]}
        errors = list(Draft202012Validator(root).iter_errors(client.get(url).json))
        assert errors == [], [e.message for e in errors]


def test_the_hsds_export_carries_the_aggregates_as_attributes(app, db, client, indexed):
    # A verified item contradicted by patients is published as a re-check too.
    db["experience_flags"].insert(
        {"clinic_id": "c-1", "item_key": "informed-consent", "question": "risks-in-writing"}
        | {"yes": 1, "answered": 10, "state": "open"}
    )
    org = mapping.organization_id("c-1")
    body = client.get(f"/api/hsds/organizations/{org}").json
    attributes = {
        (a["taxonomy_term"]["code"], a.get("link_type")): a["value"]
        for a in body["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "vetted-experiences"
    }
    assert attributes[("count", None)] == "6"
    assert attributes[("rating", None)] == "4.0"
    assert attributes[("share-yes", "allergies")] == "percent=100;answered=6"
    assert attributes[("recheck", "informed-consent")] == "true"
    assert "example.org" not in json.dumps(body) and "Secret detail" not in json.dumps(body)
    # Below the threshold there is a count and nothing else.
    few = client.get(f"/api/hsds/organizations/{mapping.organization_id('c-2')}").json
    codes = {
        a["taxonomy_term"]["code"]
        for a in few["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "vetted-experiences"
    }
    assert codes == {"count"}


def test_the_hsds_mapping_adds_nothing_without_experiences():
    rows = mapping.clinic_rows(
        make_profile("c-9"),
        vocabulary=load_vocabulary(),
        experiences={"count": 0, "rating": {"mean": None}, "questions": [], "rechecks": []},
    )
    assert not any(t == "vetted-experiences" for t, _code in rows.terms)


def test_answers_feed_the_shares_the_api_gives(app, db, client, clinic):
    for n in range(5):
        published(
            app, db, email=f"p{n}@example.org", answers=answers(assessed="no" if n else "yes")
        )
    questions = client.get("/api/v1/clinics/c-1").json["experiences"]["questions"]
    assessed = next(q for q in questions if q["key"] == "assessed")
    assert (assessed["yes"], assessed["answered"], assessed["percent"]) == (1, 5, 20)
