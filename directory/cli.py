"""The `vetted` command group: Flask's CLI plus every command of every domain."""

from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import FlaskGroup

# Each module defines click commands (or groups) in a list named COMMANDS.
COMMAND_MODULES = (
    "directory.clinics.cli",
    "directory.search.cli",
    "directory.accounts.cli",
    "directory.demo_cli",
    "directory.vetting.cli",
    "directory.moderation.cli",
    "directory.backups.cli",
    "directory.registers.cli",
)


def register_commands(app: Flask) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A domain that does not exist yet simply has no commands.
            if exc.name and name.startswith(exc.name):
                continue
            raise
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)


def _create_app():
    from directory import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Vetted: the clinic vetting directory.

    Every command works on the data folder named by VETTED_DATA_DIR (default instance/).
    """
