"""`vetted index`: rebuild, check and repair the search index, apply the outbox.

These commands apply the outbox themselves, so the drain around every other command is off
for them: `index check` reports pending changes as drift instead of hiding them.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from directory.db import get_db
from directory.search import services
from directory.search.extension import get_index, outbox_by_hand


@click.group("index")
def index_group() -> None:
    """Maintain the search index (it always follows the database)."""


def _store_and_index():
    """Open the store and the index for a command that applies the outbox itself."""
    outbox_by_hand()
    return get_db(), get_index()


@index_group.command("rebuild")
@with_appcontext
def rebuild() -> None:
    """Build a fresh index beside the live one and swap it in."""
    count = services.rebuild_index(*_store_and_index())
    click.echo(f"Indexed {count} published clinics.")


@index_group.command("check")
@click.option("--repair", is_flag=True, help="Fix the drift that was found.")
@with_appcontext
def check(repair: bool) -> None:
    """Report clinics missing from, stale in, or extra to the index."""
    report = (services.repair_index if repair else services.check_index)(*_store_and_index())
    for label, ids in (
        ("missing", report.missing),
        ("stale", report.stale),
        ("extra", report.extra),
    ):
        shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
        click.echo(f"{label}: {len(ids)}" + (f" ({shown})" if ids else ""))
    if report.clean:
        click.echo("The index matches the database.")
    elif repair:
        click.echo("Repaired.")
    else:
        raise click.ClickException("the index has drifted; run `vetted index check --repair`")


@index_group.command("sync")
@with_appcontext
def sync() -> None:
    """Apply pending database changes (the outbox) to the index."""
    n = services.drain_outbox(*_store_and_index())
    click.echo(f"Applied {n} pending changes.")


COMMANDS = [index_group]
