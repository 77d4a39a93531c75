"""`vetted import|export --format hsds-json|hsds-datapackage`: HSDS in and out of the directory.

The clinics commands own the options; they hand these two formats to the functions here.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click

from directory.cli_options import echo_imported
from directory.clinics.records import ImportFileError
from directory.db import get_db
from directory.hsds import export, services
from directory.vocabulary import load_vocabulary

FORMATS = services.FORMATS
SHOWN = 20
IMPORT_HELP = (
    "hsds-json: Open Referral HSDS 3.0 JSON documents (a file or a folder of them); "
    "hsds-datapackage: an HSDS tabular data package (its folder or datapackage.json)."
)
EXPORT_HELP = (
    "jsonl: profiles, one per line; hsds-json: HSDS 3.0 organization and service documents "
    "into the folder --output; hsds-datapackage: the HSDS tabular package into --output."
)


def _show(report: services.HsdsImportReport, verbose: bool, report_file: Path | None) -> None:
    lines = (
        [f"error: {e}" for e in report.errors]
        + [f"warning: {w}" for w in report.warnings]
        + [f"note: {n}" for n in report.notes]
    )
    for line in lines if verbose else lines[:SHOWN]:
        click.echo(line)
    if not verbose and len(lines) > SHOWN:
        click.echo(f"… and {len(lines) - SHOWN} more (see them all with --verbose or --report)")
    if report_file is not None:
        try:
            report_file.write_text("\n".join([*lines, report.summary()]) + "\n", "utf-8")
        except OSError as exc:
            raise click.ClickException(f"{report_file}: cannot write ({exc.strerror})") from exc


def run_import(
    path: Path, fmt: str, *, strict: bool, dry_run: bool, verbose: bool, report_file: Path | None
) -> None:
    """Import HSDS files: each organization whole or not at all, faults named."""
    db, started = get_db(), time.perf_counter()
    vocabulary = load_vocabulary()
    try:
        if strict:
            found = services.read_records(path, fmt, vocabulary)
            if found.errors:
                _show(found, verbose, report_file)
                raise click.ClickException(
                    f"{path}: {len(found.errors)} faults; nothing imported (--strict)"
                )
        report = services.import_hsds(
            db,
            path,
            fmt,
            vocabulary=vocabulary,
            actor="cli:import",
            reason=f"import {path.name} ({fmt})",
            dry_run=dry_run,
        )
    except ImportFileError as exc:
        hint = f"\nHint: {exc.hint}" if exc.hint else ""
        raise click.ClickException(f"{exc}; nothing imported.{hint}") from exc
    _show(report, verbose, report_file)
    echo_imported(path, report.summary(), started, dry_run=dry_run)
    if report.organizations == 0:
        raise click.ClickException(f"{path}: no HSDS organizations found")
    if report.counts.get("rejected") == report.organizations:
        raise click.ClickException(f"{path}: every organization was rejected; nothing imported")


def run_export(output: Path | None, fmt: str) -> None:
    """Export the published directory as HSDS into the folder output."""
    if output is None:
        raise click.ClickException(f"--format {fmt} writes a folder: name it with --output DIR")
    write = export.export_json if fmt == services.JSON else export.export_package
    try:
        n = write(get_db(), output, today=date.today(), vocabulary=load_vocabulary())
    except export.ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Exported {n} organizations as {fmt} to {output}.")
