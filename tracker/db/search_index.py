"""The search index's moving part: what keeps it in step with each statement
added, which a bulk import turns off for its length, leaving a mark where
its statements begin for the next search to index them in one pass (see
`core/statement_search.py`). On SQLite that is a trigger, lifted and made again
(migration 0003 creates the same, in its own copy); on PostgreSQL the
trigger of migration 0005 stands aside while the transaction sets
`tracker.search` to `deferred`, for the owner only (0008). MySQL and MariaDB
index every row as it is written (a FULLTEXT index), so there is nothing to
turn off."""

from __future__ import annotations

from sqlalchemy import Connection

TEXT = ("summary", "quote", "speaker", "conditions")
# The backends whose import defers the index to the next search (the rest
# index each row as it is written).
DEFERRING = ("sqlite", "postgresql")
SQLITE_INSERT_TRIGGER = "statement_search_insert"
_CREATE = (
    f"CREATE TRIGGER {SQLITE_INSERT_TRIGGER} AFTER INSERT ON statement BEGIN "
    f"INSERT INTO statement_search(rowid, {', '.join(TEXT)}) "
    f"VALUES (new.id, {', '.join('new.' + c for c in TEXT)}); END"
)


# PostgreSQL: only a role that may leave the mark (the owner, since
# revision 0008) may defer; the trigger indexes anyone else's statements as
# they are added, whatever `tracker.search` says.
_MAY_DEFER = "SELECT has_function_privilege('statement_search_defer(integer)', 'EXECUTE')"


def defer(connection: Connection) -> bool:
    """Statements added from now on in this transaction are not indexed, where
    this role may defer the index: returns whether it does."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SQLITE_INSERT_TRIGGER}")
        return True
    if dialect == "postgresql" and connection.exec_driver_sql(_MAY_DEFER).scalar():
        connection.exec_driver_sql("SET LOCAL tracker.search = 'deferred'")
        return True
    return False


def resume(connection: Connection, first_unindexed: int | None) -> None:
    """Statements are indexed as they are added again; those from
    `first_unindexed` on (None: none) are left for the next search. Only
    after `defer` returned true."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(_CREATE)
        if first_unindexed is not None:
            connection.exec_driver_sql(
                "INSERT INTO search_state (pending_from) VALUES (?)", (first_unindexed,)
            )
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL tracker.search = ''")
        if first_unindexed is not None:
            connection.exec_driver_sql(
                "SELECT statement_search_defer(%(first)s)", {"first": first_unindexed}
            )
