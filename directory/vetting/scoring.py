"""The vetting score and its explanation: a pure function of checklist, claims and a date.

Rules (shown to patients on the methodology page):
- Only verified claims earn credit. Claimed or pending claims, rejected claims, expired claims
  and items without information earn nothing; "no information" is kept apart from "not met".
- A verification counts fully until its re-check date (fades_from), then its credit falls
  linearly to zero at its expiry date (expires_at, the first day it counts for nothing).
- A verification about licences never outlives them: the earliest licence expiry of the
  practitioners it covers caps its expiry (licences.py), so the day a licence lapses the item
  is expired here, before the daily sweep stores it, and names whose licence lapsed.
- Items that apply to none of the clinic's treatments are left out of the denominator; a
  clinic without treatments is scored on the items that apply to all treatments.
- score = 100 * sum(weight * credit) / sum(weight of applicable items), computed exactly
  (fractions of days) and rounded DOWN to one decimal, so a score never overstates.
- "Core verified" only when every applicable core item is verified and not yet fading.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from directory.vetting.checklist import Checklist, Item
from directory.vetting.licences import LicenceCap, licence_cap

# Stored claim states (no row at all means "no_information").
NO_INFORMATION = "no_information"
CLAIMED = "claimed"
PENDING = "pending_review"
VERIFIED = "verified"
REJECTED = "rejected"
EXPIRED = "expired"
STATES = (NO_INFORMATION, CLAIMED, PENDING, VERIFIED, REJECTED, EXPIRED)
# A verified claim past its re-check date is shown as fading (it is still stored as verified).
FADING = "fading"

LABELS = {
    NO_INFORMATION: "No information",
    CLAIMED: "Claimed, not verified",
    PENDING: "Claimed, evidence under review",
    VERIFIED: "Verified",
    FADING: "Verified, due for re-check",
    EXPIRED: "Verification expired",
    REJECTED: "Not met",
}
NOTES = {
    NO_INFORMATION: "The clinic has not told us about this yet. Unknown is not the same as failed.",
    CLAIMED: "The clinic says it does this but has not shown evidence yet.",
    PENDING: "The clinic has sent evidence; a moderator has not checked it yet.",
    VERIFIED: "A moderator checked the evidence.",
    FADING: "Checked, but due for a re-check: it counts less every day until it expires.",
    EXPIRED: "The verification is too old to count; it must be checked again.",
    REJECTED: "A moderator checked and found this not met.",
}


@dataclass(frozen=True)
class ItemResult:
    key: str
    title: str
    core: bool
    weight: float
    state: str  # one of STATES, or FADING
    label: str
    note: str
    credit: float  # 0..1
    points: float  # weight * credit
    verified_at: date | None = None
    verified_by: str | None = None  # the moderator's display name
    fades_from: date | None = None
    expires_at: date | None = None
    reason: str | None = None
    evidence_kinds: tuple[str, ...] = ()
    clinic_changed_at: str | None = None
    licence_lapsed: LicenceCap | None = None  # whose licence ended the verification, and when


@dataclass(frozen=True)
class ScoreResult:
    score: float  # 0..100, one decimal, rounded down
    core_verified: bool
    items: tuple[ItemResult, ...]  # the applicable items, in checklist order
    not_applicable: tuple[str, ...]  # keys of items left out of the denominator
    checklist_version: int


def as_date(value: Any) -> date | None:
    """Accept a date, an ISO date or datetime string, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    return date.fromisoformat(str(value)[:10])


NONE, FULL = Fraction(0), Fraction(1)


@functools.cache
def _exact(weight: float) -> Fraction:
    """Return a weight as the exact decimal it was written as (parsed once, not per score)."""
    return Fraction(str(weight))


