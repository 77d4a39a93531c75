"""Filters, sorting, paging, snippets and updates on a RAM index."""

import pytest

from index import SearchRequest, open_index
from tests.index.conftest import clinic_doc, offers, place, ram_index


def doc(
    clinic_id,
    *,
    city="London",
    country="GB",
    lat=51.5,
    lon=-0.12,
    score=None,
    core=False,
    verified=(),
    languages=("en",),
    treatments=("microneedling",),
    **more,
):
    more.setdefault("description", None)
    d = clinic_doc(
        clinic_id,
        treatments=offers(*treatments),
        languages=list(languages),
        **place(city, country, lat=lat, lon=lon),
        **more,
    )
    d.update(score=score, core_verified=core, verified_items=sorted(verified))
    return d


@pytest.fixture
def ix(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    ix.index_clinics(
        [
            doc("a", score=90, core=True, verified=("licence", "insurance"), lat=51.52, lon=-0.15),
            doc("b", score=40, languages=("en", "ar"), verified=("licence",), lat=51.50, lon=-0.10),
            doc(
                "c",
                city="Paris",
                country="FR",
                score=75,
                languages=("fr",),
                lat=48.86,
                lon=2.35,
                treatments=("mesotherapy-face",),
            ),
            doc(
                "d",
                city="Manchester",
                score=None,
                lat=None,
                lon=None,
                treatments=("hair-mesotherapy",),
            ),
            doc("e", city="london", score=60, lat=51.60, lon=-0.20),  # city written in lower case
        ]
    )
    yield ix
    ix.close()


def ids(ix, **kw):
    return [h.id for h in ix.search(SearchRequest(per_page=100, **kw)).hits]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"country": ("fr",)}, {"c"}),  # country codes are upper-cased
        ({"country": ("GB", "FR")}, {"a", "b", "c", "d", "e"}),  # values of one filter: any
        ({"city": ("LONDON",)}, {"a", "b", "e"}),  # city matched folded, all spellings
        ({"treatment": ("hair-mesotherapy",)}, {"d"}),  # exact treatment key
        ({"language": ("AR",)}, {"b"}),  # language codes are lower-cased
        ({"min_score": 60}, {"a", "c", "e"}),  # no score never passes a minimum
        ({"core_verified": True}, {"a"}),
        ({"verified": ("licence", "insurance")}, {"a"}),  # verified items: all of them
        ({"verified": ("licence",)}, {"a", "b"}),
        ({"near": (51.52, -0.15), "radius_km": 5}, {"a", "b"}),  # exact distance, not a box
        ({"city": ("London",), "min_score": 50}, {"a", "e"}),  # filters combine: all
        ({"q": "mesotherapy", "country": ("GB",)}, {"d"}),  # query and filter
        ({"city": ("Nowhere",)}, set()),
    ],
)
def test_filters(ix, filters, expected):
    assert set(ids(ix, **filters)) == expected
    assert ix.search(SearchRequest(**filters)).total == len(expected)


def test_sort_by_score_puts_unscored_last(ix):
    assert ids(ix, sort="score") == ["a", "c", "e", "b", "d"]
    # An empty query in relevance order is ordered by score too.
    assert ids(ix) == ["a", "c", "e", "b", "d"]


def test_sort_by_distance_puts_unlocated_last(ix):
    response = ix.search(SearchRequest(near=(51.5, -0.1), sort="distance"))
    assert [h.id for h in response.hits] == ["b", "a", "e", "c", "d"]
    assert response.hits[0].distance_km == 0.0
    assert response.hits[2].distance_km == pytest.approx(13.2, abs=0.2)
    assert response.hits[-1].distance_km is None


def test_distance_sort_without_near_falls_back_to_relevance(ix):
    assert ids(ix, sort="distance") == ids(ix)


def test_paging(ix):
    first = ix.search(SearchRequest(sort="score", per_page=2, page=1))
    third = ix.search(SearchRequest(sort="score", per_page=2, page=3))
    assert [h.id for h in first.hits] == ["a", "c"] and [h.rank for h in first.hits] == [1, 2]
    assert [h.id for h in third.hits] == ["d"] and third.hits[0].rank == 5
    assert first.total == third.total == 5
    assert ix.search(SearchRequest(per_page=2, page=99)).hits == []


