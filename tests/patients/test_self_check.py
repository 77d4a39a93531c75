"""The private self-check: answers stay in the browser; only a place reaches the server."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.patients.guide import SCREENING_ITEM, SELF_CHECK_ANSWERS
from tests.patients.helpers import save, verify_item
from tests.soup import parse_html, text_of


def page(client, **query):
    response = client.get("/self-check", query_string=query)
    assert response.status_code == 200
    return parse_html(response.data)


def test_answer_inputs_cannot_be_submitted(client):
    tree = page(client)
    form = tree.find("form", id="self-check-form")
    # A form without action or method, and answers without names: nothing to submit.
    assert "action" not in form.attrs and "method" not in form.attrs
    answers = form.find_all("input")
    assert [i["data-answer"] for i in answers] == list(SELF_CHECK_ANSWERS)
    assert all("name" not in i.attrs for i in answers)
    assert all(i["type"] == "checkbox" for i in answers)
    # Every answer has a visible label.
    labels = {label["for"] for label in form.find_all("label")}
    assert labels == {i["id"] for i in answers}


def test_every_answer_has_its_guidance_and_links_to_the_guide(client):
    tree = page(client)
    blocks = {b["data-guidance"]: b for b in tree.find_all(attrs={"data-guidance": True})}
    assert set(blocks) == {*SELF_CHECK_ANSWERS, "none"}
    assert "Not recommended" in text_of(blocks["pregnancy"])
    for key in ("bleeding", "conditions"):
        assert "Talk to your doctor first" in text_of(blocks[key])
    assert "healed" in text_of(blocks["skin"])
    assert "allergy test" in text_of(blocks["allergies"])
    for key in SELF_CHECK_ANSWERS:
        hrefs = [a["href"] for a in blocks[key].find_all("a")]
        assert any(h.startswith("/guide/who-should-not#") for h in hrefs), key


def test_without_javascript_all_guidance_is_shown_and_explained(client):
    tree = page(client)
    noscript = tree.find("noscript")
    assert noscript is not None and "what each answer means" in text_of(noscript)
    # No block starts hidden: the script hides what does not apply.
    assert all("hidden" not in b.attrs for b in tree.find_all(attrs={"data-guidance": True}))


def test_the_place_form_is_separate_and_carries_only_the_place(client):
    tree = page(client)
    near_form = tree.find("form", id="near-form")
    assert near_form["method"] == "get"
    assert [i.get("name") for i in near_form.find_all("input")] == ["near"]
    assert near_form["data-api"] == "/api/v1/self-check/clinics"
    assert tree.find("a", attrs={"href": f"/methodology#item-{SCREENING_ITEM}"}) is not None


@pytest.fixture
def screened(db, stub_index):
    """Three London clinics; only c-near and c-far have verified contraindication screening."""
    save(db, "c-far", name="Far Clinic", location={"lat": 51.60, "lon": -0.30})
    save(db, "c-near", name="Near Clinic", location={"lat": 51.5205, "lon": -0.1468})
    save(db, "c-plain", name="Plain Clinic")
    save(db, "c-hidden", name="Hidden Clinic", status="unpublished")
    for clinic_id in ("c-far", "c-near", "c-hidden"):
        verify_item(db, clinic_id, SCREENING_ITEM)
    # The index proposes every clinic; the store must keep only the verified, published ones.
    stub_index.ids = ["c-plain", "c-far", "c-hidden", "c-near", "gone"]
    return stub_index


def test_api_lists_published_clinics_with_verified_screening_nearest_first(client, screened):
    response = client.get("/api/v1/self-check/clinics?near=51.52,-0.15")
    assert response.status_code == 200
    body = response.json
    assert body["available"] is True and body["item"] == SCREENING_ITEM
    assert [r["id"] for r in body["results"]] == ["c-near", "c-far"]
    assert body["results"][0]["url"] == "/clinics/c-near"
    assert body["results"][0]["distance_km"] < body["results"][1]["distance_km"]
    (request,) = screened.requests
    assert request.verified == (SCREENING_ITEM,) and request.near == (51.52, -0.15)
    assert request.sort == "distance"


def test_api_resolves_a_city_name(client, screened):
    response = client.get("/api/v1/self-check/clinics?near=London")
    assert response.status_code == 200
    assert {r["id"] for r in response.json["results"]} == {"c-near", "c-far"}


def test_page_lists_the_clinics_without_javascript(client, screened):
    tree = page(client, near="London")
    assert tree.find("input", id="sc-near")["value"] == "London"
    names = [text_of(a) for a in tree.find("ol", class_="nearby-list").find_all("a")]
    assert names == ["Near Clinic", "Far Clinic"]


def test_page_says_when_none_is_verified(client, db, stub_index):
    save(db, "c-plain", name="Plain Clinic")
    stub_index.ids = ["c-plain"]
    tree = page(client, near="London")
    assert "No clinic near there has verified screening yet" in text_of(
        tree.find("div", id="nearby-results")
    )


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "near is required"),  # nothing asked
        ("near=", "near is required"),  # blank place
        ("near=91,0", "near: Latitude"),  # impossible coordinates
        ("near=Qwxzyville", "near: we could not find Qwxzyville"),  # no clinic lists this place
        ("near=London&pregnancy=1", "Only the near parameter"),  # answers are refused outright
    ],
)
def test_api_rejects_bad_requests_with_json(client, db, stub_index, query, reason):
    save(db, "c-1")
    response = client.get(f"/api/v1/self-check/clinics?{query}")
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400
    assert response.json["error"]["reason"].startswith(reason)


def test_page_keeps_a_bad_place_and_explains_beside_the_field(client, db, stub_index):
    tree = page(client, near="91,0")
    field = tree.find("input", id="sc-near")
    assert field["value"] == "91,0" and field["aria-invalid"] == "true"
    error = tree.find("p", id="sc-near-error")
    assert "hidden" not in error.attrs and "Latitude" in text_of(error)


def test_the_script_never_sends_answers(client):
    with client.get("/static/patients/self-check.js") as response:
        script = response.get_data(as_text=True)
    # The only request the script makes is built from the place alone.
    assert script.count("fetch(") == 1
    assert "URLSearchParams({ near: place })" in script
    for word in ("localStorage", "sessionStorage", "document.cookie", "sendBeacon", "XMLHttp"):
        assert word not in script


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(near=st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_place_gives_json_never_a_server_error(client, stub_index, near):
    response = client.get("/api/v1/self-check/clinics", query_string={"near": near})
    assert response.status_code in (200, 400)
    assert response.is_json
    page_response = client.get("/self-check", query_string={"near": near})
    assert page_response.status_code == 200
