"""`vetted backup`, `vetted restore` and `vetted replicate` (docs/backups.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.backups import services
from directory.db import apply_migrations, get_db
from directory.search.extension import open_search_index
from directory.search.services import rebuild_index


def _paths() -> dict:
    config = current_app.config
    return {
        "db_path": Path(config["DATABASE"]),
        "evidence_dir": Path(config["EVIDENCE_DIR"]),
        "secret_key": Path(config["DATA_DIR"]) / "secret_key",
    }


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@with_appcontext
def backup(dest: Path) -> None:
    """Back up the store, evidence files and secret key to DEST, a new folder, and verify it.

    The service keeps running: the store is copied with SQLite's online backup API.
    """
    paths = _paths()
    try:
        manifest = services.create_backup(
            paths["db_path"], paths["evidence_dir"], dest, secret_key=paths["secret_key"]
        )
    except (services.BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    files = manifest["files"].values()
    size = sum(entry["size"] for entry in files)
    click.echo(f"Backed up {len(files)} files ({size:,} bytes) to {dest}; verified.")


@click.command("restore")
@click.argument("src", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Replace the data the folder already holds.")
@with_appcontext
def restore(src: Path, force: bool) -> None:
    """Restore the backup in SRC into the data folder, then rebuild the search index.

    The backup is verified first. Stop the service before restoring.
    """
    try:
        services.restore_backup(src, **_paths(), force=force)
    except (services.BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    db = get_db()
    apply_migrations(db)  # a backup from an older release gains the newer schema
    count = rebuild_index(db, open_search_index(current_app))
    click.echo(f"Restored {src}; indexed {count} published clinics.")


@click.command("replicate")
@click.argument("replica_url", required=False)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A litestream.yml to use instead of REPLICA_URL (docs/litestream.yml).",
)
@with_appcontext
def replicate(replica_url: str | None, config: Path | None) -> None:
    """Replicate the store continuously with Litestream to REPLICA_URL, until stopped.

    REPLICA_URL is file:///path or s3://bucket/path (default: VETTED_REPLICA_URL).
    """
    replica_url = replica_url or current_app.config.get("REPLICA_URL")
    try:
        command = services.replicate_command(_paths()["db_path"], replica_url, config)
    except services.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    # Litestream takes this process over, so a supervisor's signals reach it directly.
    os.execv(command[0], command)


COMMANDS = [backup, restore, replicate]
