"""`vetted users`: manage accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from directory.accounts import services
from directory.accounts.passwords import generate_password
from directory.accounts.services import ROLES, AccountError, create_user
from directory.db import get_db


@click.group("users")
def users() -> None:
    """Manage user accounts."""


@users.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="clinic",
    show_default=True,
    help="What the account may do.",
)
@click.option("--name", "display_name", default=None, help="Name shown next to decisions.")
@click.option(
    "--password",
    default=None,
    help="Password (12+ characters); a random one is generated and printed if omitted.",
)
@with_appcontext
def add_user(email: str, role: str, display_name: str | None, password: str | None) -> None:
    """Create an account, e.g. `vetted users add --role moderator ana@example.org`."""
    generated = password is None
    password = password or generate_password()
    try:
        user_id = create_user(
            get_db(),
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            confirmed=True,
            actor="cli",
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} account {email} (id {user_id}).")
    if generated:
        click.echo(f"Password: {password}")


@users.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Give EMAIL another ROLE (`vetted users role ana@example.org admin`); ends their sessions."""
    try:
        changed = services.change_role(get_db(), email, role, actor="cli")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    if changed:
        click.echo(f"{email} is now {role}; their sessions are ended.")
    else:
        click.echo(f"{email} is already {role}; nothing changed.")


def _decision_command(
    group: click.Group, kind: str, state: str, *, help_text: str, reason_help: str, done: str
) -> None:
    """Add GROUP's `approve` or `reject` command for a request of KIND (state says which).

    DONE is the line printed afterwards, with {clinic_id} in it.
    """

    @group.command("approve" if state == "approved" else "reject", help=help_text)
    @click.argument("request_id", type=int)
    # A rejection needs a reason: the requester reads it.
    @click.option("--reason", required=state == "rejected", default=None, help=reason_help)
    @with_appcontext
    def decide(request_id: int, reason: str | None) -> None:
        try:
            clinic_id = services.decide_request(
                get_db(), kind, request_id, state, actor="cli", reason=reason
            )
        except LookupError as exc:
            raise click.ClickException(f"{exc} {request_id}; see the pending list") from exc
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(done.format(clinic_id=clinic_id))


def _request_group(name: str, kind: str, *, help_text: str, pending_help: str, noun: str, line):
    """Return a `vetted NAME` group whose `pending` lists requests of KIND, a line each."""
    group = click.Group(name, help=help_text)

    @group.command("pending", help=pending_help)
    @with_appcontext
    def pending() -> None:
        rows = services.list_requests(get_db(), kind)
        for row in rows:
            click.echo(f"{row['id']}\t{row['clinic_id']}\t{row['clinic_name']}\t{line(row)}")
        click.echo(f"{len(rows)} pending {noun}(s).")

    return group


def _listing_line(row: dict) -> str:
    confirmed = "confirmed" if row["email_confirmed_at"] else "NOT confirmed"
    place = f"{row['city'] or ''} {row['country'] or ''}"
    return f"{place}\t{row['user_email']} ({confirmed})\t{row['created_at']}"


def _claim_line(row: dict) -> str:
    note = (row["note"] or "").replace("\n", " ")[:80]
    return f"website {row['website'] or '-'}\t{row['user_email']}\t{note}"


listings = _request_group(
    "listings",
    "listing",
    help_text="Approve or reject new clinic listings (until the moderation workbench does).",
    pending_help="List new listings waiting for approval, oldest first.",
    noun="listing",
    line=_listing_line,
)
_decision_command(
    listings,
    "listing",
    "approved",
    help_text="Publish the listing of request REQUEST_ID (see `vetted listings pending`).",
    reason_help="A note kept in the ledger.",
    done="Published {clinic_id}.",
)
_decision_command(
    listings,
    "listing",
    "rejected",
    help_text="Refuse the listing of request REQUEST_ID; it stays unpublished.",
    reason_help="Why: the clinic reads this on its dashboard.",
    done="Rejected the listing of {clinic_id}.",
)


ownership = _request_group(
    "ownership",
    "ownership",
    help_text="Approve or reject claims on existing clinics (until the moderation workbench does).",
    pending_help="List claims on clinics waiting for a moderator, oldest first.",
    noun="ownership request",
    line=_claim_line,
)
_decision_command(
    ownership,
    "ownership",
    "approved",
    help_text="Make the claimant of request REQUEST_ID an owner of the clinic.",
    reason_help="A note kept in the ledger.",
    done="Approved: the claimant now owns {clinic_id}.",
)
_decision_command(
    ownership,
    "ownership",
    "rejected",
    help_text="Refuse the claim of request REQUEST_ID.",
    reason_help="Why: the claimant reads this.",
    done="Rejected the claim on {clinic_id}.",
)


COMMANDS = [users, listings, ownership]
