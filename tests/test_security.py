"""Every response carries the security headers: pages, JSON, static files, errors, downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from werkzeug.routing import AnyConverter, IntegerConverter

from directory.accounts import passwords
from directory.clinics.services import save_profile
from directory.security import security_headers, tile_origin
from tests.conftest import make_profile
from tests.moderation.helpers import (
    PDF,
    add_user,
    link_to_clinic,
    log_in,
    log_in_with_mfa,
    pending_claim,
    store_document,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
CSP = (  # with the default map tiles (MAP_TILES), whose host serves the map images
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https://tile.openstreetmap.org; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Evidence documents set a stricter policy of their own, and no referrer at all.
EVIDENCE_ENDPOINTS = {"evidence.download"}
# A value for each URL variable, so that most routes find something to show.
VALUES = {"clinic_id": "c-1", "item_key": "informed-consent", "slug": "x", "token": "x"}


@pytest.fixture
def fast_passwords(monkeypatch):
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def clients(app, db, fast_passwords):
    """Anonymous, a clinic owner, and an admin past the second factor; c-1 has a document."""
    save_profile(db, make_profile("c-1"), actor="test")
    owner = add_user(db, "owner@harley.example", role="clinic")
    link_to_clinic(db, owner, "c-1")
    admin = add_user(db, "ad@vetted.example", role="admin")
    document = store_document(app, db, "c-1", "informed-consent", PDF, "consent.pdf")
    pending_claim(db, "c-1", document=document)
    app.config["TEST_STORED_NAME"] = document["stored_name"]
    owner_client, admin_client = app.test_client(), app.test_client()
    log_in(owner_client, "owner@harley.example")
    log_in_with_mfa(admin_client, db, "ad@vetted.example", admin)
    return {"anonymous": app.test_client(), "owner": owner_client, "admin": admin_client}


def url_of(app, rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            known = {**VALUES, "stored_name": app.config.get("TEST_STORED_NAME", "x")}
            values[name] = known.get(name, "style.css" if rule.endpoint == "static" else "x")
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def assert_secure(response, endpoint: str) -> None:
    headers = response.headers
    where = f"{endpoint} {response.status_code}"
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    if endpoint in EVIDENCE_ENDPOINTS and response.status_code == 200:
        assert headers["Content-Security-Policy"].startswith("default-src 'none'"), where
        assert headers["Referrer-Policy"] == "no-referrer", where
    else:
        assert headers.get("Content-Security-Policy") == CSP, where
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where


def test_every_route_sends_the_security_headers(app, clients):
    seen = set()
    rules = list(app.url_map.iter_rules())
    probes = [(url_of(app, rule), rule.endpoint) for rule in rules] + [
        ("/no-such-page", "none"),
        ("/api/v1/no-such-thing", "none"),
        ("/api/v1/clinics?page=0", "search_api.list_clinics"),
    ]
    for url, endpoint in probes:
        for client in clients.values():
            response = client.get(url)
            response.close()
            assert_secure(response, endpoint)
            seen.add((response.status_code, response.mimetype))
    assert len(rules) > 60
    # Pages, JSON, static files, downloads, redirects, and the errors a GET can meet.
    assert {(200, "text/html"), (200, "application/json"), (200, "text/css")} <= seen
    assert {(200, "application/pdf"), (302, "text/html"), (404, "text/html")} <= seen
    assert {(405, "text/html"), (404, "application/json"), (400, "application/json")} <= seen


def test_an_unexpected_error_page_carries_the_headers(app, client):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    response = client.get("/broken")
    assert response.status_code == 500
    assert_secure(response, "broken")


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example:8443/{z}/{x}/{y}.png", "https://*.tiles.example:8443"),
        ("", None),  # maps turned off
        (None, None),  # no such setting
        ("javascript:alert(1)//{z}", None),  # not a web address
    ],
)
def test_the_map_tile_host_is_allowed_for_images(template, origin):
    assert tile_origin(template) == origin
    images = security_headers({"MAP_TILES": template})["Content-Security-Policy"]
    expected = "img-src 'self' data:" + (f" {origin}" if origin else "") + ";"
    assert expected in images


INLINE = re.compile(r"<style|<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_no_template_needs_what_the_csp_refuses():
    # Inline <style>, <script> without src, style="" and on*="" handlers are blocked by the CSP.
    found = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []
