"""The one queue of work: every kind, oldest first, with ages, counts and filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directory.accounts import storage as accounts_storage
from directory.accounts.services import create_listing, request_ownership
from directory.accounts.storage import get_user, list_listing_requests, list_ownership_requests
from directory.clinics.services import save_profile
from directory.moderation import storage as moderation_storage
from directory.moderation.queue import age
from directory.moderation.reports import submit_report
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, log_in_with_mfa, pending_claim
from tests.soup import parse_html, text_of

DUBAI = {
    "lines": ["Jumeirah Road"],
    "city": "Dubai",
    "region": None,
    "postcode": None,
    "country": "AE",
}


@pytest.fixture
def work(db, clinic, monkeypatch):
    """One item of each kind, made in a known order, with known waiting times."""
    save_profile(db, make_profile("ae-1", name="Dubai Glow", address=DUBAI), actor="test")
    pending_claim(db, "ae-1", "licensed-staff")
    pending_claim(db, "c-1", "informed-consent")
    # Spread the waiting times: oldest is the report (5 days), then c-1's claim (3 days)...
    now = datetime.now(UTC).replace(microsecond=0)
    ago = {
        name: (now - timedelta(days=d)).isoformat()
        for name, d in (("report", 5), ("c1", 3), ("listing", 2), ("ae1", 1))
    }
    # Reports and requests cannot be edited afterwards (docs/ledger.md): write them back-dated.
    with monkeypatch.context() as clock:
        clock.setattr(moderation_storage, "utcnow", lambda: ago["report"])
        submit_report(db, "c-1", category="other", description="Waited two hours, no apology.")
    applicant = add_user(db, "new@newclinic.example", role="clinic")
    profile = make_profile("x", name="Brand New Clinic")
    del profile["id"], profile["status"]
    with monkeypatch.context() as clock:
        clock.setattr(accounts_storage, "utcnow", lambda: ago["listing"])
        create_listing(db, get_user(db, applicant), profile)
    claimant = add_user(db, "someone@gmail.com", role="clinic")
    request_ownership(db, get_user(db, claimant), "ae-1")
    db.execute("update claims set clinic_changed_at = ? where clinic_id = 'c-1'", [ago["c1"]])
    db.execute("update claims set clinic_changed_at = ? where clinic_id = 'ae-1'", [ago["ae1"]])
    return now


# Kinds with nothing waiting in these tests (patient experiences have their own, #17).
NONE = {"experience": 0}


def _rows(client, query=""):
    page = parse_html(client.get(f"/moderation/{query}").get_data(as_text=True))
    rows = [
        (r["data-kind"], r["data-clinic-id"], text_of(r.find("time")))
        for r in page.find_all("tr")
        if "data-kind" in r.attrs
    ]
    counts = {
        s["data-count"]: int(text_of(s)) for s in page.find_all("span") if "data-count" in s.attrs
    }
    return rows, counts


def test_one_queue_of_every_kind_oldest_first_with_ages(work, mod_client):
    rows, counts = _rows(mod_client)
    kinds = [(kind, clinic) for kind, clinic, _ in rows]
    assert kinds[:4] == [
        ("report", "c-1"),
        ("claim", "c-1"),
        ("listing", kinds[2][1]),
        ("claim", "ae-1"),
    ]
    assert kinds[4] == ("ownership", "ae-1")  # just now
    assert [age for _, _, age in rows[:4]] == ["5 days", "3 days", "2 days", "1 day"]
    assert counts == {"all": 5, "claim": 2, "listing": 1, "ownership": 1, "report": 1} | NONE


@pytest.mark.parametrize(
    "query, expected_kinds, expected_counts",
    [
        # Kind: only that kind is listed; the counts still show every kind.
        (
            "?kind=claim",
            ["claim", "claim"],
            {"all": 5, "claim": 2, "listing": 1, "ownership": 1, "report": 1},
        ),
        # Country: AE has one claim and one ownership request.
        (
            "?country=ae",
            ["claim", "ownership"],
            {"all": 2, "claim": 1, "listing": 0, "ownership": 1, "report": 0},
        ),
        # Checklist item: only claims for that item.
        (
            "?item=licensed-staff",
            ["claim"],
            {"all": 1, "claim": 1, "listing": 0, "ownership": 0, "report": 0},
        ),
        # Filters combine.
        (
            "?country=GB&item=licensed-staff",
            [],
            {"all": 0, "claim": 0, "listing": 0, "ownership": 0, "report": 0},
        ),
    ],
)
def test_queue_filters(work, mod_client, query, expected_kinds, expected_counts):
    rows, counts = _rows(mod_client, query)
    assert [kind for kind, _, _ in rows] == expected_kinds
    assert counts == expected_counts | NONE


@pytest.mark.parametrize(
    "query",
    [
        "?kind=everything",  # not a kind
        "?country=GBR",  # not two letters
        "?country=%3Cscript%3E",  # markup
        "?item=no-such-item",  # not on the checklist
    ],
)
def test_bad_filters_are_400(work, mod_client, query):
    assert mod_client.get(f"/moderation/{query}").status_code == 400


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "just now"),  # now
        (59, "just now"),  # under a minute
        (60, "1 minute"),  # singular
        (7200, "2 hours"),  # plural hours
        (86400 * 3 + 5, "3 days"),  # days win
    ],
)
def test_age_wording(seconds, text):
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert age((now - timedelta(seconds=seconds)).isoformat(), now) == text


def test_listing_and_ownership_decisions_from_the_queue(app, db, work, mod_client):
    [listing] = list_listing_requests(db)
    assert mod_client.get(f"/moderation/listings/{listing['id']}").status_code == 200
    response = mod_client.post(f"/moderation/listings/{listing['id']}/approve", data={})
    assert response.status_code == 302
    status = db.execute("select status from clinics where id = ?", [listing["clinic_id"]])
    assert status.fetchone()[0] == "published"
    [ownership] = list_ownership_requests(db)
    response = mod_client.post(
        f"/moderation/ownership/{ownership['id']}/reject",
        data={"reason": "We could not link you to this clinic."},
    )
    assert response.status_code == 302
    assert list_ownership_requests(db) == []
    rows, counts = _rows(mod_client)
    assert counts["listing"] == 0 and counts["ownership"] == 0


def test_an_ownership_claimant_on_the_moderators_domain_is_a_conflict(app, db, work):
    insider = add_user(db, "mod@gmail.com")  # the claimant is someone@gmail.com
    client = app.test_client()
    log_in_with_mfa(client, db, "mod@gmail.com", insider)
    [ownership] = list_ownership_requests(db)
    response = client.post(f"/moderation/ownership/{ownership['id']}/approve", data={})
    assert response.status_code == 403
    assert list_ownership_requests(db)[0]["state"] == "pending"
