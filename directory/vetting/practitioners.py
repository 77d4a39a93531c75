"""Vetting's reaction to changed clinics, as the outbox carries them after commit.

A claim about licensed staff was verified against the team of that day: when the team
changes, the claim goes back to review. A clinic's treatments decide which items count, so a
changed profile is rescored too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace

import sqlite_utils

from directory.clinics import services as clinics
from directory.vetting.changes import When
from directory.vetting.checklist import load_checklist
from directory.vetting.errors import ClaimNotFound
from directory.vetting.lifecycle import reopen_claim
from directory.vetting.scores import rescore
from directory.vetting.scoring import VERIFIED
from directory.vetting.storage import claims_by_clinic, get_scores

PRACTITIONERS_CHANGED = (
    "The clinic's practitioners changed, so a moderator must check their licences again."
)
# Why a score changed, for the score history (translated in directory/i18n/known.py).
TEAM_CHANGED = "Practitioners changed"
PROFILE_CHANGED = "Profile changed"
# Who reopens a claim when the change that caused it did not say who made it.
SYSTEM_ACTOR = "system"


def practitioners_fingerprint(practitioners: list[dict]) -> str:
    """Return a stable digest of a clinic's practitioners (order does not matter)."""
    canonical = sorted(json.dumps(p, sort_keys=True, ensure_ascii=False) for p in practitioners)
    return hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()


def _reopen_if_team_changed(
    db: sqlite_utils.Database,
    clinic_id: str,
    team: list[dict],
    claims: Mapping[str, dict],
    *,
    actor: str,
    when: When,
) -> list[str]:
    fingerprint = practitioners_fingerprint(team)
    reopened = []
    for item in load_checklist().items:
        claim = claims.get(item.key)
        if not item.practitioner_based or claim is None or claim["state"] != VERIFIED:
            continue
        if claim.get("practitioners_sha256") == fingerprint:
            continue
        reopen_claim(
            db,
            clinic_id,
            item.key,
            actor=actor,
            reason=PRACTITIONERS_CHANGED,
            # One rescore of every clinic follows, in on_clinics_changed.
            when=replace(when, recompute=False),
        )
        reopened.append(item.key)
    return reopened


def on_clinics_changed(
    db: sqlite_utils.Database,
    actors: Mapping[str, str | None],
    *,
    when: When = When(),
) -> dict[str, list[str]]:
    """React to these changed clinics ({id: who changed it}) in one transaction.

    Verified practitioner-based claims whose team changed go back to review (with their
    ledger event), then every clinic that has a score is rescored. Safe to repeat: a second
    call changes nothing. Returns {clinic id: keys of the claims sent back}.
    """
    when = when.pinned()
    with db.atomic():
        claims = claims_by_clinic(db, actors)
        # A clinic with no claim and no score has nothing to react with (most of an import).
        scored = get_scores(db, actors)
        inputs = clinics.vetting_inputs(db, [c for c in actors if claims[c] or c in scored])
        reopened = {}
        for clinic_id, clinic in inputs.items():
            keys = _reopen_if_team_changed(
                db,
                clinic_id,
                clinic["practitioners"],
                claims[clinic_id],
                actor=actors[clinic_id] or SYSTEM_ACTOR,
                when=when,
            )
            if keys:
                reopened[clinic_id] = keys
        rescore(
            db,
            inputs,
            today=when.today,
            reason=lambda cid: TEAM_CHANGED if cid in reopened else PROFILE_CHANGED,
            enqueue=reopened,
            only_scored=True,
        )
    return reopened


def on_practitioners_changed(
    db: sqlite_utils.Database,
    clinic_id: str,
    *,
    actor: str,
    when: When = When(),
) -> list[str]:
    """React to one changed clinic (see on_clinics_changed); return the claims sent back."""
    if not clinics.clinic_exists(db, clinic_id):
        raise ClaimNotFound(f"There is no clinic {clinic_id!r}.")
    return on_clinics_changed(db, {clinic_id: actor}, when=when).get(clinic_id, [])
