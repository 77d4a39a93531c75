"""Use cases that span domains: the demo directory and the daily sweep."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from directory.clinics.services import save_profile
from directory.demo import generate_profiles
from directory.moderation.reminders import send_expiry_reminders
from directory.vetting import services as vetting
from directory.vetting.demo import apply_demo_vetting


def load_demo_data(db: sqlite_utils.Database, *, count: int, seed: int) -> str:
    """Write the demo clinics and their vetting states; return a summary."""
    outcomes: dict[str, int] = {}
    profiles = generate_profiles(count=count, seed=seed)
    with db.atomic():
        for profile in profiles:
            outcome = save_profile(db, profile, actor="demo")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        # Every claim state a patient can meet (verified, fading, expired, rejected, claimed,
        # pending), dated relative to today so the demo never goes stale.
        apply_demo_vetting(db, [p["id"] for p in profiles], today=date.today(), seed=seed)
    return ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))


def daily_sweep(db: sqlite_utils.Database, *, today: date, send, dashboard_url) -> dict:
    """Expire old verifications, recompute scores, and send expiry reminders (once each).

    send(to, subject, body) delivers one e-mail; dashboard_url(clinic_id) makes the link in
    it. Returns the vetting summary with the reminders summary under "reminders". The index
    follows once the outbox is drained.
    """
    summary = dict(vetting.sweep(db, today=today))
    summary["reminders"] = send_expiry_reminders(
        db, today=today, send=send, dashboard_url=dashboard_url
    )
    return summary
