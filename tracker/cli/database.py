"""`tracker db ...`: where the database is and which schema it has."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.options import app, emit
from tracker.errors import DatabaseError


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
    from tracker import db as dbmod

    rev, has_tables = dbmod.read_revision(app().db.engine)
    if rev is None:
        state = "not a tracker database" if has_tables else "empty (created on first use)"
        emit(f"{app().db.name}: {state}; this tracker's schema is {dbmod.HEAD}")
        return
    if rev == dbmod.HEAD:
        state = "up to date"
    elif rev in dbmod.SCHEMA_REVISIONS:
        state = "behind: run 'tracker db upgrade'"
    else:
        state = "ahead: written by a newer tracker"
    emit(f"{rev} ({state}; this tracker's schema is {dbmod.HEAD})")


@db.command()
def upgrade() -> None:
    """Migrate the database to this tracker's schema. Back it up first."""
    from tracker import db as dbmod
    from tracker import migrate

    database = app().db
    rev, has_tables = dbmod.read_revision(database.engine)
    if rev is None and has_tables:
        raise DatabaseError(f"{database.name} is not a tracker database")
    if rev is not None and rev not in dbmod.SCHEMA_REVISIONS:
        raise DatabaseError(
            f"{database.name} is at revision {rev}, which this tracker does not know; "
            "upgrade tracker instead"
        )
    if rev == dbmod.HEAD:
        emit(f"{database.name} is already at {dbmod.HEAD}")
        return
    migrate.upgrade(database.engine, "head")
    emit(f"{database.name}: {rev or 'empty'} -> {dbmod.HEAD}")


@db.command()
@click.argument("revision")
@click.confirmation_option(prompt="Downgrading can drop data. Continue?")
def downgrade(revision: str) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    from tracker import db as dbmod
    from tracker import migrate

    if (
        revision != "base"
        and revision not in dbmod.SCHEMA_REVISIONS
        and not migrate.known(revision)
    ):
        raise click.BadParameter(
            f"unknown revision {revision!r}; known: base, {', '.join(dbmod.SCHEMA_REVISIONS)}",
            param_hint="'REVISION'",
        )
    database = app().db
    before, _ = dbmod.read_revision(database.engine)
    migrate.downgrade(database.engine, revision)
    after, _ = dbmod.read_revision(database.engine)
    emit(f"{database.name}: {before or 'empty'} -> {after or 'base'}")


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
    from tracker.core.backup import backup as run_backup

    database = app().db
    done = run_backup(database, file, force=force)
    count = f"{done.statements} statement{'s' if done.statements != 1 else ''}"
    if done.kind == "sqlite":
        emit(f"Backed up {database.name} ({count}, schema {done.revision}) to {done.path}.")
    else:
        emit(
            f"Backed up {database.name} ({count}, schema {done.revision}) as JSON to "
            f"{done.path}; restore into an empty database with 'tracker import'."
        )
