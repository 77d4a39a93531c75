"""Transparency from the ledger, the audit page, and the CSV export (safe in spreadsheets)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from directory.events import record_event
from directory.moderation import transparency
from directory.moderation.export import safe_cell
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
    actions = [
        r["data-action"] for r in page.find("table").find_all("tr") if "data-action" in r.attrs
    ]
    assert actions == ["clinic.created", "claim.claimed", "claim.pending_review"]


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
