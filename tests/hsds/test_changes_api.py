"""GET /api/v1/changes: published changes from the ledger, in order, resumable, bounded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.clinics.services import save_profile, set_status
from directory.hsds import changes
from directory.vetting import services as vetting
from tests.conftest import make_profile
from tests.moderation.helpers import pending_claim
from tests.search.test_search_openapi import check


def feed(client, query: str = "") -> dict:
    response = client.get(f"/api/v1/changes{query}")
    assert response.status_code == 200, response.json
    return response.json


def kinds(body: dict) -> list[tuple[str, str]]:
    return [(c["clinic_id"], c["type"]) for c in body["changes"]]


def test_the_stream_of_published_changes(client, db):
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("c-2", status="unpublished"), actor="test")  # never public
    save_profile(db, make_profile("c-1", name="Harley Skin"), actor="test")
    save_profile(db, make_profile("c-2", name="Private", status="unpublished"), actor="test")
    set_status(db, "c-1", "suspended", actor="user:7", reason="a private note")
    set_status(db, "c-2", "published", actor="test")
    set_status(db, "c-2", "unpublished", actor="test")
    body = feed(client)
    assert kinds(body) == [
        ("c-1", "created"),
        ("c-1", "updated"),
        ("c-1", "suspended"),
        ("c-2", "created"),
        ("c-2", "removed"),
    ]
    assert body["changes"][1]["fields"] == ["name"]
    assert body["has_more"] is False
    text = str(body)
    assert "user:7" not in text and "private note" not in text  # who and why stay private


def test_verifications_are_score_changes(client, db):
    save_profile(db, make_profile("c-1"), actor="test")
    today = date.today()
    pending_claim(db, "c-1", "informed-consent")  # claimed, then evidence: no score change
    vetting.verify_claim(
        db,
        "c-1",
        "informed-consent",
        verified_at=today,
        expires_at=today + timedelta(days=365),
        moderator_id=None,
        moderator_name="Ana",
        when=vetting.When(today),
    )
    body = feed(client)
    assert kinds(body) == [("c-1", "created"), ("c-1", "score_changed")]
    assert body["changes"][1]["item"] == "informed-consent"
    assert body["changes"][1]["state"] == "verified"
    assert "Ana" not in str(body)


def test_resumable_in_bounded_pages(client, db):
    for n in range(1, 8):
        save_profile(db, make_profile(f"c-{n}"), actor="test")
    seen, since, pages = [], "", 0
    while True:
        body = feed(client, f"?limit=3{since}")
        seen += [c["clinic_id"] for c in body["changes"]]
        pages += 1
        assert len(body["changes"]) <= 3
        if not body["has_more"]:
            break
        since = f"&since={body['next']}"
    assert seen == [f"c-{n}" for n in range(1, 8)] and pages == 3
    # Nothing new: the same cursor comes back, and later changes start from it.
    quiet = feed(client, f"?since={body['next']}")
    assert quiet["changes"] == [] and quiet["next"] == body["next"]
    save_profile(db, make_profile("c-1", name="New name"), actor="test")
    assert kinds(feed(client, f"?since={body['next']}")) == [("c-1", "updated")]


def test_private_events_still_move_the_cursor(client, db, monkeypatch):
    monkeypatch.setattr(changes, "SCAN", 5)
    for n in range(1, 9):
        save_profile(db, make_profile(f"p-{n}", status="unpublished"), actor="test")
    body = feed(client)
    assert body["changes"] == [] and body["has_more"] is True
    assert changes.decode_cursor(body["next"]) == 5


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("?since=bm9wZQ", "since is not a cursor this API gave out"),
        ("?since=%00%01", "since is not a cursor this API gave out"),
        ("?since=" + "A" * 100, "since is too long"),  # over MAX_CURSOR (#13)
        ("?limit=0", "limit must be a whole number from 1 to 500."),
        ("?limit=lots", "limit must be a whole number from 1 to 500."),
    ],
)
def test_bad_cursors_and_limits_are_json_errors(client, query, reason):
    response = client.get(f"/api/v1/changes{query}")
    assert response.status_code == 400
    assert response.json["error"]["reason"].startswith(reason)


def test_responses_match_our_openapi_document(client, db):
    document = client.get("/api/v1/openapi.json").json
    save_profile(db, make_profile("c-1"), actor="test")
    save_profile(db, make_profile("c-1", name="Renamed"), actor="test")
    check(document, "/api/v1/changes", 200, feed(client))
    check(document, "/api/v1/changes", 400, client.get("/api/v1/changes?limit=0").json)
