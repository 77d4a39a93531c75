"""GET /api/v1/clinics and /api/v1/clinics/<id>: shape, paging links, errors, visibility."""

from __future__ import annotations

from collections import Counter

import pytest

from directory.clinics import storage as clinic_storage
from directory.clinics.services import set_status
from directory.vetting import storage as vetting_storage
from index.documents import to_document
from tests.search.helpers import PUBLISHED

RESULT_KEYS = {
    "id",
    "name",
    "city",
    "country",
    "treatments",
    "snippet",
    "score",
    "core_verified",
    "experiences",
    "url",
}


def test_search_api_shape(client, clinics):
    response = client.get("/api/v1/clinics")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.json
    assert set(body) == {
        "total",
        "results",
        "facets",
        "suggestion",
        "interpretation",
        "links",
        "page",
        "per_page",
    }
    assert body["total"] == len(PUBLISHED)
    assert (body["page"], body["per_page"]) == (1, 20)
    assert sorted(r["id"] for r in body["results"]) == PUBLISHED
    harley = next(r for r in body["results"] if r["id"] == "gb-1")
    assert set(harley) == RESULT_KEYS  # no distance_km without near
    assert harley["name"] == "Harley Skin Clinic"
    assert (harley["city"], harley["country"]) == ("London", "GB")
    assert harley["treatments"] == ["mesotherapy-face", "microneedling"]
    assert harley["score"] is None and harley["core_verified"] is False
    assert harley["url"] == "/clinics/gb-1"
    assert client.get(harley["url"]).status_code == 200
    assert body["links"] == {"next": None, "prev": None}


def test_search_api_carries_score_and_core_verified_from_the_store(client, db, clinics):
    vetting_storage.set_score(db, "gb-1", 87.5, True)
    result = next(r for r in client.get("/api/v1/clinics").json["results"] if r["id"] == "gb-1")
    assert (result["score"], result["core_verified"]) == (87.5, True)


def test_search_api_gives_distance_only_when_near_is_given(client, clinics):
    body = client.get("/api/v1/clinics?near=51.5203,-0.1466&per_page=100").json
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id["gb-1"]["distance_km"] == pytest.approx(0, abs=0.01)
    assert by_id["gb-3"]["distance_km"] == pytest.approx(262, abs=5)  # London to Manchester
    # A place name is placed by the recogniser: Manchester's centre is 0.3 km from gb-3.
    named = client.get("/api/v1/clinics?near=manchester").json
    assert {r["id"]: r for r in named["results"]}["gb-3"]["distance_km"] == pytest.approx(0, abs=1)


def test_search_api_paging_links_walk_every_result_once(client, clinics):
    url, seen, pages = "/api/v1/clinics?per_page=4", [], 0
    first = client.get(url).json
    assert first["links"]["prev"] is None
    while url:
        body = client.get(url).json
        pages += 1
        assert body["per_page"] == 4 and body["page"] == pages
        seen += [r["id"] for r in body["results"]]
        url = body["links"]["next"]
    assert pages == 2
    assert sorted(seen) == PUBLISHED and len(seen) == len(set(seen))
    second = client.get("/api/v1/clinics?per_page=4&page=2").json
    assert second["links"]["prev"] == "/api/v1/clinics?per_page=4"
    assert second["links"]["next"] is None


def test_search_api_links_keep_every_parameter(client, clinics):
    body = client.get(
        "/api/v1/clinics?q=skin&country=gb&country=AE&near=London&radius_km=500&per_page=1&page=2"
        "&min_score=0&sort=distance"
    ).json
    expected = (
        "q=skin&country=GB&country=AE&near=London&radius_km=500&sort=distance"
        "&min_score=0&per_page=1"
    )
    assert body["links"]["prev"] == "/api/v1/clinics?" + expected
    if body["links"]["next"] is not None:
        assert body["links"]["next"] == "/api/v1/clinics?" + expected.replace(
            "&per_page=1", "&page=3&per_page=1"
        )


def test_search_api_page_past_the_end_is_empty_with_a_way_back(client, clinics):
    body = client.get("/api/v1/clinics?per_page=5&page=9").json
    assert body["results"] == [] and body["total"] == len(PUBLISHED)
    assert body["links"] == {"next": None, "prev": "/api/v1/clinics?page=2&per_page=5"}


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("q=" + "a" * 201, "q"),  # longer than 200 characters
        ("per_page=0", "per_page"),  # below 1
        ("per_page=101", "per_page"),  # above 100
        ("page=abc", "page"),  # not a number
        ("page=0", "page"),  # pages start at 1
        ("sort=distance", "sort"),  # distance needs near
        ("sort=cheapest", "sort"),  # not a sort order
        ("near=100,0", "near"),  # latitude out of range
        ("radius_km=5", "radius_km"),  # radius needs near
        ("min_score=101", "min_score"),  # above 100
        ("min_score=-5", "min_score"),  # below 0
        ("core_verified=perhaps", "core_verified"),  # not a boolean
        ("country=United%20Kingdom", "country"),  # not an ISO code
        ("language=english", "language"),  # not an ISO 639-1 code
        ("treatment=laser-hair-removal", "treatment"),  # not in the vocabulary
    ],
)
def test_search_api_rejects_bad_parameters_with_json_400(client, clinics, query, parameter):
    response = client.get(f"/api/v1/clinics?{query}")
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400
    assert response.json["error"]["reason"].startswith(parameter)


