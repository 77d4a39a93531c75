"""Transparency from the ledger, the audit page, and the CSV export (safe in spreadsheets)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from directory.clinics.services import get_profile, save_profile
from directory.events import record_event
from directory.moderation import audit, transparency
from directory.moderation.export import safe_cell
from directory.moderation.service_levels import load_levels
from tests.moderation.helpers import pending_claim, verify
from tests.soup import foreign_scripts, parse_html, text_of

TODAY = date(2026, 11, 22)


def _claim_event(at: str, before: str, after: str, target: str = "c-1:x", reason=None) -> dict:
    return {
        "at": at,
        "action": f"claim.{after}",
        "target_type": "claim",
        "target_id": target,
        "before": {"state": before},
        "after": {"state": after},
        "reason": reason,
    }


def test_decisions_are_counted_per_month_for_the_last_twelve():
    events = [
        _claim_event("2026-11-02T10:00:00+00:00", "pending_review", "verified"),
        _claim_event("2026-11-03T10:00:00+00:00", "pending_review", "rejected", "c-2:x"),
        _claim_event("2026-10-15T10:00:00+00:00", "pending_review", "verified", "c-3:x"),
        _claim_event("2025-11-30T10:00:00+00:00", "pending_review", "verified", "c-4:x"),  # too old
        _claim_event("2026-09-01T10:00:00+00:00", "claimed", "pending_review"),  # not a decision
        # A request for more information hands the claim back: not a decision.
        _claim_event("2026-11-04T10:00:00+00:00", "pending_review", "claimed", "c-5:x"),
    ]
    months = transparency.decisions_per_month(events, TODAY)
    assert len(months) == 12
    assert months[0][0] == "2025-12" and months[-1][0] == "2026-11"
    assert dict(months)["2026-11"] == [1, 1]
    assert dict(months)["2026-10"] == [1, 0]
    assert sum(v[0] + v[1] for _, v in months) == 3


def test_median_wait_runs_from_first_evidence_to_decision():
    events = [
        # c-1: evidence on the 1st, more on the 3rd, verified on the 5th: 4 days.
        _claim_event("2026-11-01T00:00:00+00:00", "claimed", "pending_review"),
        _claim_event("2026-11-03T00:00:00+00:00", "pending_review", "pending_review"),
        _claim_event("2026-11-05T00:00:00+00:00", "pending_review", "verified"),
        # c-2: evidence then rejected after 1 day.
        _claim_event("2026-11-01T00:00:00+00:00", "claimed", "pending_review", "c-2:x"),
        _claim_event("2026-11-02T00:00:00+00:00", "pending_review", "rejected", "c-2:x"),
        # c-3: evidence, then 10 days; then withdrawn: no decision, no wait counted.
        _claim_event("2026-11-01T00:00:00+00:00", "claimed", "pending_review", "c-3:x"),
        _claim_event("2026-11-11T00:00:00+00:00", "pending_review", "claimed", "c-3:x"),
        # c-4: evidence, 7 days, verified.
        _claim_event("2026-11-01T00:00:00+00:00", "claimed", "pending_review", "c-4:x"),
        _claim_event("2026-11-08T00:00:00+00:00", "pending_review", "verified", "c-4:x"),
    ]
    assert sorted(transparency.decision_waits(events)) == [1.0, 4.0, 7.0]


def test_report_figures_follow_each_reports_latest_outcome():
    def report(action, target, after):
        return {
            "at": "2026-11-01T00:00:00+00:00",
            "action": action,
            "target_type": "report",
            "target_id": target,
            "before": None,
            "after": after,
        }

    events = [
        report("report.received", "c-1:1", {"category": "adverse-reaction"}),
        report("report.received", "c-1:2", {"category": "other"}),
        report("report.received", "c-2:3", {"category": "adverse-reaction"}),
        report("report.triaged", "c-1:1", {"risk": "high", "outcome": "suspension-requested"}),
        report("report.outcome", "c-1:1", {"outcome": "listing-suspended"}),
        report("report.triaged", "c-1:2", {"risk": "low", "outcome": "no-action"}),
    ]
    figures = transparency.report_figures(events)
    assert figures["received"] == 3
    assert dict(figures["by_category"])["Adverse reaction or infection"] == 2
    assert dict(figures["by_outcome"]) == {
        "Awaiting triage": 1,
        "No action needed": 1,
        "Listing suspended": 1,
    }


def test_the_public_page_shows_live_figures_as_svg_charts_with_tables(
    client, db, clinic, mod_client
):
    pending_claim(db, clinic)
    today = date.today()
    verify(db, "c-1", "informed-consent", on=today, until=today + timedelta(days=100), by="M")
    client.post(
        "/clinics/c-1/report",
        data={"category": "other", "description": "Rude reception staff."},
    )
    page = parse_html(client.get("/transparency").get_data(as_text=True))
    assert text_of(page.find(attrs={"data-figure": "verified"})) == "1"
    assert text_of(page.find(attrs={"data-figure": "rejected"})) == "0"
    assert text_of(page.find(attrs={"data-figure": "reports"})) == "1"
    assert text_of(page.find(attrs={"data-figure": "median-wait"})).endswith("days")
    assert text_of(page.find(attrs={"data-figure": "core-fresh"})) == "0.0%"
    charts = page.find_all("figure")
    assert len(charts) == 3
    for chart in charts:
        svg = chart.find("svg")
        assert svg["role"] == "img" and text_of(svg.find("title"))
        assert chart.find("table") is not None  # the same numbers as text
    decisions = charts[0].find("table")
    row = [
        r
        for r in decisions.find_all("tr")
        if r.find("th") and text_of(r.find("th")) == today.strftime("%Y-%m")
    ]
    assert [text_of(td) for td in row[0].find_all("td")] == ["1", "0"]
    assert foreign_scripts(page) == []


def test_audit_page_lists_every_event_about_the_clinic(db, clinic, mod_client):
    pending_claim(db, clinic)
    record_event(db, actor="x", action="clinic.updated", target_type="clinic", target_id="c-10")
    page = parse_html(mod_client.get("/moderation/clinics/c-1/audit").get_data(as_text=True))
    actions = [li["data-action"] for li in page.find("ol", class_="timeline").find_all("li")]
    assert actions == ["clinic.created", "claim.claimed", "claim.pending_review"]


def _timeline(client, clinic_id="c-1"):
    page = parse_html(client.get(f"/moderation/clinics/{clinic_id}/audit").get_data(as_text=True))
    return page.find("ol", class_="timeline").find_all("li", recursive=False)


def test_the_audit_timeline_names_people_and_says_what_changed(db, clinic, mod_client, people):
    owner = db.execute("select id from users where email = 'owner@harley.example'").fetchone()[0]
    before = get_profile(db, "c-1")
    arabic = "عيادة هارلي للبشرة"
    save_profile(
        db,
        {**before, "name": arabic, "contact": {**before["contact"], "phone": "+44 20 7946 0999"}},
        actor=f"user:{owner}",
    )
    pending_claim(db, clinic)
    verify(db, clinic, "informed-consent", on=TODAY, until=TODAY + timedelta(days=365))
    entries = _timeline(mod_client)
    edit = next(li for li in entries if li["data-action"] == "clinic.updated")
    assert text_of(edit.find("span", class_="actor")) == "Clinic Owner"
    assert text_of(edit.find("span", class_="role")) == "(clinic account)"
    assert text_of(edit.find("p", class_="event-what")) == "Edited the profile"
    rows = {
        text_of(tr.find("th")): [text_of(td) for td in tr.find_all("td")]
        for tr in edit.find("table", class_="changes").find("tbody").find_all("tr")
    }
    # Only the two fields that changed, each with its label, before and after; Arabic as Arabic.
    assert rows == {
        "Clinic name": ["Harley Skin Clinic", arabic],
        "Phone": ["+44 20 7946 0000", "+44 20 7946 0999"],
    }
    raw = text_of(edit.find("details").find("pre"))
    assert arabic in raw and "\\u0639" not in raw
    verified = next(li for li in entries if li["data-action"] == "claim.verified")
    assert text_of(verified.find("p", class_="event-what")).startswith(
        "Verified “Risks, benefits and aftercare explained in writing"
    )
    # Only the raw events, behind their disclosures, say "user:4".
    assert all("user:" not in text_of(li.find("p", class_="event-head")) for li in entries)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("demo", ("Demo data", "generated")),  # the demo generator
        ("public", ("A patient", "no account")),  # a report, sent without an account
        ("moderator:Omar Haddad", ("Omar Haddad", "moderator")),  # a moderator named by name
        ("user:999", ("Deleted account 999", "unknown")),  # an account that is gone
        ("something-else", ("something-else", "")),  # anything else, as it is
    ],
)
def test_actors_are_named(db, actor, expected):
    assert audit.actor_names(db, {actor})[actor] == expected


def test_the_csv_export_is_unchanged_by_the_timeline(db, clinic, mod_client):
    response = mod_client.get("/moderation/ledger.csv?clinic=c-1")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "at", "actor", "action", "target_type", "target_id"] + [
        "before",
        "after",
        "reason",
    ]
    assert rows[1][2:4] == ["test", "clinic.created"]


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),  # a formula
        ("+1+1", "'+1+1"),  # plus
        ("-2+3", "'-2+3"),  # minus
        ("@SUM(A1)", "'@SUM(A1)"),  # at
        ("\t=1", "'\t=1"),  # a tab hiding a formula
        ("\r=1", "'\r=1"),  # a carriage return hiding one
        ("plain text", "plain text"),  # ordinary text untouched
        ("a=b", "a=b"),  # an equals sign inside is fine
        (None, ""),  # empty
        (42, "42"),  # numbers as text
        ({"state": "=x"}, '{"state": "=x"}'),  # JSON starts with a brace
    ],
)
def test_csv_cells_cannot_start_a_formula(value, cell):
    assert safe_cell(value) == cell


def test_ledger_export_is_csv_with_formulas_defused(db, clinic, mod_client):
    record_event(
        db,
        actor="=cmd|' /C calc'!A0",
        action="clinic.updated",
        target_type="clinic",
        target_id="c-1",
        reason="@SUM(1+1)",
    )
    response = mod_client.get("/moderation/ledger.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "id",
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "before",
        "after",
        "reason",
    ]
    hostile = rows[-1]
    assert hostile[2] == "'=cmd|' /C calc'!A0" and hostile[8] == "'@SUM(1+1)"
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@"))


def test_ledger_export_for_one_clinic(db, clinic, mod_client):
    record_event(db, actor="x", action="clinic.updated", target_type="clinic", target_id="c-2")
    rows = list(
        csv.reader(
            io.StringIO(mod_client.get("/moderation/ledger.csv?clinic=c-1").get_data(as_text=True))
        )
    )
    assert {r[5] for r in rows[1:]} == {"c-1"}


def _event(at: str, action: str, target_type: str, target: str, after=None) -> dict:
    return {
        "at": at,
        "action": action,
        "target_type": target_type,
        "target_id": target,
        "before": None,
        "after": after,
    }


# Monday 2 November 2026 at 09:00 UTC, plus a number of hours.
def _h(hours: int) -> str:
    return (datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # A harm report triaged after 23 hours: within its 24 hours.
        (
            [
                _event(_h(0), "report.received", "report", "c:1", {"category": "adverse-reaction"}),
                _event(_h(23), "report.triaged", "report", "c:1", {"state": "triaged"}),
            ],
            {"report": (1, 1)},
        ),
        # A harm report triaged after 25 hours: late.
        (
            [
                _event(_h(0), "report.received", "report", "c:1", {"category": "adverse-reaction"}),
                _event(_h(25), "report.triaged", "report", "c:1", {"state": "triaged"}),
            ],
            {"report": (1, 0)},
        ),
        # A report of wrong information (low: 5 working days) triaged after 4 days: in time.
        (
            [
                _event(
                    _h(0), "report.received", "report", "c:1", {"category": "wrong-information"}
                ),
                _event(_h(96), "report.triaged", "report", "c:1", {"state": "triaged"}),
            ],
            {"report": (1, 1)},
        ),
        # Evidence on Monday, more on Tuesday, handed back 12 working days after Monday: late.
        (
            [
                _event(_h(0), "claim.pending_review", "claim", "c:x", {"state": "pending_review"}),
                _event(_h(24), "claim.evidence", "claim", "c:x", {"state": "pending_review"}),
                _event(_h(24 * 16), "claim.info_requested", "claim", "c:x", {"state": "claimed"}),
            ],
            {"claim": (1, 0)},
        ),
        # Evidence withdrawn before anyone decided: nothing to time.
        (
            [
                _event(_h(0), "claim.pending_review", "claim", "c:x", {"state": "pending_review"}),
                _event(_h(5), "claim.evidence_withdrawn", "claim", "c:x", {"state": "claimed"}),
                _event(_h(9), "claim.verified", "claim", "c:x", {"state": "verified"}),
            ],
            {},
        ),
        # A listing approved the next day; an ownership request refused after two weeks.
        (
            [
                _event(_h(0), "listing.requested", "clinic", "c", {"request_id": 1}),
                _event(_h(24), "listing.approved", "clinic", "c", {"request_id": 1}),
                _event(_h(0), "ownership.requested", "clinic", "d", {"request_id": 7}),
                _event(_h(0), "ownership.requested", "clinic", "d", {"request_id": 8}),
                _event(_h(24 * 14), "ownership.rejected", "clinic", "d", {"request_id": 7}),
            ],
            {"listing": (1, 1), "ownership": (1, 0)},
        ),
    ],
)
def test_decisions_are_timed_against_their_service_level(events, expected):
    figures = transparency.within_levels(events, load_levels())
    rows = {label: (n, w) for label, n, w, _share in figures["rows"] if n}
    labels = transparency.LEVEL_KINDS
    assert rows == {labels[kind]: counts for kind, counts in expected.items()}
    assert figures["decided"] == sum(n for n, _ in expected.values())


def test_the_transparency_page_publishes_the_share_within_levels(client, db, clinic):
    pending_claim(db, clinic)
    verify(db, clinic, "informed-consent", on=TODAY, until=TODAY + timedelta(days=365))
    page = parse_html(client.get("/transparency").get_data(as_text=True))
    section = page.find("section", id="t-levels")
    assert text_of(section.find(attrs={"data-figure": "within-levels"})) == "100.0%"
    assert "Reports of harm and other high-risk reports: within 24 hours" in text_of(section)
    french = parse_html(client.get("/transparency?lang=fr").get_data(as_text=True))
    assert "24 heures" in text_of(french.find("section", id="t-levels"))
