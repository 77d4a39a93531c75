"""Vetting's door: every use case other domains and the views call, from one module.

Claims move through their lifecycle (lifecycle.py) and moderators' decisions (decisions.py);
changed clinics are reacted to when the outbox is drained (practitioners.py); the daily sweep
expires old verifications (sweep.py); pages read claims and scores (reading.py, scores.py).
"""

from __future__ import annotations

from directory.vetting.changes import When
from directory.vetting.checklist import load_checklist
from directory.vetting.decisions import reject_claim, request_information, verify_claim
from directory.vetting.errors import ClaimNotFound, ConflictError, VettingError
from directory.vetting.licences import LicenceCap, licence_cap
from directory.vetting.lifecycle import attach_evidence, claim_item, reopen_claim, withdraw_evidence
from directory.vetting.practitioners import (
    PRACTITIONERS_CHANGED,
    on_clinics_changed,
    on_practitioners_changed,
    practitioners_fingerprint,
)
from directory.vetting.reading import (
    claim_events,
    clinic_checklist,
    clinic_vetting,
    get_claim,
    list_claims,
    verified_item_keys,
    verified_item_keys_many,
)
from directory.vetting.scores import (
    recompute_score,
    score_for,
    score_revisions,
    scores_for,
    with_scores,
)
from directory.vetting.sweep import expire_due, sweep

__all__ = [
    "LicenceCap",
    "PRACTITIONERS_CHANGED",
    "ClaimNotFound",
    "ConflictError",
    "VettingError",
    "When",
    "attach_evidence",
    "claim_events",
    "claim_item",
    "clinic_checklist",
    "clinic_vetting",
    "expire_due",
    "get_claim",
    "licence_cap",
    "list_claims",
    "load_checklist",
    "on_clinics_changed",
    "on_practitioners_changed",
    "practitioners_fingerprint",
    "recompute_score",
    "reject_claim",
    "reopen_claim",
    "request_information",
    "score_for",
    "score_revisions",
    "scores_for",
    "sweep",
    "verified_item_keys",
    "verified_item_keys_many",
    "verify_claim",
    "with_scores",
    "withdraw_evidence",
]
