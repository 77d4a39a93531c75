"""Click options shared by several `vetted` commands."""

from __future__ import annotations

from datetime import date

import click


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
