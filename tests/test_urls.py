"""Addresses without Flask: the one safe_next, and dashboard links built outside a request."""

from __future__ import annotations

import pytest

from directory.urls import MAX_NEXT, dashboard_links, safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/manage/c-1", "/manage/c-1"),  # a path on this site
        ("/moderation/?kind=claim", "/moderation/?kind=claim"),  # with its query
        ("/" + "a" * (MAX_NEXT - 1), "/" + "a" * (MAX_NEXT - 1)),  # as long as allowed
        ("/" + "a" * MAX_NEXT, None),  # longer
        (None, None),  # nothing given
        ("", None),
        ("https://evil.example/", None),  # another site
        ("//evil.example/x", None),  # scheme-relative: another site
        ("/\\evil.example", None),  # a backslash reads as a slash in some browsers
        ("/a\\b", None),
        ("javascript:alert(1)", None),  # not a path
        ("manage", None),  # relative
        ("/\n", None),  # a newline would split the Location header
        ("/a\rb", None),
        ("/a\tb", None),  # any control character
        ("/a\x7fb", None),  # DEL
        (["/a"], None),  # not text at all
    ],
)
def test_safe_next_rule(target, expected):
    assert safe_next(target) == expected
    assert safe_next(target, "/home") == (expected or "/home")


def test_dashboard_links_need_no_request(app):
    link = dashboard_links(app.url_map, "https://vetted.example/")
    assert link("c-1") == "https://vetted.example/manage/c-1"
    # Ids are quoted as the routing would quote them.
    assert link("a b") == "https://vetted.example/manage/a%20b"
