"""Every CLI command has help text and is documented in the README."""

from pathlib import Path

import click
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
# Commands Flask adds itself; documented by Flask, not by us.
FLASK_BUILTINS = {"routes", "shell", "limiter"}


def _walk(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _walk(command, click.Context(command, parent=ctx), f"{path} ")


def all_commands(app):
    from directory.cli import main

    with app.app_context():
        ctx = click.Context(main)
        ctx.ensure_object(dict)
        # FlaskGroup lists app.cli's commands once it can load the app.
        from flask.cli import ScriptInfo

        ctx.obj = ScriptInfo(create_app=lambda: app)
        return [(p, c) for p, c in _walk(main, ctx) if p.split()[0] not in FLASK_BUILTINS]


def test_there_are_commands(app):
    names = {path for path, _ in all_commands(app)}
    assert {"setup", "demo", "index", "index rebuild", "index check", "users add", "run"} <= names


def test_every_command_has_help_and_is_in_the_readme(app):
    readme = README.read_text()
    missing_help, missing_doc = [], []
    for path, command in all_commands(app):
        if not (command.help or command.short_help):
            missing_help.append(path)
        if f"vetted {path}" not in readme:
            missing_doc.append(path)
    assert missing_help == []
    assert missing_doc == []


@pytest.mark.parametrize("args", [["--help"], ["index", "--help"], ["users", "add", "--help"]])
def test_help_runs(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


# The daily upkeep commands (cli_options.dated_command), with words their help must say.
@pytest.mark.parametrize(
    "command, words",
    [(["moderation", "reminders"], "30, 14 and 7 days"), (["vetting", "sweep"], "cron")],
)
def test_a_dated_command_has_help_and_refuses_a_bad_date(runner, command, words):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0 and words in result.output
    result = runner.invoke(args=[*command, "--today", "31/12/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_users_add_creates_a_moderator_and_refuses_duplicates(runner, db):
    result = runner.invoke(args=["users", "add", "--role", "moderator", "ana@example.org"])
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    row = db.execute("select role from users where email = 'ana@example.org'").fetchone()
    assert row == ("moderator",)
    again = runner.invoke(args=["users", "add", "--role", "moderator", "ANA@example.org"])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_setup_loads_demo_once_and_prints_logins(runner, db, data_dir):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "loading the demo directory" in first.output
    for email in ("owner@demo.vetted.test", "moderator@demo.vetted.test", "admin@demo.vetted.test"):
        assert email in first.output
    count = db.execute("select count(*) from clinics").fetchone()[0]
    assert count >= 400
    second = runner.invoke(args=["setup"])
    assert "loading the demo directory" not in second.output
    assert db.execute("select count(*) from clinics").fetchone()[0] == count

    # The same random passwords are printed again, never hard-coded ones.
    def passwords(out):
        return [line.split()[-1] for line in out.splitlines() if "@demo.vetted.test" in line]

    assert passwords(first.output) == passwords(second.output)
    assert len(set(passwords(first.output))) == 3
