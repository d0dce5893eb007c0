"""Schema migrations through Alembic, run from the installed package, one
process at a time.

Every migration (creating a brand-new database on first use included) runs
under `locked`: one connection that holds the database's migration lock,
so that processes starting at once on an empty database queue, and each
then finds it created. The lock is `BEGIN IMMEDIATE` on SQLite (SQLite's
write lock, and the whole upgrade is that one transaction), a transaction
advisory lock on PostgreSQL (the whole upgrade is that one transaction
too), and `GET_LOCK` on MySQL/MariaDB (where DDL commits by itself: see
`tracker.db.steps`). Alembic itself is imported only when a migration runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Connection, Engine, TypeDecorator, text

from tracker.db.state import SCHEMA_REVISIONS, SchemaState, read_state
from tracker.errors import DatabaseError
from tracker.resources import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


# PostgreSQL's advisory lock key for migrations: "tracker" in ASCII.
PG_LOCK_KEY = 0x747261636B6572
# MySQL/MariaDB: a named lock per database (names are server-wide).
MYSQL_LOCK_NAME = "LEFT(CONCAT('tracker-schema:', DATABASE()), 64)"
MYSQL_LOCK_WAIT_S = 86_400  # MariaDB has no "forever" (a negative wait is refused)


def config(connection: Connection | None = None) -> Config:
    """An Alembic config without alembic.ini: scripts from the package, and the
    connection handed over through `attributes` (so no URL, and no password, is
    ever written into the config)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextlib.contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A connection holding the migration lock, inside a transaction that is
    committed when the block ends (rolled back on an error). Waits for a
    migration under way in another process."""
    backend = engine.dialect.name
    if backend == "sqlite":
        engine = engine.execution_options(tracker_write=True)  # BEGIN IMMEDIATE
    with engine.connect() as conn:
        if backend == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})"))
        elif backend in ("mysql", "mariadb"):
            got = conn.execute(text(f"SELECT GET_LOCK({MYSQL_LOCK_NAME}, {MYSQL_LOCK_WAIT_S})"))
            conn.commit()  # the lock is the session's; the snapshot starts after it
            if got.scalar() != 1:
                raise DatabaseError(
                    f"another process has been migrating the database for "
                    f"{MYSQL_LOCK_WAIT_S} seconds: try again later"
                )
        else:
            conn.execute(text("SELECT 1"))  # begins the transaction: takes the lock
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if backend in ("mysql", "mariadb"):
                conn.execute(text(f"SELECT RELEASE_LOCK({MYSQL_LOCK_NAME})"))
                conn.commit()


def _resume(conn: Connection, state: SchemaState) -> None:
    """An interrupted migration: put back the revision before it, so that
    Alembic runs its upgrade again (each step of which skips what is done)."""
    assert state.status == "interrupted" and state.revision is not None
    index = SCHEMA_REVISIONS.index(state.revision)
    conn.execute(text("DELETE FROM alembic_version"))
    if index > 0:
        conn.execute(
            text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
            {"v": SCHEMA_REVISIONS[index - 1]},
        )


def upgrade_locked(conn: Connection, revision: str = "head") -> None:
    """Upgrade on a connection that holds the lock (`locked`), finishing an
    interrupted migration first."""
    from alembic import command

    state = read_state(conn)
    if state.status == "interrupted":
        _resume(conn, state)
    command.upgrade(config(conn), revision)


def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def downgrade_locked(conn: Connection, revision: str) -> None:
    from alembic import command

    command.downgrade(config(conn), revision)


def known(revision: str) -> bool:
    from alembic.util import CommandError

    try:
        scripts().get_revisions(revision)
    except CommandError:
        return False
    return True


def compare_type(
    context: Any,
    inspected_column: Column[Any],
    metadata_column: Column[Any],
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    """Autogenerate's type comparison, told about our TypeDecorators: they
    match when the type they load on this dialect renders as the database's."""
    if not isinstance(metadata_type, TypeDecorator):
        return None  # alembic's own comparison
    dialect = context.dialect
    loaded = metadata_type.load_dialect_impl(dialect)
    return bool(inspected_type.compile(dialect=dialect) != loaded.compile(dialect=dialect))


# The search index is each backend's own (an FTS5 table and its shadow tables
# on SQLite, a GIN expression index on PostgreSQL, a FULLTEXT index of a
# generated column on MariaDB): migration 0003 makes it, and the tables'
# metadata does not say it. Nor does it say `statement_move`, the servers'
# own mark of a merge under way (migration 0008), which only merge_record writes.
SEARCH_OBJECTS = ("statement_search", "search_state", "search_text", "ix_statement_search")
UNMODELLED = (*SEARCH_OBJECTS, "statement_move")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (name or "").startswith(UNMODELLED)


def compare_options() -> dict[str, Any]:
    """What `alembic check` (and the tests) compare the models to the scripts with."""
    return {"compare_type": compare_type, "include_name": include_name}
