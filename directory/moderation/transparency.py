"""The public transparency figures, computed live from the ledger, and their bar charts.

The figure functions are pure (events in, numbers out); `transparency_figures` reads the store.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlite_utils

from directory.moderation import storage
from directory.moderation.reports import CATEGORIES, OUTCOMES, presumed_risk
from directory.moderation.service_levels import ServiceLevels, as_datetime, load_levels

DECISIONS = ("verified", "rejected")
MONTHS_SHOWN = 12
# A moderator's answer to evidence under review: a decision, or the claim handed back.
CLAIM_ANSWERS = ("claim.verified", "claim.rejected", "claim.info_requested")
# The ledger actions that start and end a listing or ownership request.
REQUEST_ACTIONS = tuple(
    f"{kind}.{step}"
    for kind in ("listing", "ownership")
    for step in ("requested", "approved", "rejected")
)
# How the transparency page names each kind of work it times.
LEVEL_KINDS = {
    "report": "Reports from patients",
    "claim": "Evidence for checklist claims",
    "listing": "New listings",
    "ownership": "Claims to manage a listing",
}


def _state(value) -> str | None:
    return value.get("state") if isinstance(value, dict) else None


def _months_ending(today: date, count: int) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def decisions_per_month(
    events: list[dict], today: date, months: int = MONTHS_SHOWN
) -> list[tuple[str, list[int]]]:
    """Return [(YYYY-MM, [verified, rejected])] for the months up to today's, oldest first."""
    shown = _months_ending(today, months)
    counts = {m: [0, 0] for m in shown}
    for event in events:
        if event["target_type"] != "claim":
            continue
        state = _state(event.get("after"))
        month = (event.get("at") or "")[:7]
        if state in DECISIONS and month in counts and _state(event.get("before")) != state:
            counts[month][DECISIONS.index(state)] += 1
    return [(m, counts[m]) for m in shown]


def decision_waits(events: list[dict]) -> list[float]:
    """Return, per decision, the days from evidence entering review to the decision."""
    waiting_since: dict[str, datetime] = {}
    waits = []
    for event in events:
        if event["target_type"] != "claim":
            continue
        state = _state(event.get("after"))
        at = datetime.fromisoformat(event["at"])
        if state == "pending_review":
            # The wait starts with the first evidence; more evidence does not restart it.
            waiting_since.setdefault(event["target_id"], at)
        elif state in DECISIONS:
            start = waiting_since.pop(event["target_id"], None)
            if start is not None:
                waits.append(max(0.0, (at - start).total_seconds() / 86400))
        elif state is not None:
            waiting_since.pop(event["target_id"], None)
    return waits


def report_figures(events: list[dict]) -> dict:
    """Return reports received (total, per category) and their latest outcomes."""
    categories: Counter = Counter()
    outcome_of: dict[str, str] = {}
    for event in events:
        if event["target_type"] != "report":
            continue
        after = event.get("after") if isinstance(event.get("after"), dict) else {}
        if event["action"] == "report.received":
            categories[after.get("category", "other")] += 1
            outcome_of.setdefault(event["target_id"], "awaiting-triage")
        elif after.get("outcome"):
            outcome_of[event["target_id"]] = after["outcome"]
    outcomes = Counter(outcome_of.values())
    labels = {"awaiting-triage": "Awaiting triage", **OUTCOMES}
    return {
        "received": sum(categories.values()),
        "by_category": [(CATEGORIES[k], categories.get(k, 0)) for k in CATEGORIES],
        "by_outcome": [(labels[k], outcomes.get(k, 0)) for k in labels if outcomes.get(k, 0)],
    }


def waits(events: list[dict]) -> list[tuple[str, str | None, datetime, datetime]]:
    """Return (kind, risk, waiting since, decided at) for every item a moderator decided.

    Claims wait from their first evidence to a moderator's answer; reports from receipt to
    triage (at the risk they were presumed to carry while waiting); listing and ownership
    requests from the request to its approval or refusal.
    """
    out = []
    since: dict[tuple[str, str], tuple[datetime, str | None]] = {}
    for event in events:
        at = as_datetime(event.get("at"))
        if at is None:
            continue
        after = event.get("after") if isinstance(event.get("after"), dict) else {}
        action, target = event["action"], event["target_id"]
        kind, _, step = action.partition(".")
        if event["target_type"] == "claim":
            key = ("claim", target)
            if action in CLAIM_ANSWERS and key in since:
                start, _risk = since.pop(key)
                out.append(("claim", None, start, at))
            elif _state(after) == "pending_review":
                since.setdefault(key, (at, None))
            elif _state(after) is not None:
                since.pop(key, None)
        elif event["target_type"] == "report":
            key = ("report", target)
            if action == "report.received":
                since[key] = (at, presumed_risk(after.get("category", "other")))
            elif action == "report.triaged" and key in since:
                start, risk = since.pop(key)
                out.append(("report", risk, start, at))
        elif action in REQUEST_ACTIONS:
            # A listing request is the clinic's only one; an ownership one is named by its id.
            key = (kind, target if kind == "listing" else str(after.get("request_id")))
            if step == "requested":
                since[key] = (at, None)
            elif key in since:
                start, _risk = since.pop(key)
                out.append((kind, None, start, at))
    return out


