"""The search index's moving part on SQLite: the trigger that keeps it in
step with each statement added, which a bulk import lifts for its length
(see `core/search.py`). Migration 0003 creates the same, in its own copy."""

from __future__ import annotations

from sqlalchemy import Connection

TEXT = ("summary", "quote", "speaker", "conditions")
SQLITE_INSERT_TRIGGER = "statement_search_insert"
_CREATE = (
    f"CREATE TRIGGER {SQLITE_INSERT_TRIGGER} AFTER INSERT ON statement BEGIN "
    f"INSERT INTO statement_search(rowid, {', '.join(TEXT)}) "
    f"VALUES (new.id, {', '.join('new.' + c for c in TEXT)}); END"
)


def lift_sqlite_trigger(connection: Connection) -> None:
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SQLITE_INSERT_TRIGGER}")


def restore_sqlite_trigger(connection: Connection, first_unindexed: int | None) -> None:
    """The trigger back; statements from `first_unindexed` on (None: none) are
    left for the next search to index."""
    connection.exec_driver_sql(_CREATE)
    if first_unindexed is not None:
        connection.exec_driver_sql(
            "INSERT INTO search_state (pending_from) VALUES (?)", (first_unindexed,)
        )
