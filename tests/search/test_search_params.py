"""Reading search parameters: the rules as a table, and writing them back as a query string."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from directory.search.params import (
    InvalidSearch,
    SearchParams,
    active_filters,
    clean_text,
    parse_search_args,
    relaxations,
    to_query_args,
)
from directory.vocabulary import load_vocabulary
from index.types import SearchRequest

TREATMENTS = frozenset(load_vocabulary().treatments)


def parse(query: list[tuple[str, str]] | dict) -> SearchParams:
    return parse_search_args(MultiDict(query), treatments=TREATMENTS)


@pytest.mark.parametrize(
    "query, expected",
    [
        # nothing given: list everything, by relevance, first page of 20
        ([], {}),
        # the words are kept, outer spaces and runs of spaces collapsed
        ([("q", "  hair   meso ")], {"q": "hair meso"}),
        # control characters never reach the index
        ([("q", "meso\x00\x1bthe\trapy")], {"q": "meso the rapy"}),
        # emoji and Arabic are ordinary text; a right-to-left mark is dropped (the query is
        # echoed on the page and in the API, and must not turn what follows it around)
        ([("q", "ميزو \u200f💉")], {"q": "ميزو 💉"}),
        # exactly 200 characters is allowed
        ([("q", "a" * 200)], {"q": "a" * 200}),
        # country codes are upper-cased; repeats collapse; empty values mean "any"
        (
            [("country", "gb"), ("country", "GB"), ("country", ""), ("country", "ae")],
            {"country": ("GB", "AE")},
        ),
        # city names are free text
        ([("city", " London "), ("city", "Saint-Étienne")], {"city": ("London", "Saint-Étienne")}),
        # treatments are vocabulary keys
        ([("treatment", "hair-mesotherapy")], {"treatment": ("hair-mesotherapy",)}),
        # languages are lower-cased ISO 639-1
        ([("language", "AR")], {"language": ("ar",)}),
        # near as coordinates, rounded to 6 decimals (about 10 cm)
        ([("near", "51.52034567, -0.1466")], {"near": (51.520346, -0.1466)}),
        # the extremes of latitude and longitude are valid
        ([("near", "-90,180")], {"near": (-90.0, 180.0)}),
        # a radius needs near; it is kept in kilometres
        ([("near", "25.2,55.3"), ("radius_km", "10")], {"near": (25.2, 55.3), "radius_km": 10.0}),
        # sort by distance with near
        ([("near", "25.2,55.3"), ("sort", "distance")], {"near": (25.2, 55.3), "sort": "distance"}),
        # sort by score needs nothing else
        ([("sort", "score")], {"sort": "score"}),
        # paging bounds
        ([("page", "1000"), ("per_page", "100")], {"page": 1000, "per_page": 100}),
        ([("page", "3"), ("per_page", "1")], {"page": 3, "per_page": 1}),
        # vetting filters pass through to the index
        (
            [("min_score", "72.5"), ("core_verified", "true"), ("verified", "licence")],
            {"min_score": 72.5, "core_verified": True, "verified": ("licence",)},
        ),
        # an HTML checkbox sends "on"; "false" and an empty value mean no filter
        ([("core_verified", "on")], {"core_verified": True}),
        ([("core_verified", "FALSE")], {"core_verified": False}),
        ([("core_verified", "")], {"core_verified": False}),
        # min_score bounds are inclusive
        ([("min_score", "0")], {"min_score": 0.0}),
        ([("min_score", "100")], {"min_score": 100.0}),
        # unknown parameters are ignored
        ([("utm_source", "x")], {}),
    ],
)
def test_parse_search_args_valid(query, expected):
    assert parse(query).request == SearchRequest(**expected)


@pytest.mark.parametrize(
    "query, bad",
    [
        # one character too long
        ([("q", "a" * 201)], "q"),
        # 10,000 characters
        ([("q", "x" * 10_000)], "q"),
        # three-letter and numeric country codes
        ([("country", "GBR")], "country"),
        ([("country", "12")], "country"),
        # a treatment that is not in the vocabulary
        ([("treatment", "botox-deluxe")], "treatment"),
        # a language that is not a two-letter code
        ([("language", "english")], "language"),
        # a city name longer than any city
        ([("city", "x" * 101)], "city"),
        # more values of one filter than anyone picks
        ([("country", f"{a}{b}") for a in "ABCDE" for b in "ABCDE"], "country"),
        # coordinates out of range, not numbers, or not finite
        ([("near", "91,0")], "near"),
        ([("near", "0,181")], "near"),
        ([("near", "12,34,56")], "near"),
        # no letters, so not a place, and not a pair of numbers either
        ([("near", "123")], "near"),
        ([("near", "1.2.3,4")], "near"),
        # a place name longer than any place
        ([("near", "x" * 101)], "near"),
        # radius without near, zero, negative, too large, not a number
        ([("radius_km", "5")], "radius_km"),
        ([("near", "1,1"), ("radius_km", "0")], "radius_km"),
        ([("near", "1,1"), ("radius_km", "-3")], "radius_km"),
        ([("near", "1,1"), ("radius_km", "1001")], "radius_km"),
        ([("near", "1,1"), ("radius_km", "inf")], "radius_km"),
        # sort by distance needs near; unknown sort orders
        ([("sort", "distance")], "sort"),
        ([("sort", "name")], "sort"),
        # page and per_page bounds, signs, fractions, non-ASCII digits, huge numbers
        ([("page", "0")], "page"),
        ([("page", "1001")], "page"),
        ([("page", "-1")], "page"),
        ([("page", "1.5")], "page"),
        ([("page", "²")], "page"),
        ([("page", "٣")], "page"),
        ([("page", "99999999999999999999")], "page"),
        ([("per_page", "0")], "per_page"),
        ([("per_page", "101")], "per_page"),
        # min_score out of 0..100 or not a number
        ([("min_score", "-1")], "min_score"),
        ([("min_score", "100.5")], "min_score"),
        ([("min_score", "high")], "min_score"),
        # core_verified must be a boolean
        ([("core_verified", "maybe")], "core_verified"),
        # checklist item keys are slugs
        ([("verified", "<script>")], "verified"),
    ],
)
def test_parse_search_args_rejects_and_names_the_parameter(query, bad):
    with pytest.raises(InvalidSearch) as info:
        parse(query)
    assert list(info.value.errors) == [bad]
    assert info.value.reason.startswith(bad)  # the message names the parameter first


def test_parse_search_args_reports_every_bad_parameter_in_order():
    with pytest.raises(InvalidSearch) as info:
        parse([("per_page", "0"), ("q", "a" * 300), ("country", "x")])
    assert list(info.value.errors) == ["q", "country", "per_page"]


@pytest.mark.parametrize(
    "near",
    [
        "London",  # a city
        "London, UK",  # a city and its country
        "nan,nan",  # letters: a (strange) place name, left for the store to not find
        "1e999,0",  # the same
    ],
)
def test_parse_search_args_treats_anything_with_letters_as_a_place(near):
    params = parse([("near", near)])
    assert params.near_place == near and params.request.near is None


def test_parse_search_args_keeps_a_place_name_for_the_service_to_resolve():
    params = parse([("near", " Saint  Helier "), ("sort", "distance")])
    assert params.near_place == "Saint Helier"
    assert params.request.near is None and params.request.sort == "distance"


def test_clean_text_drops_controls_and_bidi_marks_but_keeps_emoji():
    assert clean_text("a\x00b\u2028c\u200fd😀") == "a b cd😀"


def test_to_query_args_leaves_defaults_out_and_overrides_page():
    params = parse([("q", "meso"), ("country", "gb"), ("page", "2"), ("per_page", "20")])
    assert to_query_args(params) == [("q", "meso"), ("country", "GB"), ("page", "2")]
    assert to_query_args(params, page=1) == [("q", "meso"), ("country", "GB")]


def test_to_query_args_writes_a_place_name_as_given():
    params = parse([("near", "London"), ("radius_km", "5")])
    resolved = dataclasses.replace(
        params, request=dataclasses.replace(params.request, near=(51.5, -0.1))
    )
    assert ("near", "London") in to_query_args(resolved)


_words = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), max_size=8)
_request = st.builds(
    SearchRequest,
    q=st.lists(_words.filter(bool), max_size=4).map(" ".join),
    country=st.lists(st.sampled_from(["GB", "AE", "FR", "US"]), unique=True, max_size=3).map(tuple),
    city=st.lists(_words.filter(bool), unique=True, max_size=3).map(tuple),
    treatment=st.lists(st.sampled_from(sorted(TREATMENTS)), unique=True, max_size=3).map(tuple),
    language=st.lists(st.sampled_from(["en", "ar", "fr"]), unique=True, max_size=3).map(tuple),
    near=st.none()
    | st.tuples(
        st.floats(-90, 90).map(lambda x: round(x, 6)),
        st.floats(-180, 180).map(lambda x: round(x, 6)),
    ),
    radius_km=st.none() | st.floats(0.001, 1000).map(lambda x: round(x, 3)).filter(lambda x: x > 0),
    sort=st.sampled_from(["relevance", "score", "distance"]),
    page=st.integers(1, 1000),
    per_page=st.integers(1, 100),
    min_score=st.none() | st.floats(0, 100).map(lambda x: round(x, 2)),
    core_verified=st.booleans(),
    verified=st.lists(
        st.from_regex(r"[a-z][a-z0-9-]{1,10}", fullmatch=True), unique=True, max_size=3
    ).map(tuple),
).filter(lambda r: r.near is not None or (r.sort != "distance" and r.radius_km is None))


@given(_request)
def test_to_query_args_round_trips_through_parse(request):
    params = SearchParams(request)
    assert parse(to_query_args(params)) == params


def test_relaxations_drop_one_filter_each_and_go_back_to_page_1():
    params = parse(
        [
            ("q", "meso"),
            ("country", "GB"),
            ("country", "AE"),
            ("treatment", "mesotherapy"),
            ("near", "1,1"),
            ("radius_km", "5"),
            ("min_score", "50"),
            ("core_verified", "true"),
            ("page", "4"),
        ]
    )
    found = {(r.field, r.value): r.params.request for r in relaxations(params)}
    assert set(found) == {
        ("country", "GB"),
        ("country", "AE"),
        ("treatment", "mesotherapy"),
        ("radius_km", "5"),
        ("min_score", "50"),
        ("core_verified", "true"),
    }
    assert found[("country", "GB")].country == ("AE",)
    assert found[("country", "GB")].treatment == ("mesotherapy",)
    assert found[("radius_km", "5")].radius_km is None
    assert found[("radius_km", "5")].near == (1.0, 1.0)
    assert {r.q for r in found.values()} == {"meso"}  # the words stay: the index says which failed
    assert {r.page for r in found.values()} == {1}
    assert active_filters(params) == relaxations(params)


def test_relaxations_never_drop_every_word_at_once():
    assert relaxations(parse([("q", "botox london xyzzy")])) == []
    assert relaxations(parse([])) == []


@pytest.mark.parametrize(
    "args, places, mapping, written",
    [
        ([], True, True, []),  # read places and patients' words
        ([("anywhere", "true")], False, True, [("anywhere", "true")]),  # places as plain words
        ([("as_typed", "1")], True, False, [("as_typed", "true")]),  # words as typed
    ],
)
def test_undo_flags_travel_in_the_query_string(args, places, mapping, written):
    params = parse([("q", "botox london"), *args])
    assert (params.request.places, params.request.mapping) == (places, mapping)
    assert to_query_args(params) == [("q", "botox london"), *written]


def test_a_place_name_in_near_goes_to_the_index_to_resolve():
    params = parse([("near", "Londres"), ("radius_km", "10")])
    assert params.request.near_place == "Londres" and params.request.near is None
    assert to_query_args(params) == [("near", "Londres"), ("radius_km", "10")]


@pytest.mark.parametrize(
    "query, expected",
    [
        # numbers as JSON writes them: many decimals, exponents, whole numbers with ".0" (#13)
        ([("near", "1,1"), ("radius_km", "777.1712434867763")], {"radius_km": 777.171}),
        ([("min_score", "59.40149089237804")], {"min_score": 59.4}),
        ([("min_score", "1e-05")], {"min_score": 0.0}),
        ([("page", "2.0"), ("per_page", "1e1")], {"page": 2, "per_page": 10}),
    ],
)
def test_parse_search_args_reads_numbers_as_the_openapi_document_does(query, expected):
    request = parse(query).request
    assert {name: getattr(request, name) for name in expected} == expected


@pytest.mark.parametrize(
    "query, bad",
    [
        # what the OpenAPI document refuses is refused, counted as sent (#13)
        ([("q", "a" + " " * 200)], "q"),  # 201 characters, even if most are spaces
        ([("near", "London" + " " * 100)], "near"),
        ([("country", "GB")] * 21, "country"),  # 21 values, even if the same one
        ([("country", " GB")], "country"),  # a code exactly, no padding
        ([("treatment", "hair-mesotherapy ")], "treatment"),
        ([("sort", " score")], "sort"),
        ([("page", " 2")], "page"),
        ([("q", "meso"), ("q", "hair")], "q"),  # a one-value parameter given twice
        ([("page", "1"), ("page", "2")], "page"),
        ([("min_score", "1e999")], "min_score"),  # not finite
        ([("min_score", "1" * 40)], "min_score"),  # longer than any number needs
    ],
)
def test_parse_search_args_refuses_what_the_document_refuses(query, bad):
    with pytest.raises(InvalidSearch) as info:
        parse(query)
    assert list(info.value.errors) == [bad]
