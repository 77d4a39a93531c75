"""`vetted users`: manage accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from directory.accounts.passwords import generate_password
from directory.accounts.services import ROLES, AccountError, create_user
from directory.db import get_db


@click.group("users")
def users() -> None:
    """Manage user accounts."""


@users.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="clinic",
    show_default=True,
    help="What the account may do.",
)
@click.option("--name", "display_name", default=None, help="Name shown next to decisions.")
@click.option(
    "--password",
    default=None,
    help="Password (12+ characters); a random one is generated and printed if omitted.",
)
@with_appcontext
def add_user(email: str, role: str, display_name: str | None, password: str | None) -> None:
    """Create an account, e.g. `vetted users add --role moderator ana@example.org`."""
    generated = password is None
    password = password or generate_password()
    try:
        user_id = create_user(
            get_db(),
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            confirmed=True,
            actor="cli",
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} account {email} (id {user_id}).")
    if generated:
        click.echo(f"Password: {password}")


COMMANDS = [users]
