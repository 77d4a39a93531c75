"""`vetted moderation`: expiry reminders from the command line (cron, after the sweep)."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.cli_options import today_option
from directory.db import get_db
from directory.mail import send_mail
from directory.moderation.reminders import send_expiry_reminders
from directory.urls import dashboard_links


@click.group("moderation")
def moderation_group() -> None:
    """Moderation upkeep: expiry reminders to clinics."""


@moderation_group.command("reminders")
@today_option("Send the reminders due on this date (default: the system date).")
@with_appcontext
def reminders(today: date) -> None:
    """E-mail clinics 30, 14 and 7 days before a verification expires and on the day (once)."""
    summary = send_expiry_reminders(
        get_db(),
        today=today,
        send=send_mail,
        dashboard_url=dashboard_links(current_app.url_map, current_app.config["BASE_URL"]),
    )
    click.echo(
        f"Reminders for {summary['today']}: {summary['reminders']} sent "
        f"({summary['mails']} e-mails), {summary['already_sent']} already sent earlier, "
        f"{summary['no_recipients']} with nobody to tell, {summary['failed']} failed."
    )
    if summary["failed"]:
        raise click.ClickException(
            f"{summary['failed']} reminders could not be sent; they are tried again next run. "
            "Check SMTP_URL."
        )


COMMANDS = [moderation_group]
