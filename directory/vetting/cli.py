"""`vetted vetting`: the daily sweep that expires old verifications and refreshes scores."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.cli_options import today_option
from directory.db import get_db
from directory.mail import send_mail
from directory.services import daily_sweep
from directory.urls import dashboard_links


@click.group("vetting")
def vetting_group() -> None:
    """Vetting upkeep: expirations and scores."""


@vetting_group.command("sweep")
@today_option("Sweep as of this date (default: the system date).")
@with_appcontext
def sweep(today: date) -> None:
    """Expire old verifications, recompute scores, e-mail expiry reminders (daily, from cron)."""
    db = get_db()
    summary = daily_sweep(
        db,
        today=today,
        send=send_mail,
        dashboard_url=dashboard_links(current_app.url_map, current_app.config["BASE_URL"]),
    )
    reminders = summary["reminders"]
    click.echo(
        f"Swept {summary['clinics']} clinics as of {summary['today']}: "
        f"{summary['claims_expired']} verifications expired, "
        f"{summary['scores_changed']} scores changed, "
        f"{reminders['mails']} reminder e-mails sent."
    )


COMMANDS = [vetting_group]