def credit(claim: Mapping[str, Any] | None, today: date) -> Fraction:
    """Return the share (0..1) of an item's weight this claim earns today."""
    if not claim or claim.get("state") != VERIFIED:
        return NONE
    expires = as_date(claim.get("expires_at"))
    if expires is None or today >= expires:
        return NONE
    fades = as_date(claim.get("fades_from")) or expires
    if today < fades or fades >= expires:
        return FULL
    return Fraction((expires - today).days, (expires - fades).days)


def display_state(claim: Mapping[str, Any] | None, today: date) -> str:
    """Return the state patients see: the stored one, with fading and lapsed expiry applied."""
    if not claim or claim.get("state") not in STATES:
        return NO_INFORMATION
    state = claim["state"]
    if state == VERIFIED:
        expires = as_date(claim.get("expires_at"))
        if expires is None or today >= expires:
            return EXPIRED  # the daily sweep will store it; the page must not wait for it
        fades = as_date(claim.get("fades_from"))
        if fades is not None and today >= fades:
            return FADING
    return state


def capped_claim(
    item: Item, claim: Mapping[str, Any] | None, practitioners: Iterable[Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, LicenceCap | None]:
    """Return the claim as it counts today (its expiry capped by a licence) and the cap.

    Only a verified claim is changed: its expiry becomes the licence's when that is earlier,
    and its re-check date never falls after it.
    """
    cap = licence_cap(item, practitioners)
    if not claim or cap is None or claim.get("state") != VERIFIED:
        return claim, cap
    expires = as_date(claim.get("expires_at"))
    if expires is None or expires <= cap.expires:
        return claim, cap
    fades = as_date(claim.get("fades_from"))
    return {
        **claim,
        "expires_at": cap.expires,
        "fades_from": min(fades, cap.expires) if fades else None,
    }, cap


def _floor_one_decimal(value: Fraction) -> float:
    return math.floor(value * 10) / 10


def score_clinic(
    checklist: Checklist,
    claims: Mapping[str, Mapping[str, Any]],
    clinic: Mapping[str, Any],
    today: date,
) -> ScoreResult:
    """Score one clinic and explain every applicable item.

    clinic is what vetting asks the clinics domain for (clinics.vetting_inputs): the keys of
    the treatments it offers and its practitioners (with their licence expiry dates).
    """
    treatments = set(clinic.get("treatments") or ())
    practitioners = clinic.get("practitioners") or ()
    earned, possible = Fraction(0), Fraction(0)
    items: list[ItemResult] = []
    skipped: list[str] = []
    core_ok, any_core = True, False
    for item in checklist.items:
        if not item.applies(treatments):
            skipped.append(item.key)
            continue
        claim, cap = capped_claim(item, claims.get(item.key), practitioners)
        weight = _exact(item.weight)
        share = credit(claim, today)
        earned += weight * share
        possible += weight
        state = display_state(claim, today)
        if item.core:
            any_core = True
            core_ok = core_ok and state == VERIFIED
        claim = claim or {}
        lapsed = cap if state == EXPIRED and cap and cap.expires <= today else None
        items.append(
            ItemResult(
                key=item.key,
                title=item.title,
                core=item.core,
                weight=item.weight,
                state=state,
                label=LABELS[state],
                note=NOTES[state],
                credit=float(share),
                points=float(weight * share),
                verified_at=as_date(claim.get("verified_at")),
                verified_by=claim.get("verified_by_name"),
                fades_from=as_date(claim.get("fades_from")),
                expires_at=as_date(claim.get("expires_at")),
                reason=claim.get("reason"),
                evidence_kinds=tuple(claim.get("evidence_kinds") or ()),
                clinic_changed_at=claim.get("clinic_changed_at"),
                licence_lapsed=lapsed,
            )
        )
    score = _floor_one_decimal(100 * earned / possible) if possible else 0.0
    return ScoreResult(
        score=score,
        core_verified=any_core and core_ok,
        items=tuple(items),
        not_applicable=tuple(skipped),
        checklist_version=checklist.version,
    )
