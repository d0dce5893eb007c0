"""`tracker db ...`: where the database is, which schema it has, and the
ledger's guard lifted for a correction and put back."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import exc as sa_exc

from tracker.cli.options import app, emit
from tracker.core.backup import backup as run_backup
from tracker.db import SCHEMA_REVISIONS, Database, migrate
from tracker.db.failures import denied, failure_message
from tracker.errors import DatabaseError
from tracker.render import messages

# Where a dump left out what makes the ledger safe.
RESTORED_WITHOUT = (
    "which a dump made without them leaves out (mariadb-dump and mysqldump need "
    "--routines --triggers)"
)


@click.group()
def db() -> None:
    """The database: its location and schema migrations."""


@db.command()
def path() -> None:
    """Print the database in use (a file path, or a URL without its password)."""
    emit(app().db.name)


@db.command()
def current() -> None:
    """Print the database's schema revision and this tracker's."""
    database = app().db
    state = database.state()
    if state.status in ("interrupted", "unguarded"):
        raise DatabaseError(database.problem(state) or "")
    if state.status == "current" and (lacking := database.lacking()):
        raise DatabaseError(
            f"database {database.name} at schema revision {state.revision} lacks "
            f"{', '.join(lacking)}, {RESTORED_WITHOUT}: its owner runs 'tracker db upgrade' "
            "to make them again"
        )
    said = {
        "empty": "empty (created on first use)",
        "foreign": "not a tracker database",
        "current": "up to date",
        "behind": "behind: run 'tracker db upgrade'",
        "ahead": "ahead: written by a newer tracker",
    }[state.status]
    if state.revision is None:
        emit(f"{database.name}: {said}; this tracker's schema is {state.head}")
    else:
        emit(f"{state.revision} ({said}; this tracker's schema is {state.head})")


@db.command()
def upgrade() -> None:
    """Migrate the database to this tracker's schema. Back it up first."""
    database = app().db
    before, after, made = database.upgrade()
    if before.status == "current":
        emit(f"{database.name} is already at {after.head}")
    elif before.status == "interrupted":
        emit(f"{database.name}: finished migration {before.revision} -> {after.revision}")
    else:
        emit(f"{database.name}: {before.revision or 'empty'} -> {after.revision}")
    if made:
        emit(f"Made again what it lacked: {', '.join(made)}")


@db.command()
@click.argument("revision")
@click.confirmation_option(prompt="Downgrading can drop data. Continue?")
def downgrade(revision: str) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    if revision != "base" and revision not in SCHEMA_REVISIONS and not migrate.known(revision):
        raise click.BadParameter(
            f"unknown revision {revision!r}; known: base, {', '.join(SCHEMA_REVISIONS)}",
            param_hint="'REVISION'",
        )
    database = app().db
    before, after = database.downgrade(revision)
    emit(f"{database.name}: {before.revision} -> {after.revision or 'base'}")


@db.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup(file: Path, force: bool) -> None:
    """Back up the database to FILE, while others keep working.

    \b
    SQLite: a copy of the database file, of one moment (SQLite's online
    backup); use it with --db FILE, or copy it back to restore.
    PostgreSQL, MySQL/MariaDB: the JSON export of one consistent snapshot;
    'tracker import FILE' into an empty database restores it.
    """
    database = app().db
    done = run_backup(database, file, force=force)
    emit(messages.backed_up(database.name, done))


@db.command()
@click.argument("state", type=click.Choice(["off", "on"]))
def guard(state: str) -> None:
    """Lift the ledger's guard for a correction (off), or put it back (on).

    \b
    The owner's, while the team stops logging: 'off' lets the owner change or
    delete a statement with the server's client (or sqlite3), and every
    tracker command refuses the database until 'on' puts the guard back and
    leaves every statement to be indexed again by the next search.
    See docs/teams.md, "Correcting a statement on purpose".
    """
    database = app().db
    if not database.exists():
        raise DatabaseError(f"there is no database at {database.name}")
    try:
        if state == "off":
            lifted = database.guard_off()
        else:
            made = database.guard_on()
    except sa_exc.DBAPIError as err:
        if denied(err):
            raise DatabaseError(_owners_only(database, err)) from None
        raise
    if state == "off":
        emit(
            f"The ledger's guard on {database.name} is {'off' if lifted else 'already off'}: "
            "correct the statement with the database's own client, then run 'tracker db guard "
            "on'. Until then every tracker command refuses the database."
        )
    elif made is None:
        emit(f"The ledger's guard on {database.name} is already on.")
    else:
        again = f" (made again: {', '.join(made)})" if made else ""
        emit(
            f"The ledger's guard on {database.name} is on again{again}; the next search "
            "indexes every statement again."
        )


def _owners_only(database: Database, err: sa_exc.DBAPIError) -> str:
    return (
        f"only the owner of {database.name} may lift or put back its guard "
        f"({failure_message(err, database.url)})"
    )
