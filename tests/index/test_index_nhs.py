"""Relevance and facets on the real NHS 2023 clinics list (17,512 rows)."""

from collections import Counter

import pytest

from index import SearchRequest
from index.text import fold
from tests.index.conftest import nhs_profile

pytestmark = pytest.mark.slow


def test_sk_n_holborn_first(nhs_index):
    for q in ("sk:n holborn", "skn holborn", "sk n holborn", "SK:N Holborn"):
        hits = nhs_index.search(SearchRequest(q=q)).hits
        assert hits, q
        assert hits[0].id == "nhs-570742", q  # sk:n London Holborn


def test_every_sk_n_clinic_is_found(nhs_index, nhs_rows):
    expected = {f"nhs-{r[0]}" for r in nhs_rows if r[6].lower().startswith("sk:n")}
    assert len(expected) == 38
    found = {h.id for h in nhs_index.search(SearchRequest(q="sk:n", per_page=100)).hits}
    assert found == expected


def test_skin_does_not_match_ruskington(nhs_index, nhs_rows):
    response = nhs_index.search(SearchRequest(q="skin", per_page=100))
    ruskington = {f"nhs-{r[0]}" for r in nhs_rows if "ruskington" in " ".join(r).lower()}
    assert len(ruskington) == 5
    assert response.total > 0
    assert not ruskington & {h.id for h in response.hits}
    for hit in response.hits:
        assert "<mark>" in hit.snippet and "skin" in hit.snippet.lower()


def _direct_city_counts(rows, keep=lambda row: True) -> Counter:
    return Counter(fold(" ".join(r[10].split())) for r in rows if r[10].strip() and keep(r))


def test_facet_counts_equal_counts_from_the_file(nhs_index, nhs_rows):
    response = nhs_index.search(SearchRequest(q=""))
    assert response.total == len(nhs_rows)
    direct = _direct_city_counts(nhs_rows)
    assert response.facets["city"]
    for city, count in response.facets["city"].items():
        assert count == direct[fold(city)], city
    # The facet lists the most frequent cities.
    assert (
        sorted(response.facets["city"].values(), reverse=True)
        == sorted(direct.values(), reverse=True)[: len(response.facets["city"])]
    )
    assert response.facets["country"] == {"GB": len(nhs_rows)}


def test_facets_respect_the_other_filters_but_not_their_own(nhs_index, nhs_rows):
    response = nhs_index.search(SearchRequest(q="", city=("london",)))
    london = _direct_city_counts(nhs_rows)["london"]
    assert response.total == london
    # Its own facet still counts the other cities (multi-select), the others are filtered.
    assert response.facets["city"]["London"] == london
    assert response.facets["city"]["Liverpool"] == _direct_city_counts(nhs_rows)["liverpool"]
    assert response.facets["country"] == {"GB": london}


def test_facets_of_a_text_query_count_its_matches(nhs_index, nhs_rows):
    response = nhs_index.search(SearchRequest(q="sk:n", per_page=5))
    direct = _direct_city_counts(nhs_rows, keep=lambda r: r[6].lower().startswith("sk:n"))
    assert {fold(c): n for c, n in response.facets["city"].items()} == dict(direct)
    assert response.total == 38 and len(response.hits) == 5


def test_near_and_radius_against_direct_distances(nhs_index, nhs_rows):
    from index.view import haversine_km

    holborn = (51.518054962158203, -0.11937433481216431)
    response = nhs_index.search(
        SearchRequest(near=holborn, radius_km=2, sort="distance", per_page=100)
    )
    expected = set()
    for row in nhs_rows:
        loc = nhs_profile(row)["location"]
        if loc and haversine_km(*holborn, loc["lat"], loc["lon"]) <= 2:
            expected.add(f"nhs-{row[0]}")
    assert response.total == len(expected) > 10
    distances = [h.distance_km for h in response.hits]
    assert distances == sorted(distances) and distances[-1] <= 2
    assert response.hits[0].distance_km == 0.0  # the sk:n clinic itself is at that point
