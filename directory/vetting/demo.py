"""Demo vetting states: a realistic, deterministic spread of every claim state."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlite_utils

from directory.clinics import services as clinics
from directory.vetting import storage
from directory.vetting.changes import When
from directory.vetting.checklist import load_checklist
from directory.vetting.decisions import reject_claim, verify_claim
from directory.vetting.licences import licence_cap
from directory.vetting.lifecycle import attach_evidence, claim_item
from directory.vetting.reading import clinic_checklist
from directory.vetting.scores import rescore
from directory.vetting.scoring import EXPIRED, FADING, STATES, VERIFIED, score_clinic
from directory.vetting.sweep import expire_due

DEMO_MODERATORS = ("Sofia Marin", "Omar Haddad", "Grace Okafor", "Lena Novak")
DEMO_ACTOR = "demo"
# How likely each state is for a clinic of each kind (verified, fading, expired, rejected,
# pending, claimed, none); most real directories are mostly unverified.
TIERS = {
    "exemplary": (70, 12, 3, 0, 8, 4, 3),
    "established": (40, 15, 8, 4, 12, 11, 10),
    "patchy": (15, 10, 10, 10, 15, 20, 20),
    "new": (3, 0, 0, 2, 20, 35, 40),
    "doubtful": (5, 5, 10, 35, 5, 20, 20),
}
TIER_WEIGHTS = {"exemplary": 10, "established": 25, "patchy": 30, "new": 25, "doubtful": 10}
OUTCOMES = ("verified", "fading", "expired", "rejected", "pending", "claimed", "none")
REASONS = {
    "licensed-staff": "One injector's licence number is not on the regulator's register.",
    "sterile-approved-products": "The invoices show a filler that is not approved in this country.",
    "consultation-allergy-test": "The consultation form has no allergy test step.",
    "informed-consent": "The consent form does not describe the risks of the treatment.",
    "indemnity-insurance": "The insurance certificate sent ended last year.",
    "facility-registered": "The registration number belongs to a different address.",
}
DEFAULT_REASON = "The document sent does not show what this check requires."


def _stamp(day: date, rng: random.Random) -> str:
    moment = datetime.combine(day, time(hour=rng.randint(8, 18), minute=rng.randint(0, 59)))
    return moment.isoformat() + "+00:00"


def _evidence(item_key: str, clinic: dict, rng: random.Random) -> dict:
    if item_key in ("licensed-staff", "physician-prescriber"):
        numbers = [p["licence_number"] for p in clinic["practitioners"] if p.get("licence_number")]
        if numbers:
            return {"kind": "licence", "value": "; ".join(numbers)}
    if rng.random() < 0.5:
        slug = clinic["id"].lower()
        return {"kind": "link", "value": f"https://{slug}.example/{item_key}"}
    return {
        "kind": "statement",
        "value": f"Our written procedure for {item_key.replace('-', ' ')}.",
    }


def _demo_clinic(
    db: sqlite_utils.Database, clinic: dict, *, today: date, seed: int, counts: dict
) -> None:
    rng = random.Random(f"{seed}:{clinic['id']}")
    tier = rng.choices(list(TIER_WEIGHTS), weights=list(TIER_WEIGHTS.values()))[0]
    treatments = clinic["treatments"]
    for item in load_checklist().items:
        if not item.applies(treatments):
            continue
        outcome = rng.choices(OUTCOMES, weights=TIERS[tier])[0]
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "none":
            continue
        moderator = rng.choice(DEMO_MODERATORS)
        if outcome == "verified":
            verified = today - timedelta(days=rng.randint(3, max(4, item.fresh_days - 5)))
        elif outcome == "fading":
            verified = today - timedelta(
                days=rng.randint(item.fresh_days + 1, item.expires_days - 2)
            )
        elif outcome == "expired":
            verified = today - timedelta(
                days=rng.randint(item.expires_days, item.expires_days + 120)
            )
        else:
            verified = None
        changed = (verified or today) - timedelta(days=rng.randint(2, 45))
        claim_item(
            db,
            clinic["id"],
            item.key,
            actor=DEMO_ACTOR,
            statement=f"We meet this: {item.title.lower()}.",
            when=When(today, _stamp(changed, rng), recompute=False),
        )
        if outcome == "claimed":
            continue
        attach_evidence(
            db,
            clinic["id"],
            item.key,
            _evidence(item.key, clinic, rng),
            actor=DEMO_ACTOR,
            when=When(today, _stamp(changed, rng), recompute=False),
        )
        if outcome == "pending":
            continue
        cap = licence_cap(item, clinic["practitioners"])
        lapsed = verified is not None and cap is not None and cap.expires <= verified
        if lapsed:
            # The demo obeys the licence rule: nobody verifies over a licence already lapsed.
            counts[outcome] -= 1
            outcome = "rejected"
            counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "rejected":
            decided = changed + timedelta(days=rng.randint(1, 10))
            if lapsed:
                decided = verified
            reject_claim(
                db,
                clinic["id"],
                item.key,
                moderator_id=None,
                moderator_name=moderator,
                reason=(
                    f"The licence of {cap.name} expired on {cap.expires.isoformat()}."
                    if lapsed
                    else REASONS.get(item.key, DEFAULT_REASON)
                ),
                when=When(today, _stamp(min(decided, today), rng), recompute=False),
            )
            continue
        verify_claim(
            db,
            clinic["id"],
            item.key,
            moderator_id=None,
            moderator_name=moderator,
            verified_at=verified,
            # Capped by the earliest licence it covers; one that lapsed since expires it.
            expires_at=verified + timedelta(days=item.expires_days),
            # Decided on the day it was verified, as the moderator would have.
            when=When(verified, _stamp(verified, rng), recompute=False),
        )


def _history_days(claims: dict, *, start: date, today: date) -> list[date]:
    """Return the days a year of history can change on: the start, then each verification
    and each expiry inside the year (between them the score only fades, as the chart draws)."""
    days = {start}
    for claim in claims.values():
        if claim["state"] in (VERIFIED, EXPIRED) and claim["verified_at"]:
            for value in (claim["verified_at"], claim["expires_at"]):
                day = date.fromisoformat(value[:10]) if value else None
                if day is not None and start < day < today:
                    days.add(day)
    return sorted(days)


def _backfill_history(db: sqlite_utils.Database, clinic: dict, *, today: date) -> None:
    """Write a year of score history: a row on each day the simulated score changed.

    History stores changes, not samples: a row where a verification started or ended
    counting, none while nothing but time passed (readers take "unchanged since the last row").
    """
    claims = storage.claims_by_clinic(db, [clinic["id"]])[clinic["id"]]
    previous = None
    for day in _history_days(claims, start=today - timedelta(weeks=52), today=today):
        then = {
            key: {**claim, "state": VERIFIED}
            for key, claim in claims.items()
            if claim["state"] in (VERIFIED, EXPIRED)
            and claim["verified_at"]
            and claim["verified_at"] <= day.isoformat()
        }
        result = score_clinic(load_checklist(), then, clinic, day)
        if result.score != previous:
            storage.add_score_history(
                db,
                {
                    "clinic_id": clinic["id"],
                    "at": day.isoformat(),
                    "score": result.score,
                    "core_verified": int(result.core_verified),
                    "reason": "Demo history",
                },
            )
            previous = result.score


def apply_demo_vetting(
    db: sqlite_utils.Database, clinic_ids: list[str], *, today: date, seed: int = 2026
) -> dict[str, int]:
    """Give these clinics claims in every state, dated relative to today; return state counts.

    Deterministic for a seed: each clinic's states depend only on the seed and its id.
    Evidence is links, licence numbers and statements (no documents: there are no files).
    """
    counts: dict[str, int] = {}
    with db.atomic():
        for start in range(0, len(clinic_ids), 500):
            for clinic in _clinics(db, clinic_ids[start : start + 500]):
                _demo_clinic(db, clinic, today=today, seed=seed, counts=counts)
        expire_due(db, when=When(today, _stamp(today, random.Random(seed))))
        for start in range(0, len(clinic_ids), 500):
            batch = _clinics(db, clinic_ids[start : start + 500])
            for clinic in batch:
                _backfill_history(db, clinic, today=today)
            # Today's score for the whole batch at once: what recompute_score does per clinic.
            inputs = {c["id"]: {k: c[k] for k in ("treatments", "practitioners")} for c in batch}
            rescore(db, inputs, today=today, reason=lambda _: "Demo vetting")
            clinics.enqueue_change(db, list(inputs))
    return counts


def _clinics(db: sqlite_utils.Database, ids: list[str]) -> list[dict]:
    """Return {id, treatments, practitioners} for these clinics, in the order of ids."""
    inputs = clinics.vetting_inputs(db, ids)
    return [{"id": cid, **inputs[cid]} for cid in ids if cid in inputs]


# Every state a clinic's people can meet on their dashboard (fading: verified, past re-check).
SHOWCASE_STATES = (*STATES, FADING)


def showcase_clinic(db: sqlite_utils.Database, clinic_ids: list[str], *, today: date) -> str | None:
    """Return the clinic whose claims show the most states, ideally every one (ties: first id).

    The demo owner manages it, so a newcomer finds every state on the dashboard.
    """
    best, best_count = None, -1
    for clinic_id in sorted(clinic_ids):
        states = {row["state"] for row in clinic_checklist(db, clinic_id, today)}
        count = len(states & set(SHOWCASE_STATES))
        if count > best_count:
            best, best_count = clinic_id, count
        if count == len(SHOWCASE_STATES):
            break
    return best
