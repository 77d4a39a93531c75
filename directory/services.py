"""Use cases that span domains (the demo directory)."""

from __future__ import annotations

import sqlite_utils

from directory.clinics.services import save_profile


def load_demo_data(db: sqlite_utils.Database, *, count: int, seed: int) -> str:
    """Write the demo clinics (and their vetting states when vetting exists); return a summary."""
    from directory.demo import generate_profiles

    outcomes: dict[str, int] = {}
    profiles = generate_profiles(count=count, seed=seed)
    with db.atomic():
        for profile in profiles:
            outcome = save_profile(db, profile, actor="demo")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
