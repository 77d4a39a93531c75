"""Patient reports: the public form, its honeypot and limits, and triage by risk."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import render_template

from directory.clinics.services import save_profile, set_status
from tests.conftest import make_app, make_profile
from tests.moderation.helpers import claim_state, pending_claim, verify
from tests.soup import parse_html, text_of

GOOD = {
    "category": "adverse-reaction",
    "description": "Lumps and redness a week after the session.",
    "contact": "patient@example.org",
}


def _reports(db) -> list[dict]:
    return list(db.query("select * from reports order by id"))


def test_a_patient_reports_a_concern_without_an_account(client, db, clinic):
    form = parse_html(client.get("/clinics/c-1/report").get_data(as_text=True))
    categories = [i["value"] for i in form.find_all("input", attrs={"name": "category"})]
    assert categories == [
        "adverse-reaction",
        "unlicensed-practitioner",
        "misleading-claims",
        "wrong-information",
        "other",
    ]
    response = client.post("/clinics/c-1/report", data=GOOD)
    assert response.status_code == 302
    # The patient lands on the report's private status page: its address is the receipt.
    assert re.fullmatch(r"/reports/[A-Za-z0-9_-]{32}\?sent=1", response.headers["Location"])
    [report] = _reports(db)
    assert re.fullmatch(r"R-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", report["reference"])
    token = response.headers["Location"].split("/")[2].split("?")[0]
    assert token not in str(report)  # only its hash is kept
    assert report["category"] == "adverse-reaction"
    assert report["description"] == GOOD["description"]
    assert report["contact"] == "patient@example.org"
    assert report["state"] == "open"
    event = db.execute("select action, target_id, after from events where target_type = 'report'")
    action, target, after = event.fetchone()
    assert (action, target) == ("report.received", f"c-1:{report['id']}")
    assert "patient@example.org" not in after and "Lumps" not in after  # private details


def test_the_report_link_partial_points_at_the_form(app, clinic):
    with app.test_request_context():
        html = render_template("moderation/_report_link.html", clinic={"id": "c-1"})
    assert parse_html(html).find("a")["href"] == "/clinics/c-1/report"


def test_a_filled_honeypot_pretends_success_and_stores_nothing(client, db, clinic):
    response = client.post("/clinics/c-1/report", data={**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/clinics/c-1/report/sent"
    assert _reports(db) == []
    assert db.execute("select count(*) from events where target_type = 'report'").fetchone()[0] == 0


def test_the_honeypot_is_hidden_from_people(client, clinic):
    page = parse_html(client.get("/clinics/c-1/report").get_data(as_text=True))
    trap = page.find("input", attrs={"name": "website"})
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert page.find("div", class_="hp")["aria-hidden"] == "true"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("category", "", "Choose what the concern is about."),  # no category
        ("category", "fraud", "Not a valid choice"),  # a category not on the list
        ("description", "", "Tell us what happened."),  # nothing said
        ("description", "short", "Write between 10 and 5000"),  # too short
        ("description", "x" * 5001, "Write between 10 and 5000"),  # too long
        ("description", "\u200b" * 20, "Tell us what happened."),  # only invisible characters
        ("contact", "c" * 201, "At most 200 characters."),  # contact too long
    ],
)
def test_bad_report_input_is_refused_beside_its_field(client, db, clinic, field, value, message):
    response = client.post("/clinics/c-1/report", data={**GOOD, field: value})
    assert response.status_code == 400
    page = parse_html(response.get_data(as_text=True))
    errors = page.find("ul", id=f"{field}-errors")
    assert errors is not None and message in text_of(errors)
    assert _reports(db) == []
    # What the person typed comes back (except the field that was wrong).
    if field != "description":
        assert GOOD["description"] in text_of(page.find("textarea", attrs={"name": "description"}))


@pytest.mark.parametrize(
    "description, stored",
    [
        # Markup is kept as text and never rendered.
        ("<script>alert('x')</script> it hurt", "<script>alert('x')</script> it hurt"),
        # A right-to-left override and zero-width characters are removed.
        ("Infection \u202eafter\u202c two\u200b days", "Infection after two days"),
        # NUL and other control characters are removed; new lines stay.
        ("Bad\x00 reaction\x07\nnext line", "Bad reaction\nnext line"),
        # Combining accents are normalised (NFC).
        ("Cafe\u0301 clinic hurt me", "Café clinic hurt me"),
    ],
)
def test_hostile_report_text_is_cleaned_and_shown_as_text(
    client, db, clinic, mod_client, description, stored
):
    response = client.post("/clinics/c-1/report", data={**GOOD, "description": description})
    assert response.status_code == 302
    [report] = _reports(db)
    assert report["description"] == stored
    page = mod_client.get(f"/moderation/reports/{report['id']}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert text_of(parse_html(page).find("dd", class_="description")) == " ".join(stored.split())


def test_unpublished_clinics_cannot_be_reported(client, db):
    save_profile(db, make_profile("hidden", status="unpublished"), actor="test")
    assert client.get("/clinics/hidden/report").status_code == 404
    assert client.post("/clinics/hidden/report", data=GOOD).status_code == 404


def test_suspended_clinics_can_still_be_reported(client, db, clinic):
    set_status(db, "c-1", "suspended", actor="test")
    assert client.post("/clinics/c-1/report", data=GOOD).status_code == 302


def test_reports_are_rate_limited_per_address(data_dir, db, clinic):
    app = make_app(data_dir, RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [client.post("/clinics/c-1/report", data=GOOD).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert b"Too many" in client.post("/clinics/c-1/report", data=GOOD).data
    assert len(_reports(db)) == 5
    assert client.get("/clinics/c-1/report").status_code == 200  # reading is not limited


def test_triage_low_risk_closes_the_report(client, db, clinic, mod_client):
    client.post("/clinics/c-1/report", data={**GOOD, "category": "wrong-information"})
    queue = parse_html(mod_client.get("/moderation/?kind=report").get_data(as_text=True))
    assert queue.find("li", attrs={"data-kind": "report"}) is not None
    response = mod_client.post(
        "/moderation/reports/1/triage",
        data={"risk": "low", "outcome": "information-corrected", "note": "Phone fixed."},
    )
    assert response.status_code == 302
    report = _reports(db)[0]
    assert (report["state"], report["risk"], report["outcome"]) == (
        "triaged",
        "low",
        "information-corrected",
    )
    assert report["triaged_by_name"] == "Mo Derator"
    queue = parse_html(mod_client.get("/moderation/?kind=report").get_data(as_text=True))
    assert queue.find("li", attrs={"data-kind": "report"}) is None


def test_only_a_high_risk_report_can_suspend(client, db, clinic, mod_client):
    client.post("/clinics/c-1/report", data=GOOD)
    response = mod_client.post(
        "/moderation/reports/1/triage", data={"risk": "medium", "outcome": "suspend"}
    )
    assert response.status_code == 400
    errors = parse_html(response.get_data(as_text=True)).find("ul", id="outcome-errors")
    assert "Only a high-risk report" in text_of(errors)
    assert _reports(db)[0]["state"] == "open"


def test_a_high_risk_report_suspends_once_confirmed_and_reopens_related_claims(
    app, client, db, clinic, mod_client, mod2_client
):
    today = date.today()
    for key in ("sterile-approved-products", "informed-consent"):
        pending_claim(db, clinic, key)
        verify(db, "c-1", key, on=today, until=today + timedelta(days=200), by="Earlier")
    client.post("/clinics/c-1/report", data=GOOD)  # an adverse reaction
    response = mod_client.post(
        "/moderation/reports/1/triage",
        data={"risk": "high", "outcome": "suspend", "note": "Sounds like an infection."},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/actions"
    assert _reports(db)[0]["outcome"] == "suspension-requested"
    assert db.execute("select status from clinics").fetchone()[0] == "published"
    action_id = db.execute("select id from pending_actions").fetchone()[0]
    mod2_client.post(f"/moderation/actions/{action_id}/confirm")
    assert db.execute("select status from clinics").fetchone()[0] == "suspended"
    # Sterile equipment relates to an adverse reaction; informed consent does not.
    assert claim_state(db, "c-1", "sterile-approved-products") == "pending_review"
    assert claim_state(db, "c-1", "informed-consent") == "verified"
    assert _reports(db)[0]["outcome"] == "listing-suspended"
    assert b"This listing is suspended" in client.get("/clinics/c-1").data


def test_a_report_is_triaged_once(client, db, clinic, mod_client, mod2_client):
    client.post("/clinics/c-1/report", data=GOOD)
    data = {"risk": "low", "outcome": "no-action"}
    assert mod_client.post("/moderation/reports/1/triage", data=data).status_code == 302
    late = mod2_client.post("/moderation/reports/1/triage", data={**data, "risk": "medium"})
    assert late.status_code == 400
    assert "already triaged by Mo Derator" in late.get_data(as_text=True)
    assert _reports(db)[0]["risk"] == "low"


def _status(client, location: str):
    page = parse_html(client.get(location).get_data(as_text=True))
    return page.find("ol", class_="steps")["data-status"], page


def test_the_status_link_follows_the_report_to_its_public_outcome(client, db, clinic, mod_client):
    location = client.post("/clinics/c-1/report", data=GOOD).headers["Location"]
    status, page = _status(client, location)
    assert status == "received"
    reference = _reports(db)[0]["reference"]
    assert text_of(page.find("span", class_="reference")) == reference
    assert "Thank you" in text_of(page.find("div", class_="notice"))
    # What the patient wrote is not on the page (the link could be shared).
    assert "Lumps" not in text_of(page) and "patient@example.org" not in text_of(page)
    mod_client.post(
        "/moderation/reports/1/triage",
        data={"risk": "low", "outcome": "clinic-contacted", "note": "Called them."},
    )
    status, page = _status(client, location.split("?")[0])
    assert status == "action-taken"
    assert "A moderator contacted the clinic about your report." in text_of(
        page.find("p", class_="outcome")
    )
    assert "Called them." not in text_of(page)  # the moderators' note stays private


@pytest.mark.parametrize(
    "token",
    [
        "not-a-real-token-at-all-000000",  # well formed, unknown
        "short",  # too short to be one
        "x" * 300,  # far too long
        "%3Cscript%3E" * 3,  # markup
    ],
)
def test_an_unknown_status_link_is_404(client, clinic, token):
    response = client.get(f"/reports/{token}")
    assert response.status_code == 404


def test_the_status_page_is_private_to_caches_and_referrers(client, clinic):
    location = client.post("/clinics/c-1/report", data=GOOD).headers["Location"]
    response = client.get(location)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_form_promises_what_the_four_eyes_rule_does(client, clinic):
    page = parse_html(client.get("/clinics/c-1/report").get_data(as_text=True))
    text = text_of(page.find("main"))
    assert "at once" not in text
    assert "two moderators can take the listing off search" in text
    assert "a reference and a private link" in text


def _report_from(client, address: str) -> int:
    headers = {"X-Forwarded-For": address}
    return client.post("/clinics/c-1/report", data=GOOD, headers=headers).status_code


def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(data_dir, db, clinic):
    app = make_app(data_dir, RATELIMIT_ENABLED=True, PROXY_HOPS=1)
    client = app.test_client()
    assert [_report_from(client, f"203.0.113.{n}") for n in range(6)] == [302] * 6
    assert [_report_from(client, "198.51.100.7") for _ in range(6)] == [302] * 5 + [429]


def test_without_a_trusted_proxy_a_forged_address_does_not_escape_the_limit(data_dir, db, clinic):
    client = make_app(data_dir, RATELIMIT_ENABLED=True).test_client()
    assert [_report_from(client, f"203.0.113.{n}") for n in range(6)] == [302] * 5 + [429]


@pytest.mark.parametrize("value", ["-1", "6", "one", "1.5"])
def test_a_mistyped_proxy_count_is_refused(data_dir, value):
    with pytest.raises(ValueError, match="VETTED_PROXY_HOPS must be a whole number from 0 to 5"):
        make_app(data_dir, PROXY_HOPS=value)
