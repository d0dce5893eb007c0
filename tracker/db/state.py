"""Which schema a database has, against the one this tracker knows: the one
place that reads the revision and says what it means.

It needs no alembic: the revisions are listed here, and a test checks the
list against the migration scripts."""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy import exc as sa_exc

# Every revision in migrations/versions, oldest first.
SCHEMA_REVISIONS: Final[tuple[str, ...]] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010",
)  # fmt: skip
HEAD: Final = SCHEMA_REVISIONS[-1]

# What alembic_version holds while a migration runs (`tracker.db.steps`):
# seen by anyone else only where a kill stopped it part way (MySQL, MariaDB).
INTERRUPTED: Final = "interrupted:"
# What it holds while an administrator corrects the ledger with its guard
# lifted (`tracker db guard off`): every command refuses the database.
UNGUARDED: Final = "unguarded:"

Status = Literal["empty", "behind", "current", "ahead", "foreign", "interrupted", "unguarded"]


class SchemaState(NamedTuple):
    """`status`: empty (no tables yet, or downgraded to base), behind (an older
    revision: upgrade it), current, ahead (a revision from a newer tracker),
    foreign (tables, but no revision: not a tracker database), interrupted
    (a migration was stopped part way: `revision` names it; `db upgrade`
    finishes it), unguarded (at `revision`, the ledger's guard lifted: `db
    guard on` puts it back). `head` is this tracker's revision."""

    status: Status
    revision: str | None
    head: str


def _read_revision(engine: Engine) -> tuple[str | None, bool]:
    """(revision, has_tables): the revision recorded in the database, and
    whether it holds any table besides Alembic's own."""
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


def read_state(conn: Connection) -> SchemaState:
    """`schema_state` on a connection inside a transaction (the migration
    lock's): asks whether alembic_version exists first, since a failed
    query would end the transaction on PostgreSQL."""
    if not inspect(conn).has_table("alembic_version"):
        return _meaning(None, bool(inspect(conn).get_table_names()))
    rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if rev is None:
        return _meaning(None, bool(set(inspect(conn).get_table_names()) - {"alembic_version"}))
    return _meaning(rev, True)


def schema_state(engine: Engine) -> SchemaState:
    return _meaning(*_read_revision(engine))


def _meaning(rev: str | None, has_tables: bool) -> SchemaState:
    if rev is None:
        return SchemaState("foreign" if has_tables else "empty", None, HEAD)
    if rev == HEAD:
        return SchemaState("current", rev, HEAD)
    if rev.startswith(INTERRUPTED):
        return SchemaState("interrupted", rev.removeprefix(INTERRUPTED), HEAD)
    if rev.startswith(UNGUARDED):
        return SchemaState("unguarded", rev.removeprefix(UNGUARDED), HEAD)
    if rev in SCHEMA_REVISIONS:
        return SchemaState("behind", rev, HEAD)
    return SchemaState("ahead", rev, HEAD)
