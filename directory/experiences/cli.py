"""`vetted experiences`: daily upkeep of patients' experiences."""

from __future__ import annotations

from datetime import date, timedelta

import click

from directory.accounts.tokens import PURPOSES
from directory.cli_options import dated_command, upkeep_group
from directory.db import get_db
from directory.experiences import services
from directory.experiences.messages import TOKEN

experiences_group = upkeep_group("experiences", "Patients' experiences upkeep.")


@dated_command(experiences_group, "sweep", "Evaluate as of this date (default: the system date).")
def sweep(today: date) -> None:
    """Forget unconfirmed experiences and flag contradicted items for a re-check (daily)."""
    summary = services.sweep(
        get_db(),
        today=today,
        # An unconfirmed experience is forgotten once its confirmation link has expired.
        unconfirmed_for=timedelta(seconds=PURPOSES[TOKEN]),
        now=None,
    )
    click.echo(
        f"Forgot {summary['forgotten']} unconfirmed experiences; "
        f"flagged {summary['flagged']} verified items for a re-check."
    )


COMMANDS = [experiences_group]
