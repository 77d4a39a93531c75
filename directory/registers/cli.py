"""`vetted registers`: load practitioner register extracts and look licences up."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from directory.db import get_db
from directory.registers import services
from directory.registers.adapters import Licence
from directory.registers.nppes import RegisterFileError

SHOWN = 10


@click.group("registers")
def registers() -> None:
    """Practitioner registers the review screen checks licences against."""


@registers.command("load")
@click.argument("register", type=click.Choice(["nppes"]))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--taxonomy",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The NUCC taxonomy CSV, to name every speciality (otherwise only the aesthetic ones).",
)
@click.option(
    "--extract-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date the register published the extract (default: a YYYYMMDD in the file name).",
)
@with_appcontext
def load(register: str, file: Path, taxonomy: Path | None, extract_date) -> None:
    """Load a register extract from FILE, replacing the one loaded before (NPPES CSV)."""
    given = extract_date.date() if extract_date else None
    try:
        summary = services.load_nppes(get_db(), file, taxonomy=taxonomy, extract_date=given)
    except RegisterFileError as exc:
        raise click.ClickException(f"{exc}; nothing loaded") from exc
    for line in summary["skipped"][:SHOWN]:
        click.echo(f"skipped: {line}")
    if len(summary["skipped"]) > SHOWN:
        click.echo(f"… and {len(summary['skipped']) - SHOWN} more skipped")
    click.echo(
        f"Loaded {register} extract of {summary['extract_date'] or 'unknown date'}: "
        f"{summary['practitioners']} practitioners ({summary['deactivated']} deactivated, "
        f"{summary['relevant']} in dermatology or plastic surgery), "
        f"{len(summary['skipped'])} rows skipped."
    )


@registers.command("check")
@click.argument("number")
@click.option("--authority", help="The licensing authority, e.g. 'Medical Board of California'.")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 country code, e.g. US.")
@with_appcontext
def check(number: str, authority: str | None, country: str) -> None:
    """Say what the register covering a licence NUMBER says about it."""
    answer = services.look_up(get_db(), Licence(number, authority, country.upper()))
    if not answer.covered:
        click.echo(f"not covered: {answer.note}")
    elif not answer.found:
        click.echo(f"not found in {answer.register} ({answer.extract_date}): {answer.note}")
    else:
        click.echo(
            f"found in {answer.register} ({answer.extract_date}): {answer.identifier} "
            f"{answer.name} {answer.credential or ''}, {answer.status}, "
            f"{answer.speciality or 'no speciality listed'}, licence state {answer.licence_state}"
        )


COMMANDS = [registers]
