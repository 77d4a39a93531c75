"""`vetted moderation`: expiry reminders from the command line (cron, after the sweep)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from directory.accounts.services import active_user
from directory.cli_options import dated_command, upkeep_group
from directory.db import get_db
from directory.moderation.mfa import reset_factor
from directory.moderation.reminders import send_expiry_reminders

moderation_group = upkeep_group(
    "moderation", "Moderation upkeep: expiry reminders to clinics, second-factor resets."
)


@dated_command(
    moderation_group, "reminders", "Send the reminders due on this date (default: the system date)."
)
def reminders(today: date) -> None:
    """E-mail clinics 30, 14 and 7 days before a verification expires and on the day (once).

    The e-mails go out when the command ends; one that cannot be sent is tried again by the
    next command.
    """
    summary = send_expiry_reminders(get_db(), today=today)
    click.echo(
        f"Reminders for {summary['today']}: {summary['reminders']} sent "
        f"({summary['mails']} e-mails), {summary['already_sent']} already sent earlier, "
        f"{summary['no_recipients']} with nobody to tell."
    )


@moderation_group.command("reset-mfa")
@click.argument("email")
@click.option("--reason", default=None, help="Why (kept in the ledger), e.g. a lost phone.")
@with_appcontext
def reset_mfa(email: str, reason: str | None) -> None:
    """Remove EMAIL's second factor and end their sessions; they enrol again at next login."""
    db = get_db()
    user = active_user(db, email)
    if user is None or user["role"] not in ("moderator", "admin"):
        raise click.ClickException(f"There is no moderator or admin account for {email}.")
    had = reset_factor(db, user["id"], actor="cli", reason=reason)
    state = "removed" if had else "was not set up; nothing to remove"
    click.echo(f"Second factor of {user['email']} {state}; their sessions are ended.")


COMMANDS = [moderation_group]
