"""`vetted import` and `vetted export`: clinic profiles in and out of the directory."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from directory.cli_options import echo_imported
from directory.clinics import importers
from directory.clinics.exporting import export_profiles
from directory.clinics.records import ImportFileError, count_lines
from directory.db import get_db
from directory.hsds import cli as hsds_cli

# Per-record reasons printed on screen before "... and N more".
SHOWN = 20


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(importers.FORMATS + hsds_cli.FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: profiles, one JSON object per line (or one object per file); "
    "nhs-csv: an NHS website clinic or hospital list; " + hsds_cli.IMPORT_HELP,
)
@click.option("--strict", is_flag=True, help="Import nothing if any record is invalid.")
@click.option("--dry-run", is_flag=True, help="Check and report without writing anything.")
@click.option("--verbose", "-v", is_flag=True, help="List every skipped or invalid record.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write every per-record reason to this file.",
)
@with_appcontext
def import_command(
    file: Path, fmt: str, strict: bool, dry_run: bool, verbose: bool, report_file: Path | None
) -> None:
    """Import clinic profiles from FILE; re-importing the same file changes nothing.

    Every record is checked: a bad one is reported with its line, field and reason and
    is not written, while the good ones are (unless --strict). The search index follows
    when the command ends, as after every command.
    """
    if report_file is not None and not report_file.resolve().parent.is_dir():
        raise click.ClickException(f"{report_file}: the folder for the report does not exist")
    if fmt in hsds_cli.FORMATS:
        return hsds_cli.run_import(
            file, fmt, strict=strict, dry_run=dry_run, verbose=verbose, report_file=report_file
        )
    db = get_db()
    started = time.perf_counter()
    try:
        if strict:
            found = importers.find_invalid(importers.open_reader(file, fmt, db))
            if found.counts[importers.INVALID]:
                _show(found, verbose, report_file)
                raise click.ClickException(
                    f"{file}: {found.counts[importers.INVALID]} invalid records; "
                    "nothing imported (--strict)"
                )
        records = importers.open_reader(file, fmt, db)
        report = _run(db, file, records, dry_run)
    except ImportFileError as exc:
        hint = f"\nHint: {exc.hint}" if exc.hint else ""
        raise click.ClickException(f"{exc}{hint}") from exc
    except sqlite3.OperationalError as exc:
        raise click.ClickException(
            f"{file}: the store refused the import ({exc}); the batches before the error were "
            "saved.\nHint: run the same import again once the store is free; it is idempotent."
        ) from exc
    _show(report, verbose, report_file)
    echo_imported(file, report.summary(), started, dry_run=dry_run)
    if report.records == 0:
        raise click.ClickException(f"{file}: no records found")
    if report.counts[importers.INVALID] == report.records:
        raise click.ClickException(f"{file}: every record is invalid; nothing imported")


def _run(db, file: Path, records, dry_run: bool) -> importers.ImportReport:
    kwargs = {"actor": "cli:import", "reason": f"import {file.name}", "dry_run": dry_run}
    if not sys.stdout.isatty():
        return importers.import_records(db, records, **kwargs)
    total = count_lines(file)
    with click.progressbar(length=total, label=f"Importing {file.name}") as bar:
        seen = [0]

        def advance(line: int) -> None:
            bar.update(line - seen[0])
            seen[0] = line

        return importers.import_records(db, records, on_progress=advance, **kwargs)


def _show(report: importers.ImportReport, verbose: bool, report_file: Path | None) -> None:
    lines = [str(detail) for detail in report.details]
    for line in lines if verbose else lines[:SHOWN]:
        click.echo(line)
    if not verbose and len(lines) > SHOWN:
        click.echo(
            f"… and {len(lines) - SHOWN} more (see them all with --verbose or --report FILE)"
        )
    if report_file is not None:
        try:
            report_file.write_text(
                "".join(f"{line}\n" for line in lines) + report.summary() + "\n", "utf-8"
            )
        except OSError as exc:
            raise click.ClickException(
                f"{report_file}: cannot write the report ({exc.strerror})"
            ) from exc


@click.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write to this file (replaced whole, only once complete) instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("jsonl", *hsds_cli.FORMATS)),
    default="jsonl",
    show_default=True,
    help=hsds_cli.EXPORT_HELP,
)
@with_appcontext
def export_command(output: Path | None, fmt: str) -> None:
    """Export every clinic as JSON Lines in the profile format, ordered by id (or as HSDS)."""
    if fmt in hsds_cli.FORMATS:
        return hsds_cli.run_export(output, fmt)
    if output is not None and output.is_dir():
        raise click.ClickException(f"{output}: is a folder; name a file")
    db = get_db()
    if output is None:
        with click.open_file("-", "wb") as stdout:
            n = export_profiles(db, stdout)
        click.echo(f"Exported {n} clinics.", err=True)
        return
    directory = output.resolve().parent
    if not directory.is_dir():
        raise click.ClickException(f"{output}: the folder {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write here ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            n = export_profiles(db, out)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise click.ClickException(f"{output}: cannot write the export ({exc.strerror})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"Exported {n} clinics to {output}.")


COMMANDS = [import_command, export_command]