def test_search_api_never_shows_unpublished_or_suspended(client, db, clinics, search_index):
    # Even an index that lags the store (it still holds them) must not leak them.
    set_status(db, "gb-2", "suspended", actor="test")
    stale = [to_document(c) for c in clinic_storage.get_clinics(db, ["gb-x", "gb-s", "gb-2"])]
    search_index.index_clinics(stale)
    for query in ("", "?q=clinic", "?q=Hidden%20Unpublished", "?q=Suspended", "?per_page=100"):
        body = client.get("/api/v1/clinics" + query).json
        ids = {r["id"] for r in body["results"]}
        assert not ids & {"gb-x", "gb-s", "gb-2"}, query
        assert not {"hidden", "suspended"} & set((body["suggestion"] or "").lower().split())
    for clinic_id in ("gb-x", "gb-s", "gb-2"):
        assert client.get(f"/api/v1/clinics/{clinic_id}").status_code == 404


def test_clinic_api_gives_the_public_profile(client, db, clinics):
    vetting_storage.set_score(db, "ae-1", 64.0, False)
    response = client.get("/api/v1/clinics/ae-1")
    assert response.status_code == 200
    body = response.json
    assert body["name"] == "Jumeirah Hair Centre"
    assert body["address"]["city"] == "Dubai"
    assert body["treatments"][0]["key"] == "hair-mesotherapy"
    assert body["practitioners"][0]["licence_number"] == "GMC 7654321"
    assert (body["score"], body["core_verified"]) == (64.0, False)
    assert isinstance(body["checklist"], list)
    assert body["url"] == "/clinics/ae-1"
    assert not {"status", "version", "external_ids", "created_at"} & set(body)


@pytest.mark.parametrize(
    "clinic_id",
    [
        "no-such-clinic",  # never existed
        "gb-x",  # unpublished
        "gb-s",  # suspended
        "x" * 5000,  # absurdly long
        "%00",  # a NUL byte
        "'%20or%201=1--",  # SQL
    ],
)
def test_clinic_api_404s_as_json(client, clinics, clinic_id):
    response = client.get(f"/api/v1/clinics/{clinic_id}")
    assert response.status_code == 404
    assert response.json["error"] == {"status": 404, "reason": "No published clinic has this id."}


def test_clinic_api_includes_the_vetting_checklist(client, db, clinics):
    from directory.vetting import services as vetting

    vetting.claim_item(db, "gb-1", "transparent-pricing", statement="Prices online.", actor="c")
    body = client.get("/api/v1/clinics/gb-1").json
    rows = {row["key"]: row for row in body["checklist"]}
    assert rows["transparent-pricing"]["state"] == "claimed"
    assert rows["licensed-staff"]["state"] == "no_information"


def test_search_api_facets_equal_store_counts(client, db, clinics):
    published = clinic_storage.get_clinics(db, PUBLISHED)
    expected = {
        "country": Counter(c["address"]["country"] for c in published),
        "city": Counter(c["address"]["city"] for c in published),
        "treatment": Counter(t["key"] for c in published for t in c["treatments"]),
        "language": Counter(code for c in published for code in c["languages"]),
    }
    facets = client.get("/api/v1/clinics").json["facets"]
    for name, counts in expected.items():
        assert facets[name] == dict(counts), name
    gb = client.get("/api/v1/clinics?country=GB").json
    assert gb["total"] == 3 and {r["country"] for r in gb["results"]} == {"GB"}
    assert gb["facets"]["city"] == {"London": 2, "Manchester": 1}


def test_search_api_filters_and_sorts_by_distance(client, clinics):
    body = client.get("/api/v1/clinics?near=London&radius_km=50&sort=distance").json
    assert {r["id"] for r in body["results"]} == {"gb-1", "gb-2"}
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances) and all(d <= 50 for d in distances)
    hair = client.get("/api/v1/clinics?treatment=hair-mesotherapy").json
    assert [r["id"] for r in hair["results"]] == ["ae-1"]


def test_search_api_says_how_it_read_the_words(client, clinics):
    body = client.get("/api/v1/clinics?q=hair+loss+dubai").json
    assert [r["id"] for r in body["results"]] == ["ae-1"]
    read = body["interpretation"]
    (where,) = read["places"]
    assert (where["kind"], where["name"], where["country"], where["source"]) == (
        "city",
        "Dubai",
        "AE",
        "q",
    )
    assert read["terms"] == [
        {"typed": "hair loss", "kind": "concern", "key": "hair-loss", "label": "Hair loss"}
    ]
    assert "hair loss: showing clinics for Hair loss (Hair mesotherapy)." in read["notes"]
    assert read["undo"]["anywhere"] == "/api/v1/clinics?q=hair+loss+dubai&anywhere=true"
    assert read["undo"]["as_typed"] == "/api/v1/clinics?q=hair+loss+dubai&as_typed=true"
    assert client.get(read["undo"]["anywhere"]).json["interpretation"]["places"] == []


def test_search_api_relaxes_a_dead_end_and_names_what_it_dropped(client, clinics):
    body = client.get("/api/v1/clinics?q=mesotherapy+glasgow").json
    assert body["results"][0]["id"] == "gb-3"  # Manchester: the nearest mesotherapy
    (dropped,) = body["interpretation"]["dropped"]
    assert (dropped["typed"], dropped["url"]) == ("glasgow", "/api/v1/clinics?q=mesotherapy")
    assert body["interpretation"]["nearest"] == "Glasgow"


def test_search_api_near_takes_any_place_name_and_ignores_unknown_ones(client, clinics):
    body = client.get("/api/v1/clinics?near=Londres&radius_km=20").json
    assert sorted(r["id"] for r in body["results"]) == ["gb-1", "gb-2"]
    assert all(r["distance_km"] < 20 for r in body["results"])
    unknown = client.get("/api/v1/clinics?near=Qwxzyville&radius_km=5&sort=distance")
    assert unknown.status_code == 200
    assert unknown.json["interpretation"]["unknown_place"] == "Qwxzyville"
    assert unknown.json["total"] == len(PUBLISHED)