@pytest.mark.parametrize(
    "page, per_page",
    [(0, 20), (-5, 20), (10**30, 20), (1, 0), (1, 10**9), (1, -1)],  # clamped, never raises
)
def test_out_of_range_paging_is_bounded(ix, page, per_page):
    response = ix.search(SearchRequest(page=page, per_page=per_page))
    assert 1 <= response.per_page <= 100 and response.page >= 1


def test_facets_are_multi_select(ix):
    response = ix.search(SearchRequest(city=("London",), language=("en",)))
    assert response.total == 3
    assert response.facets["city"] == {"London": 3, "Manchester": 1}  # en speakers, any city
    assert response.facets["language"] == {"en": 3, "ar": 1}  # Londoners, any language
    assert response.facets["country"] == {"GB": 3}
    assert response.facets["treatment"] == {"microneedling": 3}


def test_facets_can_be_left_out(ix):
    assert ix.search(SearchRequest(facets=False)).facets == {}


def test_selected_value_stays_in_its_facet_even_with_no_match(ix):
    response = ix.search(SearchRequest(country=("ZZ",)))
    assert response.total == 0 and response.facets["country"]["ZZ"] == 0


def test_snippets_escape_html(vocabulary):
    ix = ram_index(
        vocabulary,
        clinic_doc(
            "x",
            name="<script>alert(1)</script> Clinic",
            description='Skin & "care" <img src=x onerror=alert(1)>',
        ),
    )
    (hit,) = ix.search(SearchRequest(q="skin")).hits
    assert (
        hit.snippet == "<mark>Skin</mark> &amp; &quot;care&quot; &lt;img src=x onerror=alert(1)&gt;"
    )
    (hit,) = ix.search(SearchRequest(q="script")).hits
    assert "<script>" not in hit.snippet and "&lt;<mark>script</mark>&gt;" in hit.snippet


def test_long_description_snippet_is_cut_around_the_match(vocabulary):
    ix = open_index(None, vocabulary=vocabulary)
    words = " ".join(f"word{i}" for i in range(200))
    ix.index_clinics([clinic_doc("x", description=f"{words} dermapen {words}")])
    (hit,) = ix.search(SearchRequest(q="dermapen")).hits
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "<mark>dermapen</mark>" in hit.snippet and len(hit.snippet) < 260


def test_update_replaces_and_remove_deletes(ix):
    ix.index_clinics([doc("b", city="Leeds", score=40)])
    assert ix.doc_count() == 5
    assert set(ids(ix, city=("Leeds",))) == {"b"}
    assert "b" not in ids(ix, city=("London",))
    assert ix.remove_clinics(["b", "zz"]) == 1
    assert ix.doc_count() == 4 and ids(ix, city=("Leeds",)) == []


def test_check_reports_drift(ix):
    report = ix.check({"a": 1, "b": 2, "c": 1, "d": 1, "new": 1})
    assert report.missing == ["new"] and report.stale == ["b"] and report.extra == ["e"]
    assert not report.clean
    assert ix.check({k: 1 for k in "abcde"}).clean


def test_repeated_query_is_served_from_cache_until_the_index_changes(ix):
    first = ix.search(SearchRequest(q="london"))
    first.hits.clear()  # a caller changing its copy must not change the cache
    assert len(ix.search(SearchRequest(q="london")).hits) == 3
    ix.remove_clinics(["a"])
    assert ix.search(SearchRequest(q="london")).total == 2


def test_warm_loads_the_caches(ix):
    ix.warm()
    view = ix._current()
    assert view._sets and view._columns  # facet sets and score column are loaded
    assert ix.search(SearchRequest(sort="score")).total == 5


def test_synonym_phrases_do_not_highlight_their_articles(vocabulary):
    # "hair loss" expands to synonyms such as "chute de cheveux"; the article "de" in a
    # Spanish clinic's description is not why it matched and must not be marked.
    idx = ram_index(
        vocabulary,
        clinic_doc(
            "es-1",
            name="Centro de Medicina Estética",
            description="Centro de medicina estética. Hair mesotherapy for thinning hair.",
            treatments=offers("hair-mesotherapy"),
        ),
    )
    (hit,) = idx.search(SearchRequest(q="hair loss")).hits
    assert "<mark>de</mark>" not in (hit.snippet or "")
    assert "<mark>" in (hit.snippet or "")
