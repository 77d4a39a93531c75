"""`vetted vetting`: the daily sweep that expires old verifications and refreshes scores."""

from __future__ import annotations

from datetime import date

import click

from directory.cli_options import dated_command, upkeep_group
from directory.db import get_db
from directory.services import daily_sweep

vetting_group = upkeep_group("vetting", "Vetting upkeep: expirations and scores.")


@dated_command(vetting_group, "sweep", "Sweep as of this date (default: the system date).")
def sweep(today: date) -> None:
    """Expire old verifications, recompute scores, e-mail expiry reminders (daily, from cron)."""
    db = get_db()
    summary = daily_sweep(db, today=today)
    reminders = summary["reminders"]
    click.echo(
        f"Swept {summary['clinics']} clinics as of {summary['today']}: "
        f"{summary['claims_expired']} verifications expired, "
        f"{summary['scores_changed']} scores changed, "
        f"{reminders['mails']} reminder e-mails sent."
    )


COMMANDS = [vetting_group]
