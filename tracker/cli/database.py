"""`tracker db ...`: where the database is and which schema it has."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.options import app, emit
from tracker.core.backup import backup as run_backup
from tracker.db import SCHEMA_REVISIONS, migrate
from tracker.errors import DatabaseError
from tracker.render import messages


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
    if state.status == "interrupted":
        raise DatabaseError(database.problem(state) or "")
    said = {
        "empty": "empty (created on first use)",
        "foreign": "not a tracker database",
        "current": "up to date",
        "behind": "behind: run 'tracker db upgrade'",
        "ahead": "ahead: written by a newer tracker",
        "interrupted": "",
    }[state.status]
    if state.revision is None:
        emit(f"{database.name}: {said}; this tracker's schema is {state.head}")
    else:
        emit(f"{state.revision} ({said}; this tracker's schema is {state.head})")


@db.command()
def upgrade() -> None:
    """Migrate the database to this tracker's schema. Back it up first."""
    database = app().db
    before, after = database.upgrade()
    if before.status == "current":
        emit(f"{database.name} is already at {after.head}")
    elif before.status == "interrupted":
        emit(f"{database.name}: finished migration {before.revision} -> {after.revision}")
    else:
        emit(f"{database.name}: {before.revision or 'empty'} -> {after.revision}")


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
