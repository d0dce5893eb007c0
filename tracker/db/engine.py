"""Connecting: one engine per database, with SQLite set up for several writers."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy import exc as sa_exc

from tracker.db.url import default_path, mask
from tracker.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_S = 30


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Transactions are begun by the "begin" listener below, not by the driver.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
    # WAL, so that readers never wait for the writer: for a new file or
    # tracker's own, never for someone else's file, which is refused as it
    # is. (Not a database at all, unreadable or read-only: left as it is,
    # for the first query to say so.)
    with contextlib.suppress(Exception):
        if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal" and _new_or_ours(cur):
            cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


def _new_or_ours(cur: Any) -> bool:
    names = {row[0] for row in cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return not names or "alembic_version" in names


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front, so two writers queue on the busy
    # timeout instead of one failing when it upgrades a read lock.
    writing = conn.get_execution_options().get("tracker_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: URL) -> Engine:
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database or ""
        if database and database != ":memory:":
            folder = Path(database).parent
            if folder == default_path().parent:
                folder.mkdir(parents=True, exist_ok=True)  # the default place: ours to make
            if not folder.is_dir():
                raise DatabaseError(
                    f"cannot open database {database}: folder {folder} does not exist"
                )
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(url)
    except sa_exc.NoSuchModuleError:
        raise DatabaseError(
            f"unknown kind of database {url.drivername!r} in {mask(url)}: use a file path, "
            "or a sqlite://, postgresql:// or mysql:// URL"
        ) from None
    except ModuleNotFoundError as err:
        extra = "postgres" if backend == "postgresql" else "mysql"
        raise DatabaseError(
            f"no driver for {backend} ({err.name} is not installed): pip install 'tracker[{extra}]'"
        ) from None
