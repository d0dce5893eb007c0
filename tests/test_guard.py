"""The ledger's guard lifted for an administrator's correction and put back
(`tracker db guard off|on`), and made again where a restore left it out
(`tracker db current` says so, `tracker db upgrade` makes it): docs/teams.md,
"Correcting a statement on purpose" and "Backing up and restoring"."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy import exc as sa_exc

from helpers import (
    Tracker,
    cannot_run,
    close_database,
    one_line,
    server_database,
    writer_login,
)
from tracker.db import HEAD, objects, resolve_url
from tracker.db.state import SCHEMA_REVISIONS


@pytest.fixture
def engine(db: str) -> Iterator[Engine]:
    """The test's own connections to `db`, as its owner (the server's
    administrator in these tests), each statement committed at once."""
    made = create_engine(resolve_url(db), isolation_level="AUTOCOMMIT")
    yield made
    made.dispose()


def _refused(engine: Engine, sql: str) -> str:
    with engine.connect() as conn, pytest.raises(sa_exc.DBAPIError) as caught:
        conn.execute(text(sql))
    return str(caught.value.orig)


def _json(tracker: Tracker, *args: str) -> Any:
    return json.loads(tracker(*args, "-f", "json").stdout)


def test_an_administrator_corrects_a_statement_on_purpose(
    seeded: Tracker, engine: Engine, backend: str, tmp_path: Path
) -> None:
    """`db guard off`, a correction and a deletion with the database's own
    client, `db guard on`: the rest of the database is as it was (a draft
    and an account among it, which taking the schema down to 0003 dropped),
    search finds the new words and not the old, and the guard holds again."""
    plan = tmp_path / "plan.txt"
    plan.write_text("1. Donetsk stays where it is.\n", encoding="utf-8")
    seeded("draft", "add", "plan", "--title", "Plan")
    seeded("draft", "version", "plan", str(plan), "--label", "v1", "--date", "2025-11-20")
    seeded("user", "add", "ann", "--role", "admin", "--password-stdin", input="a" * 12 + "\n")
    # Statement 1's summary: "The draft promised Ukraine dependable security ..."
    assert 1 in [s["id"] for s in _json(seeded, "search", "dependable")]
    statements = len(_json(seeded, "log"))
    try:
        said = seeded("db", "guard", "off").stdout
        assert "guard" in said and "is off" in said, said
        for args in (("log",), ("add", "ukraine", "donbas", "open", "-s", "x"), ("db", "current")):
            refused = one_line(seeded.fails(*args))
            assert "guard is off" in refused and "'tracker db guard on'" in refused, refused
        with engine.begin() as conn:
            conn.execute(text("UPDATE statement SET summary = 'zanzibar corrected' WHERE id = 1"))
            conn.execute(text("DELETE FROM statement WHERE id = 2"))
    finally:
        said = seeded("db", "guard", "on").stdout
    assert "is on again" in said, said
    assert _json(seeded, "show", "1")["summary"] == "zanzibar corrected"
    assert len(_json(seeded, "log")) == statements - 1
    assert seeded.fails("show", "2").endswith("no statement #2\n")
    found = _json(seeded, "search", "zanzibar")
    assert [s["id"] for s in found] == [1], found
    assert 1 not in [s["id"] for s in _json(seeded, "search", "dependable")]
    assert [d["slug"] for d in _json(seeded, "draft", "list")] == ["plan"]
    assert "ann" in seeded("user", "list").stdout
    for sql in ("UPDATE statement SET summary = 'again' WHERE id = 1", "DELETE FROM statement"):
        assert "never" in _refused(engine, sql)
    assert seeded("db", "current").stdout.startswith(f"{HEAD} (up to date")


def test_the_guard_twice_and_before_a_schema(seeded: Tracker, sqlite_db: str) -> None:
    """Lifted twice, or put back twice, it says so; a database with no ledger
    yet has no guard to lift."""
    try:
        seeded("db", "guard", "off")
        assert "already off" in seeded("db", "guard", "off").stdout
    finally:
        seeded("db", "guard", "on")
    assert "already on" in seeded("db", "guard", "on").stdout
    Tracker(sqlite_db)("db", "upgrade")
    Tracker(sqlite_db)("db", "downgrade", "base", "--yes")
    assert "no ledger to guard" in one_line(Tracker(sqlite_db).fails("db", "guard", "off"))


def test_only_the_owner_lifts_the_guard(seeded: Tracker, db: str, backend: str) -> None:
    """A writer (docs/teams.md) may not lift the guard: one line, exit 1, and
    the database as it was."""
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    with writer_login(db, backend) as url:
        writer = Tracker(url)
        refused = one_line(writer.fails("db", "guard", "off"))
        assert "only the owner" in refused, refused
        assert "already on" in writer("db", "guard", "on").stdout
        writer("add", "ukraine", "donbas", "open", "-s", "still logging")
    assert seeded("db", "current").stdout.startswith(f"{HEAD} (up to date")


# --- what a restore left out ------------------------------------------------------------


def _definitions(conn: Connection) -> list[tuple[str, ...]]:
    """Every trigger and routine of the database, as the server shows it."""
    queries = {
        "sqlite": ("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",),
        "postgresql": (
            "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
            "ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
            "AND c.relnamespace = current_schema()::regnamespace",
            "SELECT proname, pg_get_functiondef(oid), coalesce(proacl::text, '') FROM pg_proc "
            "WHERE pronamespace = current_schema()::regnamespace",
        ),
        "mysql": (
            "SELECT trigger_name, action_timing, event_manipulation, action_statement "
            "FROM information_schema.triggers WHERE trigger_schema = DATABASE()",
            "SELECT routine_name, security_type, routine_definition "
            "FROM information_schema.routines WHERE routine_schema = DATABASE()",
        ),
    }[objects.dialect_of(conn)]
    return sorted(tuple(map(str, row)) for query in queries for row in conn.exec_driver_sql(query))


def _drop(conn: Connection, names: list[str]) -> None:
    """Drops each of `names` ("trigger x", "function y"), triggers first."""
    for name in sorted(names, key=lambda n: not n.startswith("trigger")):
        kind, _, called = name.partition(" ")
        table = conn.exec_driver_sql(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            f"WHERE t.tgname = '{called}'"
        ).scalar() if conn.dialect.name == "postgresql" and kind == "trigger" else None  # fmt: skip
        on = f" ON {table}" if table else ""
        conn.exec_driver_sql(f"DROP {kind.upper()} {called}{on}")


def test_head_lists_every_trigger_and_routine(engine: Engine) -> None:
    """`objects.HEAD` is what the migrations make, no more and no less, and
    each in a revision at or before head."""
    with engine.connect() as conn:
        dialect = objects.dialect_of(conn)
        assert objects.present(conn) == {name for name, _ in objects.HEAD[dialect]}
        assert objects.missing(conn) == []
    assert all(revision in SCHEMA_REVISIONS for _, revision in objects.HEAD[dialect])


def test_a_restore_without_the_guard_is_told_and_mended(
    seeded: Tracker, engine: Engine, backend: str
) -> None:
    """Every trigger and routine gone, as from a dump made without them:
    `db current` names what is missing (exit 1), a merge says which routine
    is, and `db upgrade` makes each again as its migration made it; the
    ledger is guarded again, and merges go through merge_record."""
    seeded("party", "add", "dup", "--name", "Duplicate")
    with engine.connect() as conn:
        before = _definitions(conn)
        everything = [name for name, _ in objects.HEAD[objects.dialect_of(conn)]]
        _drop(conn, everything)
    try:
        refused = one_line(seeded.fails("db", "current"))
        assert "lacks" in refused and "--routines --triggers" in refused, refused
        assert all(name in refused for name in everything), refused
        assert "'tracker db upgrade'" in refused
        if backend != "sqlite":  # where merge_record merges
            refused = one_line(seeded.fails("party", "merge", "dup", "russia"))
            assert "lacks a routine of its schema" in refused and "merge_record" in refused
        said = seeded("db", "upgrade").stdout
    finally:
        with engine.connect() as conn:
            objects.restore(conn)  # for the tests after this one, whatever happened
    assert said.endswith(f"Made again what it lacked: {', '.join(everything)}\n"), said
    with engine.connect() as conn:
        assert _definitions(conn) == before
    assert seeded("db", "current").stdout.startswith(f"{HEAD} (up to date")
    assert "never" in _refused(engine, "UPDATE statement SET summary = 'x' WHERE id = 1")
    seeded("add", "dup", "sanctions", "open", "-s", "y", "--date", "2025-11-30")
    seeded("party", "merge", "dup", "russia")


def _mysql_client(tool: str, url: str) -> list[str]:
    """`mariadb-dump` or `mariadb` (`mysqldump`, `mysql`) for the server at `url`."""
    found = shutil.which(tool) or shutil.which({"mariadb-dump": "mysqldump"}.get(tool, "mysql"))
    if found is None:
        cannot_run(f"{tool} is not installed")
    where = resolve_url(url)
    login = [f"--host={where.host}", f"--port={where.port or 3306}", f"--user={where.username}"]
    return [str(found), *login, *([f"--password={where.password}"] if where.password else [])]


@pytest.mark.parametrize(
    ("options", "lacking"),
    [
        ((), ["procedure merge_record", "procedure statement_search_store",
              "procedure statement_search_settle"]),
        (("--routines", "--triggers"), []),
    ],
)  # fmt: skip
def test_a_mariadb_dump_restored(
    seeded: Tracker, db: str, backend: str, options: tuple[str, ...], lacking: list[str]
) -> None:
    """docs/teams.md's dump and restore: without `--routines` the copy lacks
    the procedures, `db current` says so and `db upgrade` makes them; with
    `--routines --triggers` it is whole."""
    if backend != "mysql":
        pytest.skip("MariaDB's and MySQL's dump tool")
    name = resolve_url(db).database
    dump = subprocess.run(
        [*_mysql_client("mariadb-dump", db), "--single-transaction", *options, str(name)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    with server_database(backend) as copy:
        target = str(resolve_url(copy).database)
        subprocess.run([*_mysql_client("mariadb", copy), target], input=dump, check=True)
        restored = Tracker(copy)
        if lacking:
            refused = one_line(restored.fails("db", "current"))
            assert all(name in refused for name in lacking), refused
            said = restored("db", "upgrade").stdout
            assert said.endswith(f"Made again what it lacked: {', '.join(lacking)}\n"), said
        assert restored("db", "current").stdout.startswith(f"{HEAD} (up to date")
        assert restored("export").stdout == seeded("export").stdout
        restored("party", "merge", "russia", "ukraine")
        close_database(copy)
