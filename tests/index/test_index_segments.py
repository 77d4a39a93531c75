"""Document sets kept per segment: results and facets after many commits match one rebuild."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index import SearchRequest, open_index, searching, view
from tests.index.conftest import clinic_doc, offers, place

CITIES = [
    ("London", "GB", 51.51, -0.13),
    ("Manchester", "GB", 53.48, -2.24),
    ("Leeds", "GB", 53.80, -1.55),
    ("Paris", "FR", 48.86, 2.35),
    ("Lyon", "FR", 45.76, 4.83),
    ("Dubai", "AE", 25.20, 55.27),
]
TREATMENTS = ["microneedling", "mesotherapy-face", "hair-mesotherapy", "pressotherapy"]
LANGUAGES = [("en",), ("fr",), ("ar", "en"), ("en", "fr")]
WORDS = ["acne scars", "thinning hair", "skin boosters", "lymphatic drainage", "glow facials"]


def _doc(n: int, version: int = 1) -> dict:
    city, country, lat, lon = CITIES[(n + version) % len(CITIES)]
    located = n % 7 != 0
    doc = clinic_doc(
        f"c{n:03d}",
        name=f"Clinic {n} {WORDS[n % len(WORDS)].split()[0].title()}",
        description=f"{WORDS[(n * 3 + version) % len(WORDS)]} in {city}.",
        treatments=offers(*TREATMENTS[n % 4 : n % 4 + 1 + n % 2]),
        languages=list(LANGUAGES[n % len(LANGUAGES)]),
        **place(city, country, lat=lat + n / 1000 if located else None, lon=lon),
    )
    doc.update(
        version=version,
        score=None if n % 5 == 0 else (n * 37 + version * 11) % 100,
        core_verified=n % 3 == 0,
        verified_items=["licence"] if n % 2 else [],
    )
    return doc


REQUESTS = [
    SearchRequest(),
    SearchRequest(q="acne"),
    SearchRequest(q="hair", sort="score"),
    SearchRequest(country=("GB",)),
    SearchRequest(country=("GB", "FR"), language=("en",)),
    SearchRequest(city=("London",), treatment=("microneedling",)),
    SearchRequest(treatment=("mesotherapy-face", "pressotherapy"), sort="score"),
    SearchRequest(language=("ar",), core_verified=True),
    SearchRequest(min_score=50, verified=("licence",)),
    SearchRequest(near=(51.5, -0.12), radius_km=400, sort="distance"),
    SearchRequest(q="skin", near=(48.86, 2.35), radius_km=600),
    SearchRequest(q="glow facials", country=("FR",)),
]


def _every_hit(ix, request: SearchRequest):
    response = ix.search(replace(request, per_page=100))
    return response, [hit.id for hit in response.hits]


def _order_keys(response, docs: list[dict], sort: str) -> list:
    """Return what the hits are ordered by (ties may come in any document order)."""
    if sort == "distance":
        return [hit.distance_km for hit in response.hits]
    score = {d["id"]: d["score"] for d in docs}  # sort=score, and browsing with no words
    return [score[hit.id] for hit in response.hits]


@pytest.fixture(params=["by document", "by intersection"])
def committed_in_steps(request, tmp_path, vocabulary, monkeypatch):
    """Return (an index written in many commits, the documents it ends up holding)."""
    if request.param == "by intersection":  # what large result sets use
        monkeypatch.setattr(view, "COUNT_BY_DOCUMENT", 0)
        monkeypatch.setattr(view, "DOCUMENTS_PER_INTERSECTION", 0)
    ix = open_index(tmp_path / "steps", vocabulary=vocabulary)
    docs = {n: _doc(n) for n in range(60)}
    for start in range(0, 60, 20):  # three segments
        ix.index_clinics([docs[n] for n in range(start, start + 20)])
    for n in (3, 25, 41, 42, 58):  # updates: a deletion in an old segment and a new one
        docs[n] = _doc(n, version=2)
        ix.index_clinics([docs[n]])
        ix.search(SearchRequest(q="acne"))  # searched between commits: caches carried over
    removed = [7, 20, 21, 59]
    ix.remove_clinics([f"c{n:03d}" for n in removed])
    for n in removed:
        del docs[n]
    yield ix, list(docs.values())
    ix.close()


@pytest.mark.parametrize("request_", REQUESTS, ids=repr)
def test_many_commits_answer_as_one_rebuild(committed_in_steps, tmp_path, vocabulary, request_):
    steps, docs = committed_in_steps
    rebuilt = open_index(tmp_path / "rebuilt", vocabulary=vocabulary)
    rebuilt.rebuild(docs)
    got, got_ids = _every_hit(steps, request_)
    want, want_ids = _every_hit(rebuilt, request_)
    assert got.total == want.total and got.facets == want.facets
    assert sorted(got_ids) == sorted(want_ids)
    # BM25 statistics count deleted documents until segments merge, so only orders that do
    # not read text are compared; ties (same score, same trust) keep document order.
    if not (request_.sort == "relevance" and request_.q):
        assert _order_keys(got, docs, request_.sort) == _order_keys(want, docs, request_.sort)
    rebuilt.close()


@pytest.mark.parametrize("request_", REQUESTS, ids=repr)
def test_each_facet_count_is_the_total_of_choosing_that_value(committed_in_steps, request_):
    steps, _ = committed_in_steps
    response = steps.search(request_)
    assert response.facets
    for facet, counts in response.facets.items():
        for value, count in counts.items():
            # Multi-select: choosing a value replaces this facet's choice, keeps the others.
            chosen = steps.search(replace(request_, **{facet: (value,)}, facets=False))
            assert chosen.total == count, (facet, value)


def test_removed_and_replaced_documents_never_count(committed_in_steps):
    steps, docs = committed_in_steps
    response, ids = _every_hit(steps, SearchRequest())
    assert sorted(ids) == sorted(d["id"] for d in docs) and response.total == 56
    assert sum(response.facets["country"].values()) == 56
    # c003 moved city at version 2: it counts once, in its new city only.
    new_city = CITIES[(3 + 2) % len(CITIES)][0]
    _, in_new = _every_hit(steps, SearchRequest(city=(new_city,)))
    _, in_old = _every_hit(steps, SearchRequest(city=(CITIES[(3 + 1) % len(CITIES)][0],)))
    assert "c003" in in_new and "c003" not in in_old


def test_a_segment_over_its_circles_bound_answers_the_same(
    committed_in_steps, tmp_path, vocabulary, monkeypatch
):
    steps, _ = committed_in_steps
    monkeypatch.setattr(searching, "NEAREST_DIRECT", 0)  # nearest first by widening circles
    near = [r for r in REQUESTS if r.near] + [SearchRequest(near=(53.5, -2.2), sort="distance")]
    want = [_every_hit(steps, r) for r in near]
    monkeypatch.setattr(view, "MAX_CIRCLE_DOCUMENTS", -1)  # every new circle drops the others
    again = open_index(tmp_path / "steps", vocabulary=vocabulary)
    assert [_every_hit(again, r) for r in near] == want
    again.close()
