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
from directory.moderation.service_levels import add_working_days
from directory.vetting.checklist import load_checklist
from tests.conftest import make_profile
from tests.moderation.helpers import add_user, log_in, log_in_with_mfa, pending_claim
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
        (r["data-kind"], r["data-clinic-id"], text_of(r.find("time", class_="age")))
        for r in page.find_all("li", class_="queue-row")
    ]
    counts = {
        s["data-count"]: int(text_of(s)) for s in page.find_all("span") if "data-count" in s.attrs
    }
    return rows, counts


def test_one_queue_of_every_kind_by_risk_then_by_service_level(work, mod_client):
    rows, counts = _rows(mod_client)
    kinds = [(kind, clinic) for kind, clinic, _ in rows]
    # The untriaged report first; then, by how far past its level each is: the listing
    # (5 working days, 2 days ago), the ownership request (5 working days, now), c-1's claim
    # (10 working days, 3 days ago), ae-1's claim (10 working days, 1 day ago).
    assert kinds == [
        ("report", "c-1"),
        ("listing", kinds[1][1]),
        ("ownership", "ae-1"),
        ("claim", "c-1"),
        ("claim", "ae-1"),
    ]
    assert [age for _, _, age in rows] == ["5 days", "2 days", "just now", "3 days", "1 day"]
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
        # Country: AE has one claim and one ownership request (due first: 5 working days).
        (
            "?country=ae",
            ["ownership", "claim"],
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
        "?page=0",  # pages start at 1
        "?page=abc",  # not a number
        "?page=%C2%B2",  # a superscript two is a digit to str.isdigit, not a page
        "?page=99999999999999999999",  # absurdly far
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


def test_a_harm_report_arriving_now_goes_above_older_overdue_work(db, work, mod_client):
    db.execute("update claims set clinic_changed_at = '2020-01-06T09:00:00+00:00'")
    submit_report(db, "ae-1", category="adverse-reaction", description="Infection after a session.")
    rows, _ = _rows(mod_client)
    # Both reports are untriaged; the harm report is due within 24 hours, the other one
    # (presumed medium, 3 days) was due two days ago: it is the more overdue of the two.
    assert [(k, c) for k, c, _ in rows[:2]] == [("report", "c-1"), ("report", "ae-1")]
    page = parse_html(mod_client.get("/moderation/").get_data(as_text=True))
    harm = page.find("li", attrs={"data-clinic-id": "ae-1", "data-kind": "report"})
    assert harm["data-risk"] == "high" and harm["data-band"] == "0"
    assert "High risk (presumed)" in text_of(harm)
    assert text_of(harm.find("span", class_="due")).startswith("Due in 23 hours")
    # The claims from 2020 are overdue, but below every report.
    claim = page.find("li", attrs={"data-kind": "claim"})
    assert "is-overdue" in claim["class"] and text_of(claim).count("Overdue by") == 1


def test_each_row_shows_its_due_time_from_the_service_levels(db, work, mod_client):
    page = parse_html(mod_client.get("/moderation/?kind=claim").get_data(as_text=True))
    row = page.find("li", attrs={"data-clinic-id": "c-1"})
    due = datetime.fromisoformat(row.find("time", class_="due-at")["datetime"])
    since = datetime.fromisoformat(row.find("time", class_="age")["datetime"])
    assert due == add_working_days(since, 10)


@pytest.fixture
def many_claims(db, clinic):
    """120 pending claims over 12 clinics, made a day apart (the oldest is row 1)."""
    items = [item.key for item in load_checklist().items][:10]
    for n in range(12):
        save_profile(db, make_profile(f"m-{n:02d}", name=f"Many {n:02d}"), actor="test")
        for item in items:
            pending_claim(db, f"m-{n:02d}", item)
    rows = list(db.query("select clinic_id, item_key from claims order by clinic_id, item_key"))
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for n, row in enumerate(rows):
        db.execute(
            "update claims set clinic_changed_at = ? where clinic_id = ? and item_key = ?",
            [(start + timedelta(hours=n)).isoformat(), row["clinic_id"], row["item_key"]],
        )
    return rows


def test_the_queue_comes_in_pages_of_fifty(many_claims, mod_client):
    first, counts = _rows(mod_client)
    assert len(first) == 50 and counts["all"] == 120
    third, _ = _rows(mod_client, "?page=3")
    assert len(third) == 20
    # Past the end: the last page. The filters stay in the pager's links.
    assert _rows(mod_client, "?page=9")[0] == third
    page = parse_html(mod_client.get("/moderation/?kind=claim&page=2").get_data(as_text=True))
    pager = page.find("nav", class_="pager")
    assert text_of(pager.find("span")) == "Page 2 of 3"
    assert "kind=claim" in pager.find("a", rel="next")["href"]
    numbers = page.find("ol", class_="queue")
    assert numbers["start"] == "51"


def test_the_header_counts_overdue_work_for_moderators_only(db, many_claims, mod_client, app):
    page = parse_html(mod_client.get("/clinics").get_data(as_text=True))
    count = page.find("header").find("span", class_="overdue-count")
    assert count["data-overdue"] == "120" and text_of(count) == "120 overdue"
    anonymous = parse_html(app.test_client().get("/clinics").get_data(as_text=True))
    assert anonymous.find("span", class_="overdue-count") is None


def test_nothing_overdue_shows_no_count(work, mod_client):
    page = parse_html(mod_client.get("/moderation/").get_data(as_text=True))
    # The untriaged report (5 days old, presumed medium: 3 days) is the only late item.
    assert page.find("span", class_="overdue-count")["data-overdue"] == "1"


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("moderator", "/moderation/"),  # moderators land on the queue
        ("admin", "/moderation/"),  # and so do admins
        ("clinic", "/manage/"),  # clinics on their clinics
    ],
)
def test_after_logging_in_each_role_lands_where_its_work_is(app, db, role, landing):
    add_user(db, f"someone-{role}@land.example", role=role)
    response = log_in(app.test_client(), f"someone-{role}@land.example")
    assert response.status_code == 302 and response.headers["Location"] == landing
