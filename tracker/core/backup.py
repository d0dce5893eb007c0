"""`tracker db backup`: a consistent copy of the database while others write.

SQLite: a copy of the database file through SQLite's online backup API, one
moment of the database even while other processes write to it. PostgreSQL
and MySQL/MariaDB: the JSON export (the shape `tracker import` reads) of one
snapshot, read in a single REPEATABLE READ transaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.core.types import Backup
from tracker.db import Database, SchemaState
from tracker.errors import AlreadyExists, DatabaseError, NotFound, TrackerError
from tracker.files import final_target, is_special, refuse_database, written_beside
from tracker.text import shorten


def _check_target(target: Path, source: Path | None, force: bool) -> None:
    if target.is_dir():
        raise TrackerError(f"{target} is a folder: name the backup file")
    if not final_target(target).parent.is_dir():
        raise TrackerError(f"cannot write {target}: folder {target.parent} does not exist")
    if source is not None and target.exists() and target.samefile(source):
        raise TrackerError(f"{target} is the database itself: back it up to another file")
    refuse_database(target, source)
    if is_special(target):
        raise TrackerError(f"{target} is not a regular file: name a file to back up to")
    if target.exists() and not force:
        raise AlreadyExists(f"{target} exists: choose another file, or replace it with --force")


def _quick_check(conn: sqlite3.Connection, what: str) -> None:
    """SQLite's own check of a database file's structure (`PRAGMA quick_check`):
    a damaged database is refused, not copied."""
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as err:
        problems = [str(err)]
    if problems != ["ok"]:
        raise DatabaseError(
            f"{what} is damaged (PRAGMA quick_check: {shorten('; '.join(problems), 200)}): "
            "no backup was written"
        )


def _revision(database: Database) -> tuple[str, SchemaState]:
    """The database's revision and schema state: any revision will do (a
    backup comes before an upgrade), but it must be a tracker database's."""
    state = database.state()
    if state.status == "foreign":
        raise DatabaseError(f"{database.name} is not a tracker database")
    if state.status == "empty":
        raise NotFound(f"{database.name} is empty: there is nothing to back up")
    assert state.revision is not None
    return state.revision, state


def backup(database: Database, target: Path, *, force: bool = False) -> Backup:
    target = target.expanduser().absolute()
    if database.url.get_backend_name() == "sqlite":
        return _backup_sqlite(database, target, force)
    _check_target(target, None, force)
    rev, state = _revision(database)
    if state.status == "behind":
        raise DatabaseError(
            f"{database.name} is at schema revision {rev}, behind this tracker's {state.head}, "
            "and a JSON backup needs the current schema: back it up with the server's "
            "own tool (pg_dump, mariadb-dump) before 'tracker db upgrade'"
        )
    from tracker.core.transfer import export_json

    try:
        with (
            database.session() as session,
            written_beside(target) as scratch,
            scratch.open("w", encoding="utf-8", newline="") as out,
        ):
            count = export_json(session, out)
    except OSError as err:  # a full disk: say which file could not be written
        raise TrackerError(f"cannot write the backup {target}: {err.strerror or err}") from None
    return Backup(target, "json", count, rev)


def _backup_sqlite(database: Database, target: Path, force: bool) -> Backup:
    source = Path(database.url.database or "")
    if not database.url.database or database.url.database == ":memory:" or not source.is_file():
        raise NotFound(f"no database at {database.name}: there is nothing to back up")
    _check_target(target, source, force)
    rev, _ = _revision(database)
    raw = database.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        with written_beside(target) as scratch:
            copy = sqlite3.connect(scratch)
            try:
                _quick_check(driver, f"database {database.name}")
                # One step (pages=-1): the copy is a single snapshot of the source.
                driver.backup(copy)
                _quick_check(copy, f"the copy of {database.name}")
                count = int(copy.execute("SELECT count(*) FROM statement").fetchone()[0])
            except sqlite3.DatabaseError as err:
                code = getattr(err, "sqlite_errorcode", None)
                if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):  # unreadable pages
                    raise DatabaseError(
                        f"database {database.name} is damaged ({err}): no backup was written"
                    ) from None
                # The copy could not be written: a full disk, a lost folder.
                raise DatabaseError(f"cannot write the backup {target}: {err}") from None
            finally:
                copy.close()
    finally:
        raw.close()
    return Backup(target, "sqlite", count, rev)
