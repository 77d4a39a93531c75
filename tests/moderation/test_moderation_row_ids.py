"""Every route with a number in its path, as staff: a number SQLite cannot hold is a 404.

It was a 500 (an OverflowError binding the id) on the moderation routes before
directory/urls.py RowId became the app's `int` converter.
"""

from __future__ import annotations

import re

import pytest

from directory.urls import ROW_ID_MAX

PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def numbered_routes(app) -> list[tuple[str, str, str]]:
    """Return (method, path template, endpoint) for every rule with an `int` part."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not any(type(c).__name__ == "RowId" for c in rule._converters.values()):
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        routes.append((method, rule.rule, rule.endpoint))
    return sorted(routes)


def fill(template: str, number: int) -> str:
    """Put `number` in each int part, c-1 in each clinic, the first choice in each any()."""

    def part(match: re.Match) -> str:
        converter, args, name = match.groups()
        if converter == "int":
            return str(number)
        if converter == "any":
            return args.split(",")[0].strip()
        return "c-1" if "clinic" in name else "x"

    return PLACEHOLDER.sub(part, template)


def test_the_app_has_numbered_routes_in_every_back_office(app):
    endpoints = {endpoint.split(".")[0] for _, _, endpoint in numbered_routes(app)}
    assert {"moderation", "clinic_admin", "experiences_moderation"} <= endpoints


@pytest.mark.parametrize("number", [ROW_ID_MAX + 1, 10**30])
def test_a_number_too_large_for_sqlite_is_no_page(app, clinic, admin_client, number):
    for method, template, endpoint in numbered_routes(app):
        response = admin_client.open(fill(template, number), method=method)
        # 405 when werkzeug's matcher prefers "wrong method" for the same path: still no page.
        assert response.status_code in (404, 405), (endpoint, response.status_code)


def test_the_largest_id_sqlite_holds_finds_nothing_and_breaks_nothing(app, clinic, admin_client):
    for method, template, endpoint in numbered_routes(app):
        response = admin_client.open(fill(template, ROW_ID_MAX), method=method)
        assert response.status_code < 500, (endpoint, response.status_code)
