"""`vetted demo` and `vetted setup`: the demo directory and the first-run routine."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.accounts.services import ensure_demo_logins
from directory.clinics.services import count_clinics
from directory.db import get_db
from directory.services import load_demo_data


@click.command("demo")
@click.option(
    "--count",
    default=400,
    show_default=True,
    type=click.IntRange(1, 200_000),
    help="How many clinics to generate.",
)
@click.option("--seed", default=2026, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store already has clinics.")
@with_appcontext
def demo(count: int, seed: int, if_empty: bool) -> None:
    """Load the deterministic demo directory (clinics, practitioners, vetting states)."""
    db = get_db()
    if if_empty and count_clinics(db, statuses=None):
        click.echo("The store already has clinics; demo data not loaded.")
        return
    click.echo(f"Demo data: {load_demo_data(db, count=count, seed=seed)}.")


@click.command("setup")
@with_appcontext
def setup() -> None:
    """Prepare a data folder: migrate, load the demo if empty, print the demo logins."""
    db = get_db()
    if not count_clinics(db, statuses=None):
        click.echo("Empty store: loading the demo directory…")
        click.echo(f"Demo data: {load_demo_data(db, count=400, seed=2026)}.")
    logins = ensure_demo_logins(db, Path(current_app.config["DATA_DIR"]))
    click.echo("")
    click.echo("Demo logins (random passwords, generated on first run):")
    for email, password, role in logins:
        click.echo(f"  {role:<10} {email:<28} {password}")
    click.echo(f"Data folder: {current_app.config['DATA_DIR']}")


COMMANDS = [demo, setup]
