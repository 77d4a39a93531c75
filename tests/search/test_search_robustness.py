"""Hostile input never produces a 500 or a traceback: 200 with a message, or a 400."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.errors import MAX_URL_BYTES
from directory.search.params import PARAMETERS

HOSTILE_QUERIES = [
    '"unbalanced',  # an unbalanced quote
    "meso AND OR NOT",  # boolean operators with nothing after them
    "NOT",  # an operator alone
    "(((meso",  # unbalanced parentheses
    "*",  # a bare wildcard
    "m?so*",  # wildcards inside a word
    "name:",  # a field name with no value
    "name:Harley status:unpublished",  # fields that are not for users
    "meso~2 ^3 [a TO z] {x}",  # fuzzy, boost and range syntax
    "\\",  # a lone escape
    "'; DROP TABLE clinics; --",  # SQL
    "<script>alert(1)</script>",  # HTML
    "\x00\x01\x1b[31m",  # control characters
    "\u202emeso\u200f",  # right-to-left override and mark
    "💉💆‍♀️",  # emoji with a zero-width joiner
    "ميزوثيرابي الشعر",  # Arabic
    "x" * 10_000,  # 10,000 characters
    "a " * 100,  # many tiny words
    "   ",  # only spaces
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_never_fail(client, clinics, q):
    query = urlencode({"q": q})
    api = client.get("/api/v1/clinics?" + query)
    page = client.get("/search?" + query)
    too_long = len(q) > 200  # counted as sent
    # An address over the app's cap is refused whole, before q is read (#13).
    expected = 414 if len("/api/v1/clinics?" + query) > MAX_URL_BYTES else 400 if too_long else 200
    assert api.status_code == expected, api.json
    assert page.status_code == expected
    if expected == 414:
        assert "longer than we accept" in api.json["error"]["reason"]
    elif too_long:
        assert api.json["error"]["reason"].startswith("q is too long")
    else:
        assert isinstance(api.json["results"], list)
    assert b"Traceback" not in page.data and b"Something went wrong" not in page.data


def test_invalid_utf8_and_odd_encodings_never_fail(client, clinics):
    for raw in (b"q=%ff%fe", b"q=%c3%28", b"q=%ed%a0%80", b"country=%00&q=%", b"q=a&q=b&page=2"):
        for path in ("/api/v1/clinics", "/search"):
            # WSGI carries the raw query string as latin-1 text, undecoded.
            environ = {"QUERY_STRING": raw.decode("latin-1")}
            response = client.get(path, environ_overrides=environ)
            assert response.status_code in (200, 400), (path, raw)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_value = st.one_of(
    _text,
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "",
            "GB",
            "en",
            "mesotherapy",
            "distance",
            "score",
            "true",
            "London",
            "Londres",
            "لندن",
            "İSTANBUL",
            "London, UK",
            "uk",
            "51.5,-0.1",
            "1e309",
            "NaN",
            "-0",
            "0x10",
        ]
    ),
)
_params = st.lists(
    st.tuples(
        st.sampled_from([*PARAMETERS, "other"]),
        _value,
    ),
    max_size=6,
)


@settings(
    max_examples=150,
    deadline=None,
    # The app and its clinics are only read, so sharing them between examples is safe.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=_params)
def test_any_parameters_give_200_or_400_never_500(client, clinics, params):
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
    api = client.get("/api/v1/clinics?" + query)
    assert api.status_code in (200, 400), (query, api.data[:300])
    if api.status_code == 400:
        assert set(api.json) == {"error"} and api.json["error"]["reason"]
    else:
        assert api.json["total"] >= 0
    page = client.get("/search?" + query)
    assert page.status_code == api.status_code, query
    assert b"Traceback" not in page.data


HOSTILE_PLACES = [
    "Qwxzyville",  # no such place: ignored with a note
    "London, , ,UK,",  # stray commas
    "لندن London Лондон ロンドン",  # mixed scripts
    "\u202eLondon\u202c",  # bidi override around a real place
    "İıIi" * 25,  # Turkish i in every form, 100 characters
    "x" * 100,  # the longest accepted
    "x" * 101,  # one too many: 400
    "uk usa uae",  # three countries at once
]


@pytest.mark.parametrize("near", HOSTILE_PLACES)
def test_hostile_place_names_never_fail(client, clinics, near):
    for q in ("", "mesotherapy dubai"):
        args = urlencode({"q": q, "near": near, "radius_km": "10", "sort": "distance"})
        api = client.get("/api/v1/clinics?" + args)
        page = client.get("/search?" + args)
        assert api.status_code == page.status_code == (400 if len(near) > 100 else 200)
        if api.status_code == 200:
            assert isinstance(api.json["results"], list)
        assert b"Traceback" not in page.data
