"""The database: where it is, how to connect, and one transaction at a time.

`Database` is what the command line holds: the `--db` value, connected on
first use and checked to be at the schema this tracker knows (created there
when brand new). Alembic is imported only when a database must be created or
migrated: the common case (a database already at head) costs one small query.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.orm import Session

from tracker.db import migrate, objects, search_index, version
from tracker.db.engine import make_engine
from tracker.db.state import (
    HEAD,
    SCHEMA_REVISIONS,
    UNGUARDED,
    SchemaState,
    read_state,
    schema_state,
)
from tracker.db.url import describe, resolve_url
from tracker.errors import DatabaseError

__all__ = ["HEAD", "SCHEMA_REVISIONS", "Database", "SchemaState", "resolve_url", "schema_state"]


class Database:
    """A database named by `--db`, connected on first use."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._checked = False

    def check_again(self) -> None:
        """Have the next session check the schema again (another process may
        have migrated it since)."""
        self._checked = False

    @classmethod
    def from_option(cls, value: str | None) -> Database:
        return cls(resolve_url(value))

    @property
    def name(self) -> str:
        return describe(self.url)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def file(self) -> Path | None:
        """The SQLite database file, if the database is one (not in memory)."""
        if self.backend != "sqlite" or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database or "")

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def exists(self) -> bool:
        """Whether there is a database to open: a SQLite file, or a server's
        (which connecting tells). Asking never creates one."""
        if self.backend != "sqlite":
            return True
        database = self.url.database or ""
        return database == ":memory:" or Path(database).is_file()

    def state(self) -> SchemaState:
        return schema_state(self.engine)

    def problem(self, state: SchemaState) -> str | None:
        """Why a command cannot use a database in `state` (None: it can)."""
        if state.status == "foreign":
            return f"{self.name} is not a tracker database (it has tables but no schema revision)"
        if state.status == "behind":
            return (
                f"database {self.name} is at schema revision {state.revision}, behind this "
                f"tracker's {state.head}: back it up, then run 'tracker db upgrade'"
            )
        if state.status == "ahead":
            return (
                f"database {self.name} is at schema revision {state.revision}, which this "
                f"tracker does not know (written by a newer tracker?): upgrade tracker"
            )
        if state.status == "interrupted":
            return (
                f"database {self.name}: migration {state.revision} was interrupted: "
                "run 'tracker db upgrade'"
            )
        if state.status == "unguarded":
            return (
                f"database {self.name}: the ledger's guard is off for a correction "
                "('tracker db guard off'): when it is done, its owner runs 'tracker db guard on'"
            )
        return None

    def ensure_current(self) -> None:
        """Create a brand-new database at head; refuse one at another schema.
        Anything but a current database is looked at again under the
        migration lock: another process may be creating or migrating it."""
        if self._checked:
            return
        if self.state().status != "current":
            with migrate.locked(self.engine) as conn:
                state = read_state(conn)
                if state.status == "empty":
                    migrate.upgrade_locked(conn)
                    state = read_state(conn)
            if (problem := self.problem(state)) is not None:
                raise DatabaseError(problem)
        self._checked = True

    def lacking(self) -> list[str] | None:
        """The triggers and routines this schema has that the database lacks
        (None: this login cannot see them all)."""
        with self.engine.connect() as conn:
            return objects.missing(conn)

    def upgrade(self) -> tuple[SchemaState, SchemaState, list[str]]:
        """Migrate to head, finishing an interrupted migration, and make the
        triggers and routines the database lacks (a restore without them):
        the state before and after, and what was made again. Refuses a
        database that is not tracker's, is newer than this tracker, or has
        its guard lifted."""
        with migrate.locked(self.engine) as conn:
            before = read_state(conn)
            if before.status in ("foreign", "ahead", "unguarded"):
                raise DatabaseError(self.problem(before) or "")
            if before.status != "current":
                migrate.upgrade_locked(conn)
            made = objects.restore(conn)
            return before, read_state(conn), made

    def guard_off(self) -> bool:
        """Lift the ledger's guard on statements, and mark the database so
        that every command refuses it until `guard_on` (docs/teams.md).
        False: it was off already."""
        with migrate.locked(self.engine) as conn:
            state = read_state(conn)
            self._guarded(state, conn)
            if state.status == "unguarded":
                return False
            self._set_revision(conn, f"{UNGUARDED}{HEAD}")
            if conn.dialect.name in ("mysql", "mariadb"):
                conn.commit()  # the mark before the DDL, which commits by itself
            objects.lift_guard(conn)
            return True

    def guard_on(self) -> list[str] | None:
        """Put the ledger's guard back (and whatever else the database lacks),
        leave every statement to the search index again (a correction may
        have changed its words), and unmark the database: what was made
        again (None: the guard was on)."""
        with migrate.locked(self.engine) as conn:
            state = read_state(conn)
            if state.status == "current":
                return None
            self._guarded(state, conn)
            made = objects.restore(conn)
            search_index.queue_all(conn)
            self._set_revision(conn, HEAD)
            return made

    def _guarded(self, state: SchemaState, conn: Connection) -> None:
        """Refuses to lift a guard that is not on, to put back one that is not
        off, and either where this login cannot see the triggers (MySQL)."""
        if state.status == "unguarded" and state.revision != HEAD:
            raise DatabaseError(
                f"the guard of {self.name} was lifted at schema revision {state.revision}, "
                f"not this tracker's {HEAD}: put it back with the tracker that lifted it"
            )
        if state.status not in ("current", "unguarded"):
            raise DatabaseError(
                self.problem(state) or f"{self.name} is empty: there is no ledger to guard"
            )
        if not objects.sees_all(conn):
            raise DatabaseError(
                f"only the owner of {self.name} may lift or put back its guard: this login "
                "cannot see its triggers"
            )

    @staticmethod
    def _set_revision(conn: Connection, value: str) -> None:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": value})

    def downgrade(self, revision: str) -> tuple[SchemaState, SchemaState]:
        """Migrate back to `revision` ('base': empty); refuses any database but
        a tracker database at a revision this tracker knows, and touches
        nothing then."""
        state = self.state()  # before the lock: a foreign file gets no transaction
        if state.status == "empty":
            raise DatabaseError(f"{self.name} is empty: there is nothing to downgrade")
        if (problem := self.problem(state)) is not None and state.status != "behind":
            raise DatabaseError(problem)
        with migrate.locked(self.engine) as conn:
            before = read_state(conn)
            if before.status not in ("current", "behind"):
                raise DatabaseError(self.problem(before) or f"{self.name} is {before.status}")
            assert before.revision is not None
            if revision != "base" and SCHEMA_REVISIONS.index(revision) > SCHEMA_REVISIONS.index(
                before.revision
            ):
                raise DatabaseError(
                    f"{self.name} is at schema revision {before.revision}, before {revision}: "
                    "to go forward, run 'tracker db upgrade'"
                )
            migrate.downgrade_locked(conn, revision)
            return before, read_state(conn)

    @contextlib.contextmanager
    def session(
        self, *, write: bool = False, commit: bool = True, data: bool = True
    ) -> Iterator[Session]:
        """One transaction: committed when the block ends (rolled back instead
        when `commit` is false: a dry run), rolled back on any error. A reading
        transaction sees one consistent snapshot of the database. A writing one
        moves the data's version on as it commits (`tracker.db.version`),
        unless `data` is false: it writes only accounts, or the search index."""
        self.ensure_current()
        engine = self.engine
        if write:
            engine = engine.execution_options(tracker_write=True)
        elif self.backend == "postgresql":
            # A reader sees one snapshot for the whole command, as on SQLite
            # (WAL) and MariaDB (REPEATABLE READ by default): an export's
            # parties, issues and statements, or a report's queries, all agree.
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with Session(engine, expire_on_commit=False) as session:
            session.begin()
            try:
                yield session
                if commit and write and data:
                    version.bump(session)
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
