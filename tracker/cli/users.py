"""`tracker user ...`: who may sign in to `tracker serve`, and as what."""

from __future__ import annotations

import sys

import click

from tracker import render
from tracker.cli.options import app, emit, output_options, style
from tracker.core import accounts
from tracker.core.accounts import ROLES
from tracker.errors import Invalid

PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
ROLE_HELP = "reader: every page and GET; writer: also logs and edits; admin: also the catalog."


def _password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or typed twice on a terminal.
    Neither possible, or one too short or too long: a bad command line (exit 2)."""
    if from_stdin:
        # Read no more than a password can be: a huge line is refused, not held.
        line = sys.stdin.readline(accounts.MAX_PASSWORD + 3)
        password = line.removesuffix("\n").removesuffix("\r")
    elif sys.stdin.isatty():
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt="Repeat it", err=True
        )
    else:
        raise click.UsageError("no terminal to ask for the password: give --password-stdin")
    try:
        return accounts.check_password(password)
    except Invalid as err:
        raise click.BadParameter(str(err), param_hint="password") from None


@click.group()
def user() -> None:
    """Who may sign in to `tracker serve`, and as what (reader, writer, admin)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help=ROLE_HELP)
@PASSWORD_STDIN
def user_add(name: str, role: str, password_stdin: bool) -> None:
    """Add a user NAME who signs in with a password (asked twice on a
    terminal; at least 10 characters)."""
    try:
        name = accounts.check_name(name)
    except Invalid as err:
        raise click.BadParameter(str(err), param_hint="'NAME'") from None
    password = _password(password_stdin)
    with app().db.session(write=True, data=False) as session:
        account = accounts.add_user(session, name, role, password)
    emit(f"Added user {account.name} ({account.role}).")


@user.command("list")
@output_options("records")
def user_list(fmt: str, tablefmt: str | None) -> None:
    """The users, their roles, and how many sessions and API tokens each has."""
    with app().db.session() as session:
        found = accounts.list_users(session)
        counts = accounts.counts(session)
    payload = [
        {**a.to_json(), "sessions": n[0], "tokens": n[1]}
        for a, n in ((a, counts.get(a.id, (0, 0))) for a in found)
    ]
    listing = render.Records(
        ("name", "role", "sessions", "tokens"), [list(p.values()) for p in payload], payload
    )
    emit(render.records(listing, fmt, style(tablefmt)))


@user.command("edit")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help=ROLE_HELP)
@click.option("--password", "ask", is_flag=True, help="Set a new password, typed twice.")
@PASSWORD_STDIN
@click.option("--revoke", is_flag=True, help="End the user's sessions and API tokens now.")
def user_edit(name: str, role: str | None, ask: bool, password_stdin: bool, revoke: bool) -> None:
    """Change a user's role or password, or sign them out everywhere. A new
    password ends their sessions and tokens too, in every worker at once."""
    if not (role or ask or password_stdin or revoke):
        raise click.UsageError(
            "nothing to change: give one or more of --role, --password, --password-stdin, --revoke"
        )
    password = _password(password_stdin) if ask or password_stdin else None
    with app().db.session(write=True, data=False) as session:
        account = accounts.edit_user(session, name, role, password, revoke)
    done = [f"role {account.role}"] if role else []
    done += ["new password"] if password else []
    done += ["sessions and tokens ended"] if password or revoke else []
    emit(f"User {account.name}: {', '.join(done)}.")


@user.command("remove")
@click.argument("name")
def user_remove(name: str) -> None:
    """Remove a user: they are signed out everywhere; what they logged keeps their name."""
    with app().db.session(write=True, data=False) as session:
        account = accounts.remove_user(session, name)
    emit(f"Removed user {account.name}; their sessions and tokens are ended.")


@user.command("token")
@click.argument("name")
def user_token(name: str) -> None:
    """Print a new API token for NAME, once (only its hash is kept). Scripts
    send it as `Authorization: Bearer TOKEN`."""
    with app().db.session(write=True, data=False) as session:
        token = accounts.new_token(session, name)
    emit(token)
    click.echo(
        "This token is shown once; keep it secret. 'tracker user edit NAME --revoke' ends it.",
        err=True,
    )
