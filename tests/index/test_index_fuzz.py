"""No text, however hostile, makes search raise."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import SearchRequest
from index.query import MAX_QUERY_CHARS

HOSTILE = [
    '"unbalanced',  # unbalanced quote
    "((((",  # unbalanced brackets
    "a) OR (b",
    "AND",  # bare operators
    "OR NOT AND",
    "*",  # wildcards
    "?",
    "mes*",
    "name:",  # field syntax
    "name:sk:n",
    "city:[a TO z]",  # range syntax
    "~2 ^3 +-!",
    "x" * 10_000,  # very long
    "ab " * 5000,  # very many words
    "\x00\x01\x1b[31m\x7f",  # control characters
    "💉💆‍♀️🧴",  # emoji, with a zero-width joiner
    "\u202eevil\u202c \u200f\u200e",  # RTL overrides and marks
    "'; DROP TABLE clinics; --",  # SQL
    "<script>alert(1)</script>",  # HTML
    "\ud800",  # a lone surrogate
    "ﷺ ﷽",  # Arabic ligatures that expand under NFKD
    "Ǆ ß İ ﬁ",  # case folding that changes length
]


def check(response, request_q):
    assert response.total >= 0
    for hit in response.hits:
        assert hit.snippet is None or "<script" not in hit.snippet
    if response.suggestion is not None:
        assert len(response.suggestion) <= MAX_QUERY_CHARS * 2


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_plain_text(fixture_index, q):
    check(fixture_index.search(SearchRequest(q=q)), q)
    check(
        fixture_index.search(
            SearchRequest(q=q, city=(q,), treatment=(q,), verified=(q,), sort="score", facets=True)
        ),
        q,
    )


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=300),
    city=st.text(max_size=40),
    page=st.integers(),
    per_page=st.integers(),
    sort=st.text(max_size=10),
    min_score=st.floats(),
)
def test_any_text_never_raises(fixture_index, q, city, page, per_page, sort, min_score):
    request = SearchRequest(
        q=q,
        city=(city,),
        page=page,
        per_page=per_page,
        sort=sort,
        min_score=min_score,
        near=(min_score, min_score),
        radius_km=min_score,
    )
    check(fixture_index.search(request), q)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(alphabet=st.sampled_from("skn: -'élaاأةى\u0640\u064e*\"()"), max_size=30))
def test_text_near_the_analyzers_edges_never_raises(fixture_index, q):
    check(fixture_index.search(SearchRequest(q=q)), q)
