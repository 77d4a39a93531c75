"""Click options and output shared by several `vetted` commands."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext


def _parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date such as 2026-11-22 (YYYY-MM-DD).") from None


def today_option(help_text: str):
    """A --today YYYY-MM-DD option (default: the system date), passed on as a date."""
    return click.option("--today", callback=_parse_day, metavar="YYYY-MM-DD", help=help_text)


def upkeep_group(name: str, help_text: str) -> click.Group:
    """Return an empty `vetted NAME` command group for a domain's daily upkeep."""
    return click.Group(name, help=help_text)


def dated_command(group: click.Group, name: str, today_help: str):
    """Register a command of GROUP that runs in the app context and takes --today."""

    def register(function):
        return group.command(name)(today_option(today_help)(with_appcontext(function)))

    return register


def echo_imported(path: Path, summary: str, started: float, *, dry_run: bool) -> None:
    """Print an import's last line: what happened to its records, and how long it took."""
    took = time.perf_counter() - started
    prefix = "Dry run (nothing written)" if dry_run else "Imported"
    click.echo(f"{prefix} {path}: {summary} ({took:.1f} s).")
