"""The search service and its storage, on an in-memory store and a fake index (no app)."""

from __future__ import annotations

import pytest

from directory.clinics.services import save_profile, set_status
from directory.db import connect
from directory.search import queries
from index.types import Hit, SearchRequest
from tests.conftest import make_profile
from tests.search.helpers import FakeIndex


@pytest.fixture
def memdb():
    db = connect(None)
    yield db
    db.close()


def _save(db, *profiles):
    for profile in profiles:
        save_profile(db, profile, actor="test")


def test_run_search_loads_rows_in_rank_order_and_drops_what_is_not_published(memdb):
    _save(
        memdb,
        make_profile("a", name="Alpha"),
        make_profile("b", name="Beta"),
        make_profile("c", name="Gamma"),
        make_profile("s", name="Suspended"),
    )
    set_status(memdb, "s", "suspended", actor="test")
    # The index lags: it still returns the suspended clinic and one that no longer exists.
    hits = [Hit("c", 1, 3.0), Hit("s", 2, 2.0), Hit("gone", 3, 1.5), Hit("a", 4, 1.0)]
    fake = FakeIndex(hits, facets={"country": {"GB": 3}}, suggestion="mesotherapy")
    found = queries.run_search(memdb, fake, SearchRequest(q="meso"))
    assert [r.clinic["id"] for r in found.results] == ["c", "a"]
    assert [r.rank for r in found.results] == [1, 4]
    assert found.results[0].clinic["name"] == "Gamma"  # the row comes from the store
    assert found.facets == {"country": {"GB": 3}}
    assert found.suggestion == "mesotherapy"
    assert fake.requests == [SearchRequest(q="meso")]


def test_run_search_cleans_snippets_down_to_mark_tags(memdb):
    _save(memdb, make_profile("a"))
    snippet = (
        'Face <mark>meso</mark>therapy <script>alert(1)</script><b onclick="x">b</b> &lt;i&gt;'
    )
    found = queries.run_search(
        memdb, FakeIndex([Hit("a", 1, 1.0, snippet=snippet)]), SearchRequest(q="meso")
    )
    assert found.results[0].snippet == "Face <mark>meso</mark>therapy b &lt;i&gt;"


def test_run_search_measures_distance_when_the_index_does_not(memdb):
    _save(
        memdb,
        make_profile("a", location={"lat": 51.5203, "lon": -0.1466}),
        make_profile("b", location=None),
    )
    hits = [Hit("a", 1, 1.0), Hit("b", 2, 1.0)]
    near = (48.8566, 2.3522)  # Paris to Harley Street: about 343 km
    found = queries.run_search(memdb, FakeIndex(hits), SearchRequest(near=near))
    assert found.results[0].distance_km == pytest.approx(343, abs=3)
    assert found.results[1].distance_km is None
    given = queries.run_search(
        memdb, FakeIndex([Hit("a", 1, 1.0, distance_km=1.23456)]), SearchRequest(near=near)
    )
    assert given.results[0].distance_km == 1.23  # the index's own figure wins


@pytest.mark.parametrize(
    "total, per_page, pages",
    [
        (0, 20, 1),  # an empty search still has one (empty) page
        (20, 20, 1),  # exactly one full page
        (21, 20, 2),  # one more spills over
        (10**9, 1, 1000),  # never more pages than can be asked for
    ],
)
def test_search_results_pages(total, per_page, pages):
    found = queries.SearchResults(SearchRequest(per_page=per_page), total=total, results=[])
    assert found.pages == pages


def test_get_public_clinic_hides_private_and_unpublished(memdb):
    _save(
        memdb,
        make_profile("a", external_ids={"ods": "X1"}),
        make_profile("u", status="unpublished"),
        make_profile("s", status="suspended"),
    )
    clinic = queries.get_public_clinic(memdb, "a")
    assert clinic["name"] == "Harley Skin Clinic" and clinic["core_verified"] is False
    assert not {"status", "version", "external_ids", "created_at"} & set(clinic)
    assert queries.get_public_clinic(memdb, "u") is None
    assert queries.get_public_clinic(memdb, "s") is None
    assert queries.get_public_clinic(memdb, "nope") is None