def within_levels(events: list[dict], levels: ServiceLevels) -> dict:
    """Return how many decisions were made within their service level, per kind and in all."""
    rows = {kind: [0, 0] for kind in LEVEL_KINDS}
    for kind, risk, start, decided in waits(events):
        counts = rows.setdefault(kind, [0, 0])
        counts[0] += 1
        counts[1] += decided <= levels.due(kind, risk, start)
    decided = sum(n for n, _ in rows.values())
    within = sum(w for _, w in rows.values())
    return {
        "decided": decided,
        "within": within,
        "share": round(100 * within / decided, 1) if decided else None,
        "rows": [
            (LEVEL_KINDS.get(kind, kind), n, w, round(100 * w / n, 1) if n else None)
            for kind, (n, w) in rows.items()
        ],
        "promises": [level.promise for level in levels.levels],
    }


@dataclass
class BarChart:
    """Geometry of a bar chart for an inline SVG, with the same numbers for a table."""

    title: str
    series: list[str]
    rows: list[tuple[str, list[int]]]
    width: int = 640
    height: int = 220
    bars: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    max_value: int = 0
    anchor: str = "middle"  # how labels align: under their group, or left of their bar


def bar_chart(
    title: str, series: list[str], rows: list[tuple[str, list[int]]], *, width: int = 640
) -> BarChart:
    """Lay out grouped bars: one group per row, one bar per series."""
    chart = BarChart(title=title, series=series, rows=rows, width=width)
    top, bottom = 10, 40
    plot = chart.height - top - bottom
    chart.max_value = max([v for _, values in rows for v in values] + [0])
    scale = plot / chart.max_value if chart.max_value else 0
    group = (width - 20) / max(len(rows), 1)
    bar = max(2.0, (group * 0.8) / max(len(series), 1))
    for i, (label, values) in enumerate(rows):
        x0 = 10 + i * group + group * 0.1
        for j, value in enumerate(values):
            h = value * scale
            chart.bars.append(
                {
                    "x": round(x0 + j * bar, 1),
                    "y": round(top + plot - h, 1),
                    "w": round(bar - 1, 1),
                    "h": round(h, 1),
                    "series": j,
                    "value": value,
                    "label": label,
                }
            )
        chart.labels.append(
            {"x": round(x0 + group * 0.4, 1), "y": chart.height - 22, "text": label}
        )
    return chart


def hbar_chart(title: str, rows: list[tuple[str, int]], *, width: int = 640) -> BarChart:
    """Lay out one horizontal bar per row, its label at the left (for long labels)."""
    row_h, label_w = 28, 260
    chart = BarChart(title=title, series=["Count"], rows=[(k, [v]) for k, v in rows], width=width)
    chart.height = max(row_h * len(rows), row_h) + 10
    chart.anchor = "end"
    chart.max_value = max([v for _, v in rows] + [0])
    plot = width - label_w - 50
    scale = plot / chart.max_value if chart.max_value else 0
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        chart.bars.append(
            {
                "x": label_w,
                "y": y,
                "w": round(value * scale, 1),
                "h": row_h - 8,
                "series": 0,
                "value": value,
                "label": label,
            }
        )
        chart.labels.append({"x": label_w - 8, "y": y + row_h / 2, "text": label})
    return chart


def transparency_figures(db: sqlite_utils.Database, *, today: date) -> dict:
    """Compute every figure of the public transparency page from the ledger and the store."""
    events = storage.decision_events(db, REQUEST_ACTIONS)
    per_month = decisions_per_month(events, today)
    waits = decision_waits(events)
    reports = report_figures(events)
    published, fresh = storage.core_fresh_counts(db)
    return {
        "today": today.isoformat(),
        "per_month": per_month,
        "verified_total": sum(v[0] for _, v in per_month),
        "rejected_total": sum(v[1] for _, v in per_month),
        "decisions_chart": bar_chart(
            "Claims verified and rejected per month",
            ["Verified", "Rejected"],
            per_month,
        ),
        "median_wait_days": round(statistics.median(waits), 1) if waits else None,
        "decisions_timed": len(waits),
        "published": published,
        "core_fresh": fresh,
        "core_fresh_share": round(100 * fresh / published, 1) if published else None,
        "reports": reports,
        "outcomes_chart": hbar_chart("Reports by outcome", reports["by_outcome"]),
        "categories_chart": hbar_chart("Reports by category", reports["by_category"]),
        "levels": within_levels(events, load_levels()),
    }
