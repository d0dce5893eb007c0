"""Where the database is, how to connect to it, and whether its schema is current.

Alembic is imported only when a database must be created or migrated: the
common case (a database already at head) costs one small query.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from tracker.errors import DatabaseError

# Every revision in migrations/versions, oldest first. A test checks this
# against the scripts, so the cheap check below never needs alembic.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002")
HEAD = SCHEMA_REVISIONS[-1]

ENV_VAR = "TRACKER_DB"
DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
SQLITE_BUSY_TIMEOUT_S = 30


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("tracker", appauthor=False) / "tracker.db"


def resolve_url(value: str | None) -> URL:
    """`--db` (else $TRACKER_DB, else the default file) as an SQLAlchemy URL.

    A value with `://` is a URL; anything else is a SQLite file path.
    """
    value = value or os.environ.get(ENV_VAR) or None
    if value is None:
        return URL.create("sqlite", database=str(default_path()))
    if "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser().absolute()))
    try:
        url = make_url(value)
    except sa_exc.ArgumentError:
        raise DatabaseError(f"bad database URL {mask(value)!r}") from None
    if url.host and "@" in url.host:
        # An '@' in the password ends the user part early; the rest of the
        # password would then be taken for the host, and shown in messages.
        raise DatabaseError(
            f"bad database URL {mask(value)!r}: write an '@' in the password as %40"
        )
    url = url.set(drivername=DRIVERS.get(url.drivername, url.drivername))
    if url.get_backend_name() in ("mysql", "mariadb") and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


SECRET_PARAMETERS = ("password", "passwd")


def mask(value: str | URL) -> str:
    """A URL as it may be shown: never with its password, whether it stands
    before the host or in the query (`?password=`, which libpq reads too)."""
    if isinstance(value, URL):
        text = value.render_as_string(hide_password=True)
    else:
        text = re.sub(r"(://[^:/@]*:)[^/]*@", r"\1***@", value)
    return re.sub(r"([?&](?:password|passwd)=)[^&]*", r"\1***", text, flags=re.IGNORECASE)


def secrets(url: URL) -> list[str]:
    """Every password a URL holds, to scrub from the messages that quote it."""
    found = [str(url.password)] if url.password else []
    for key, value in url.query.items():
        if key.lower() in SECRET_PARAMETERS:
            found += [value] if isinstance(value, str) else list(value)
    return [s for s in found if s]


def describe(url: URL) -> str:
    """What a message calls the database: a file path or a password-free URL."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return mask(url)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Transactions are begun by the "begin" listener below, not by the driver.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
    with contextlib.suppress(Exception):  # a read-only file keeps its journal mode
        cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


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


def read_revision(engine: Engine) -> tuple[str | None, bool]:
    """(revision, has_tables): the schema revision recorded in the database,
    and whether it holds any table besides Alembic's own."""
    with engine.connect() as conn:
        try:
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except sa_exc.DatabaseError as err:
            conn.rollback()
            try:
                names = inspect(conn).get_table_names()
            except sa_exc.DatabaseError:
                raise err from None
            return None, bool(names)
        if rev is None:  # downgraded to base: only alembic_version is left
            return None, bool(set(inspect(conn).get_table_names()) - {"alembic_version"})
        return rev, True


class Database:
    """A database named by `--db`, connected on first use and checked to be at
    the schema this tracker knows (created there if brand new)."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._checked = False

    @classmethod
    def from_option(cls, value: str | None) -> Database:
        return cls(resolve_url(value))

    @property
    def name(self) -> str:
        return describe(self.url)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def ensure_current(self) -> None:
        if self._checked:
            return
        rev, has_tables = read_revision(self.engine)
        if rev is None and not has_tables:
            self._create()
        elif rev is None:
            raise DatabaseError(
                f"{self.name} is not a tracker database (it has tables but no schema revision)"
            )
        elif rev != HEAD:
            raise DatabaseError(self._revision_problem(rev))
        self._checked = True

    def _revision_problem(self, rev: str) -> str:
        if rev in SCHEMA_REVISIONS:
            return (
                f"database {self.name} is at schema revision {rev}, behind this tracker's "
                f"{HEAD}: back it up, then run 'tracker db upgrade'"
            )
        return (
            f"database {self.name} is at schema revision {rev}, which this tracker does "
            f"not know (written by a newer tracker?): upgrade tracker"
        )

    def _create(self) -> None:
        from tracker import migrate

        try:
            migrate.upgrade(self.engine, "head")
        except sa_exc.DatabaseError:
            # Another process may have created it at the same moment.
            rev, _ = read_revision(self.engine)
            if rev != HEAD:
                raise

    @contextlib.contextmanager
    def session(self, *, write: bool = False, commit: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends (rolled back instead
        when `commit` is false: a dry run), rolled back on any error. A reading
        transaction sees one consistent snapshot of the database."""
        self.ensure_current()
        engine = self.engine
        if write:
            engine = engine.execution_options(tracker_write=True)
        elif self.url.get_backend_name() == "postgresql":
            # A reader sees one snapshot for the whole command, as on SQLite
            # (WAL) and MariaDB (REPEATABLE READ by default): an export's
            # parties, issues and statements, or a report's queries, all agree.
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with Session(engine, expire_on_commit=False) as session:
            session.begin()
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            if commit:
                session.commit()
            else:
                session.rollback()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
