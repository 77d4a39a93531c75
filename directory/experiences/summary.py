"""What experiences add up to: the clinic page's summary, the aggregates the index, the API
and the HSDS export carry (counts and shares only, never a person's data)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from directory.experiences import photos, rules, storage
from directory.experiences.questions import load_questions
from directory.vetting.checklist import load_checklist


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def _rating(ratings: list[int], enough: bool) -> dict:
    spread = rules.rating_spread(ratings)
    return {
        "mean": _mean(sum(ratings), len(ratings)) if enough else None,
        "spread": spread if enough else None,
    }


def _questions(answer_sets: list[dict]) -> list[dict]:
    questions = load_questions()
    tallies = rules.tally(answer_sets, questions)
    out = []
    for question in questions.questions:
        count = tallies[question.key]
        share = count.share(questions.thresholds)
        out.append(
            {
                "key": question.key,
                "item": question.item,
                "answered": count.answered,
                # Below the threshold neither the share nor the yes count is given.
                "yes": count.yes if share is not None else None,
                "share": round(share, 4) if share is not None else None,
                "percent": round(100 * share) if share is not None else None,
                "summary": question.summary,
            }
        )
    return out


def aggregates(db: sqlite_utils.Database, clinic_id: str) -> dict:
    """Return a clinic's published experiences as aggregates: count, rating, shares, re-checks."""
    published = storage.published_answers(db, clinic_id)
    thresholds = load_questions().thresholds
    enough = len(published) >= thresholds.min_answers_shown
    return {
        "count": len(published),
        "rating": _rating([p["rating"] for p in published], enough),
        "questions": _questions([p["answers"] for p in published]),
        "rechecks": sorted({f["item_key"] for f in storage.open_flags(db, clinic_id)}),
    }


def clinic_summary(db: sqlite_utils.Database, clinic_id: str) -> dict:
    """Return what the clinic page shows: the aggregates, the latest experiences, the photos."""
    thresholds = load_questions().thresholds
    checklist = load_checklist()
    summary = aggregates(db, clinic_id)
    summary["enough"] = summary["count"] >= thresholds.min_answers_shown
    summary["latest"] = storage.published_experiences(db, clinic_id, limit=thresholds.latest_shown)
    summary["recheck_titles"] = [checklist.get(key).title for key in summary["rechecks"]]
    summary["photos"] = photos.approved_photos(db, clinic_id)
    summary["thresholds"] = thresholds
    return summary


def counts_many(db: sqlite_utils.Database, clinic_ids: Iterable[str]) -> dict[str, dict]:
    """Map each clinic to {count, rating}: its published experiences and their mean rating.

    The mean is None below the number of experiences the clinic page needs to show a spread.
    """
    ids = list(clinic_ids)
    found = storage.published_counts(db, ids)
    least = load_questions().thresholds.min_answers_shown
    out = {}
    for clinic_id in ids:
        row = found.get(clinic_id) or {"count": 0, "rating_sum": 0}
        count = row["count"] or 0
        out[clinic_id] = {
            "count": count,
            "rating": _mean(row["rating_sum"] or 0, count) if count >= least else None,
        }
    return out


def with_experiences(db: sqlite_utils.Database, clinics: list[dict]) -> list[dict]:
    """Return these clinic dicts with `experiences` ({count, rating}) merged in."""
    counts = counts_many(db, [c["id"] for c in clinics])
    return [{**c, "experiences": counts[c["id"]]} for c in clinics]


def experience_revisions(
    db: sqlite_utils.Database, clinic_ids: Iterable[str] | None
) -> dict[str, int]:
    """Map clinics (all with None) to how many experiences were ever published for them.

    It only grows, so the search index adds it to a document's version (as with the score).
    """
    return {cid: row["ever"] for cid, row in storage.published_counts(db, clinic_ids).items()}
