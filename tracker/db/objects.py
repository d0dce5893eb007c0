"""The triggers and routines of a database at this tracker's schema: which a
database lacks (restored from a dump made without them: MariaDB's and
MySQL's dump tools leave routines out unless told `--routines`), and making
them again, as `tracker db upgrade` does; and the ledger's guard lifted for
an administrator's correction and put back (`tracker db guard off|on`).

Each is made as the migration that made it made it: from the `OBJECTS` of
the revision's script named here (a script's SQL never changes once
released). `tests/test_objects.py` holds this list to a database migrated to
head, object for object, and what `restore` makes to what the migrations
made."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

# By backend: every trigger and routine at head, each with the revision whose
# script makes it, in the order to make them (functions before the
# triggers that call them).
HEAD: dict[str, tuple[tuple[str, str], ...]] = {
    "sqlite": (
        ("trigger statement_never_deleted", "0004"),
        ("trigger statement_guard", "0008"),
        ("trigger statement_insert_guard", "0008"),
        ("trigger statement_search_insert", "0009"),
        ("trigger draft_version_never_deleted", "0006"),
        ("trigger draft_version_never_changed", "0006"),
    ),
    "postgresql": (
        ("function statement_append_only", "0008"),
        ("function record_merged_away", "0008"),
        ("function merge_record", "0008"),
        ("function statement_search_add", "0009"),
        ("function statement_search_store", "0009"),
        ("function statement_search_settle", "0009"),
        ("function statement_search_defer", "0009"),
        ("function draft_version_append_only", "0006"),
        ("trigger statement_append_only", "0008"),
        ("trigger statement_never_truncated", "0004"),
        ("trigger party_merged_away", "0008"),
        ("trigger issue_merged_away", "0008"),
        ("trigger statement_search_add", "0008"),
        ("trigger draft_version_append_only", "0006"),
        ("trigger draft_version_never_truncated", "0006"),
    ),
    "mysql": (
        ("procedure merge_record", "0008"),
        ("procedure statement_search_store", "0009"),
        ("procedure statement_search_settle", "0009"),
        ("trigger statement_never_deleted", "0004"),
        ("trigger statement_guard", "0008"),
        ("trigger statement_search_mark", "0009"),
        ("trigger draft_version_never_deleted", "0006"),
        ("trigger draft_version_never_changed", "0006"),
    ),
}
# The ledger's guard on statements: what refuses to change or delete one
# (not what checks a new one, nor the merges' and the drafts' triggers).
GUARD: dict[str, tuple[str, ...]] = {
    "sqlite": ("trigger statement_never_deleted", "trigger statement_guard"),
    "postgresql": ("trigger statement_append_only", "trigger statement_never_truncated"),
    "mysql": ("trigger statement_never_deleted", "trigger statement_guard"),
}

_PRESENT = {
    "sqlite": ("SELECT 'trigger ' || name FROM sqlite_master WHERE type = 'trigger'",),
    "postgresql": (
        "SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace",
        "SELECT 'function ' || proname FROM pg_proc "
        "WHERE pronamespace = current_schema()::regnamespace",
    ),
    "mysql": (
        "SELECT CONCAT('trigger ', trigger_name) FROM information_schema.triggers "
        "WHERE trigger_schema = DATABASE()",
        "SELECT CONCAT(LOWER(routine_type), ' ', routine_name) FROM information_schema.routines "
        "WHERE routine_schema = DATABASE()",
    ),
}
# MySQL and MariaDB show a login only the triggers and routines it has rights
# on: all of them to one with TRIGGER and EXECUTE on the database (its owner).
_MYSQL_GRANTEE = (
    "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
    "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')"
)
_MYSQL_SEES_ALL = (
    "SELECT COUNT(DISTINCT privilege_type) FROM ("
    "SELECT privilege_type FROM information_schema.user_privileges "
    f"WHERE grantee = {_MYSQL_GRANTEE} UNION ALL "
    "SELECT privilege_type FROM information_schema.schema_privileges "
    f"WHERE grantee = {_MYSQL_GRANTEE} AND table_schema = DATABASE()"
    ") AS p WHERE privilege_type IN ('TRIGGER', 'EXECUTE')"
)


def dialect_of(connection: Connection) -> str:
    name = connection.dialect.name
    return "mysql" if name == "mariadb" else name


def present(connection: Connection) -> set[str]:
    """The triggers and routines the database has (those this login sees)."""
    return {
        str(row[0])
        for query in _PRESENT[dialect_of(connection)]
        for row in connection.exec_driver_sql(query)
    }


def sees_all(connection: Connection) -> bool:
    """Whether this login sees every trigger and routine of the database."""
    if dialect_of(connection) != "mysql":
        return True
    return connection.exec_driver_sql(_MYSQL_SEES_ALL).scalar() == 2


def missing(connection: Connection) -> list[str] | None:
    """What of HEAD the database lacks, in HEAD's order; None where this login
    cannot tell (MySQL and MariaDB hide what it has no rights on)."""
    if not sees_all(connection):
        return None
    have = present(connection)
    return [name for name, _ in HEAD[dialect_of(connection)] if name not in have]


def make(connection: Connection, names: Iterable[str]) -> list[str]:
    """Makes `names` (of HEAD) as their migrations did, in HEAD's order; what it made."""
    from tracker.db import migrate, steps

    wanted = set(names)
    dialect = dialect_of(connection)
    scripts = migrate.scripts()
    made = []
    with steps.pinned_search_path(connection):
        for name, revision in HEAD[dialect]:
            if name in wanted:
                script = scripts.get_revision(revision)
                assert script is not None and script.module is not None, revision
                for sql in script.module.OBJECTS[dialect][name]:
                    connection.exec_driver_sql(sql)
                made.append(name)
    return made


def restore(connection: Connection) -> list[str]:
    """Makes whatever of HEAD the database lacks; what it made (nothing where
    this login cannot see them all)."""
    return make(connection, missing(connection) or ())


def lift_guard(connection: Connection) -> None:
    """Drops the ledger's guard on statements (`GUARD`)."""
    dialect = dialect_of(connection)
    have = present(connection)
    on = " ON statement" if dialect == "postgresql" else ""
    for name in GUARD[dialect]:
        if name in have:
            connection.exec_driver_sql(f"DROP TRIGGER {name.removeprefix('trigger ')}{on}")
