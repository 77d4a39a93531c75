"""The `vetted` command group: Flask's CLI plus every command of every domain.

Around every command the search extension applies the outbox: a backlog when the command
first opens the store, and what the command wrote when it ends (directory/search/extension.py).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

import directory
from directory import demo_cli
from directory.accounts import cli as accounts_cli
from directory.backups import cli as backups_cli
from directory.clinics import cli as clinics_cli
from directory.experiences import cli as experiences_cli
from directory.moderation import cli as moderation_cli
from directory.registers import cli as registers_cli
from directory.search import cli as search_cli
from directory.vetting import cli as vetting_cli

COMMANDS = (
    *clinics_cli.COMMANDS,
    *search_cli.COMMANDS,
    *accounts_cli.COMMANDS,
    *demo_cli.COMMANDS,
    *vetting_cli.COMMANDS,
    *moderation_cli.COMMANDS,
    *registers_cli.COMMANDS,
    *backups_cli.COMMANDS,
    *experiences_cli.COMMANDS,
)


def register_commands(app: Flask) -> None:
    """Add every domain's commands to app.cli."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    return directory.create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Vetted: the clinic vetting directory.

    Every command works on the data folder named by VETTED_DATA_DIR (default instance/).
    """
