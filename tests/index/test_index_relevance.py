"""Relevance on a small fixture set: every example the search issue names."""

import pytest

from index import SearchRequest
from tests.index.conftest import MESOTHERAPY_FAMILY, clinic_doc, offers, place, ram_index


def ids(ix, q, **filters):
    return [h.id for h in ix.search(SearchRequest(q=q, per_page=100, **filters)).hits]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("hair loss", {"thames-hair", "alopecia-care"}),  # concern -> hair mesotherapy; name
        ("alopecia", {"thames-hair", "alopecia-care"}),  # a synonym of the concern
        ("mesolift", {"mesolift-paris"}),  # synonym of mesolifting
        ("fat reduction", {"lipo-studio"}),  # concern -> body mesotherapy, body contouring
        ("lipolysis", {"lipo-studio"}),  # synonym of body mesotherapy
        ("mesotherapy", MESOTHERAPY_FAMILY),  # broader term finds every narrower one
        ("mésothérapie", MESOTHERAPY_FAMILY),  # French, accented
        ("MESOTHERAPIE", MESOTHERAPY_FAMILY),  # French, upper case, unaccented
        ("الميزوثيرابي", MESOTHERAPY_FAMILY),  # Arabic label
        ("ميـزوثيرابي", MESOTHERAPY_FAMILY),  # Arabic with tatweel
        ("sk:n", {"skn"}),  # name as written
        ("skn", {"skn"}),  # without punctuation
        ("sk n", {"skn"}),  # punctuation as a space
        ("lymphatic drainage", {"pressure"}),  # synonym of pressotherapy
        ("عياده الامل", {"dubai-meso"}),  # Arabic name typed without hamza, ta marbuta as ha
    ],
)
def test_query_finds_exactly(fixture_index, q, expected):
    assert set(ids(fixture_index, q)) == expected


def test_skin_does_not_match_ruskington(fixture_index):
    found = ids(fixture_index, "skin")
    assert "ruskington" not in found
    assert set(found) == {"harley", "skn"}  # "Skin" in a name, "skin" in a description


def test_sk_n_ranks_the_name_first(fixture_index):
    assert ids(fixture_index, "sk:n london")[0] == "skn"


@pytest.mark.parametrize(
    "typed, suggestion, expected",
    [
        ("mesotheraphy", "mesotherapy", MESOTHERAPY_FAMILY),  # one edit, 12 letters
        ("mesoterapy", "mesotherapy", MESOTHERAPY_FAMILY),  # one edit (missing letter)
        ("mzsothzrapy", "mesotherapy", MESOTHERAPY_FAMILY),  # two edits, 9+ letters
        ("alopecya", "alopecia", {"thames-hair", "alopecia-care"}),  # one edit, 8 letters
        ("glasgo", "glasgow", {"alopecia-care"}),  # a city from the index, not the vocabulary
        ("Lyonn", "lyon", {"lyon-meso"}),  # five letters: one edit
    ],
)
def test_typos_are_corrected_with_a_suggestion(fixture_index, typed, suggestion, expected):
    response = fixture_index.search(SearchRequest(q=typed, per_page=100))
    assert response.suggestion == suggestion
    assert {h.id for h in response.hits} == expected


@pytest.mark.parametrize(
    "typed",
    [
        "lidz",  # four letters: never corrected
        "mzsozhzrapy",  # 11 letters but three edits away
        "glasgow",  # already right
    ],
)
def test_no_suggestion_when_nothing_to_correct(fixture_index, typed):
    assert fixture_index.search(SearchRequest(q=typed)).suggestion is None


def test_fielded_ranking_name_then_treatments_then_city_then_description(vocabulary):
    ix = ram_index(
        vocabulary,
        # id, name, description, treatments, city: each clinic matches in one field.
        *(
            clinic_doc(key, name=name, description=text, treatments=treatments, **place(city))
            for key, name, text, treatments, city in [
                ("in-description", "Alpha", "Microneedling and Xandria.", [], "Leeds"),
                ("in-city", "Beta", None, [], "Xandria"),
                ("in-treatments", "Gamma", None, offers("microneedling"), "Leeds"),
                ("in-name", "Microneedling Xandria Studio", None, [], "Leeds"),
            ]
        ),
    )
    # Offering the treatment says more than naming it (a phrase in a name counts 4, not 8).
    assert ids(ix, "microneedling") == ["in-treatments", "in-name", "in-description"]
    assert ids(ix, "xandria") == ["in-name", "in-city", "in-description"]


def test_snippet_says_why_it_matched(fixture_index):
    hits = {h.id: h.snippet for h in fixture_index.search(SearchRequest(q="hair loss")).hits}
    # "thinning hair" is a synonym of the concern: the description shows it.
    assert (
        hits["thames-hair"] == "Scalp micro-injections for <mark>thinning</mark> <mark>hair</mark>."
    )
    assert hits["alopecia-care"] == "<mark>Alopecia</mark> Care Centre"
    (hit,) = fixture_index.search(SearchRequest(q="fat reduction")).hits
    assert hit.snippet == "Offers <mark>Body contouring</mark>, <mark>Body mesotherapy</mark>"
    (hit,) = fixture_index.search(SearchRequest(q="scalp")).hits
    assert hit.snippet == "<mark>Scalp</mark> micro-injections for thinning hair."
