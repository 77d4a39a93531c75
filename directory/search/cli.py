"""`vetted index`: rebuild, check and repair the search index, apply the outbox.

These commands apply the outbox themselves, so the drain around every other command is off
for them: `index check` reports pending changes as drift instead of hiding them.
"""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.db import get_db
from directory.search import services
from directory.search.extension import get_index, outbox_by_hand

# Seconds between two looks at a read node's store. A look that finds the outbox mark unmoved
# costs under a millisecond; a full pass 0.17 s at 10k clinics, 1.7 s at 100k
# (bench/follow_bench.py, docs/deployment.md).
FOLLOW_EVERY = 2.0


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


def _follow_pass(since_mark: int | None, *, say_clean: bool) -> int | None:
    """One look at the store, on a connection of its own; return the outbox mark it saw."""
    # Closed after each look: on a read node Litestream applies the writer's changes only
    # while no connection holds the store open.
    with current_app.app_context():
        try:
            mark, report = services.follow_changes(get_db(), get_index(), since_mark)
        except Exception as error:  # the next look tries again, from a full check
            click.echo(f"Could not follow the store: {type(error).__name__}: {error}", err=True)
            return None
    if report is not None and not report.clean:
        click.echo(
            f"Indexed {len(report.missing)} new and {len(report.stale)} changed clinics; "
            f"removed {len(report.extra)}."
        )
    elif report is not None and say_clean:
        click.echo("The index matches the store.")
    return mark


@index_group.command("follow")
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    default=FOLLOW_EVERY,
    show_default=True,
    help="Seconds between two looks at the store.",
)
@click.option("--once", is_flag=True, help="One full pass, then exit (before serving).")
@with_appcontext
def follow(every: float, once: bool) -> None:
    """Keep a read node's index following its restored store, until SIGTERM or Ctrl-C.

    For VETTED_READ_ONLY=on, beside `litestream restore -f` (deploy/read-node). The store is
    only read. The first pass compares every clinic with the index; later ones run when the
    store's outbox mark has moved.
    """
    if not current_app.config["READ_ONLY"]:
        raise click.ClickException(
            "`vetted index follow` is for a read node (VETTED_READ_ONLY=on); "
            "a writer's index follows its outbox."
        )
    if once:
        if _follow_pass(None, say_clean=True) is None:
            raise click.ClickException("the index could not follow the store")
        return
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        mark = None
        while True:
            mark = _follow_pass(mark, say_clean=False)
            if stop.wait(every):
                break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo("Stopped following the store.")


COMMANDS = [index_group]
