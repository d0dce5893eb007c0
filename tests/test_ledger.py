"""The ledger is append-only in the database itself: no SQL of any role can
change a statement but to retract it once (or move it by a merge:
tests/test_merges_guarded.py), nor delete one, nor add one retracted
before it was recorded; the writer role may not touch the schema's
revision. (An administrator corrects a statement on purpose by lifting the
guard: tests/test_guard.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Executable, create_engine, select, text, update
from sqlalchemy import exc as sa_exc

from helpers import Tracker, reader_login, setup_pair, statement_count, writer_login
from tracker.core.values import fingerprint_input, fingerprint_of
from tracker.db import resolve_url
from tracker.db.schema import STATEMENT
from tracker.db.state import HEAD

# Every way to rewrite history with SQL; each must be refused.
FORGERIES = {
    "a changed summary": "UPDATE statement SET summary = 'rewritten' WHERE id = 1",
    "a changed stance": "UPDATE statement SET score = 2 WHERE id = 1",
    "a changed date": "UPDATE statement SET stated_on = '2020-01-01' WHERE id = 1",
    "an un-retraction": "UPDATE statement SET retracted_at = NULL, retraction_reason = NULL "
    "WHERE id = 5",
    "a second retraction": "UPDATE statement SET retraction_reason = 'another reason' WHERE id = 5",
    "a forged recorder": "UPDATE statement SET recorded_by = 'mallory' WHERE id = 1",
    "a forged recording time": "UPDATE statement SET recorded_at = stated_on WHERE id = 1",
    "a moved statement": "UPDATE statement SET party_id = party_id + 1 WHERE id = 1",
    "a negated stance": "UPDATE statement SET score = -score, negated = NOT negated WHERE id = 1",
    "a stance marked negated": "UPDATE statement SET negated = NOT negated WHERE id = 1",
    "a retraction before its recording": "UPDATE statement SET retracted_at = '1901-01-01', "
    "retraction_reason = 'early' WHERE id = 2",
    "a retraction without reason": "UPDATE statement SET retracted_at = recorded_at WHERE id = 2",
    "a deletion": "DELETE FROM statement WHERE id = 1",
    "a deletion of all": "DELETE FROM statement",
}  # fmt: skip
# Refused by the server, in whatever words it has.
REFUSED = ("never changed", "never deleted")


def _engine(url: str) -> Engine:
    return create_engine(resolve_url(url), isolation_level="AUTOCOMMIT")


def _refused(engine: Engine, sql: str | Executable, words: tuple[str, ...] = REFUSED) -> str:
    with engine.connect() as conn, pytest.raises(sa_exc.DBAPIError) as caught:
        conn.execute(text(sql) if isinstance(sql, str) else sql)
    message = str(caught.value.orig)
    assert any(w in message for w in words), message
    return message


def _export(tracker: Tracker) -> str:
    return tracker("export").stdout


def test_no_sql_rewrites_the_ledger(seeded: Tracker, db: str, backend: str) -> None:
    seeded("retract", "5", "--reason", "misread")
    before = _export(seeded)
    engine = _engine(db)
    try:
        for sql in FORGERIES.values():
            _refused(engine, sql)
        if backend == "postgresql":
            _refused(engine, "TRUNCATE statement", ("never deleted",))
        # What the ledger allows: a retraction, once, with its reason; a no-op.
        with engine.connect() as conn:
            conn.execute(text("UPDATE statement SET summary = summary WHERE id = 1"))
    finally:
        engine.dispose()
    assert _export(seeded) == before
    assert seeded("retract", "1", "--reason", "fine").stdout.startswith("Retracted statement #1")


def _other(value: Any, column: Column[Any]) -> Any:
    """A value of `column`'s type other than `value`."""
    if value is None:
        value = {bool: False, int: 0, str: "", dt.date: dt.date(2025, 1, 1)}.get(
            column.type.python_type, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        )
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):  # as long, for a column of a fixed length
        return value[:-1] + ("y" if value.endswith("x") else "x")
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    assert isinstance(value, dt.date), (column.name, value)
    return value + dt.timedelta(days=1)


def test_no_column_of_a_statement_changes_alone(seeded: Tracker, db: str) -> None:
    """Every column of `statement`, each changed on its own, as the table
    defines them: a column added later is in this test without a word more,
    and the guard a migration makes must cover it (docs/architecture.md, "A
    new column")."""
    engine = _engine(db)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(STATEMENT).where(STATEMENT.c.id == 1)).one()._mapping
        for column in STATEMENT.c:
            changed = {column.name: _other(row[column.name], column)}
            _refused(engine, update(STATEMENT).where(STATEMENT.c.id == 1).values(changed))
    finally:
        engine.dispose()


def test_tracker_still_retracts_and_merges(seeded: Tracker) -> None:
    seeded("party", "add", "usa-2", "--name", "US again")
    seeded("add", "usa-2", "sanctions", "open", "-s", "x", "--date", "2025-11-30")
    seeded("party", "merge", "usa-2", "united-states")
    assert seeded("history", "united-states", "sanctions", "-f", "json").stdout.count('"id"') == 2
    seeded("retract", "25", "--reason", "duplicate")
    assert "already retracted" in seeded.fails("retract", "25", "--reason", "again")


def test_a_writer_logs_and_retracts_and_cannot_rewrite(
    seeded: Tracker, db: str, backend: str, tmp_path: Path
) -> None:
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    seeded("retract", "5", "--reason", "misread")
    with writer_login(db, backend) as url:
        writer = Tracker(url)
        # Everything tracker does works with the writer's grants.
        writer("add", "ukraine", "donbas", "rejects", "-s", "Still no", "--date", "2025-12-01")
        writer("retract", "25", "--reason", "logged twice")
        writer("party", "edit", "ukraine", "--add-alias", "Ukr")
        writer("party", "edit", "ukraine", "--remove-alias", "Ukr")
        writer("party", "add", "dup", "--name", "Duplicate")
        writer("add", "dup", "sanctions", "open", "-s", "x", "--date", "2025-11-30")
        writer("party", "merge", "dup", "russia")
        writer("person", "add", "Someone", "--party", "russia")
        # An import leaves its statements for the next search to index, which
        # needs no grant on the search index's tables.
        path = tmp_path / "more.csv"
        path.write_text(
            "party,issue,stance,stated_on,summary\nrussia,donbas,open,2025-12-01,quokka talks\n",
            encoding="utf-8",
        )
        writer("import", str(path))
        assert '"summary": "quokka talks"' in writer("search", "quokka", "-f", "json").stdout
        # Drafts: versions added and withdrawn, links corrected, a party merged.
        plan = tmp_path / "plan.txt"
        plan.write_text("1. Donetsk stays where it is.\n2. Sanctions go.\n", encoding="utf-8")
        writer("draft", "add", "plan", "--title", "Plan")
        writer("draft", "version", "plan", str(plan), "--label", "v1", "--date", "2025-11-20",
               "--by", "russia")  # fmt: skip
        writer("draft", "link", "plan", "1", "nato-forces")
        writer("draft", "unlink", "plan", "1", "nato-forces")
        writer("party", "add", "dup2", "--name", "Duplicate again")
        writer("draft", "version", "plan", str(plan), "--label", "v2", "--date", "2025-11-21",
               "--by", "dup2", "--by", "russia")  # fmt: skip
        writer("party", "merge", "dup2", "russia")
        writer("draft", "withdraw", "plan", "v2", "--reason", "twice")
        before = _export(seeded)
        engine = _engine(url)
        try:
            for sql in FORGERIES.values():
                _refused(engine, sql, (*REFUSED, "denied"))
            for sql in (
                "UPDATE draft_version SET body = 'forged'",
                "DELETE FROM draft_version",
            ):
                _refused(engine, sql, (*REFUSED, "denied"))
            for sql in (
                "UPDATE alembic_version SET version_num = '9999'",
                "DELETE FROM alembic_version",
                "INSERT INTO alembic_version (version_num) VALUES ('9999')",
            ):
                _refused(engine, sql, ("denied",))
            trigger = (
                "statement_append_only ON statement"
                if backend == "postgresql"
                else "statement_guard"
            )
            _refused(engine, f"DROP TRIGGER {trigger}", ("denied", "must be owner"))
        finally:
            engine.dispose()
        assert _export(seeded) == before
        assert seeded("db", "current").stdout.startswith(f"{HEAD} (up to date")


def test_an_add_that_cannot_index_still_adds(seeded: Tracker, db: str, backend: str) -> None:
    """A writer who may not run the index's routines (MariaDB before the
    EXECUTE grant docs/teams.md now gives) still logs a statement; its mark
    stays, and the next search that can index it does."""
    if backend == "sqlite":
        pytest.skip("logins and roles are a server's")
    seeded("search", "sanctions")  # the seed's import indexed
    with writer_login(db, backend, execute=False) as url:
        done = Tracker(url)("add", "russia", "donbas", "open", "-s", "wombat talks",
                            "--date", "2025-12-01")  # fmt: skip
        assert done.stdout.startswith("Added statement #"), done.stdout
    found = seeded("search", "wombat", "-f", "json")
    assert found.stderr.startswith("Indexing") and '"summary": "wombat talks"' in found.stdout


def test_only_the_owner_defers_the_search_index(seeded: Tracker, db: str, backend: str) -> None:
    """PostgreSQL: neither a reader nor a writer may leave a mark for the next
    search (`statement_search_defer`), and a writer who sets tracker.search to
    'deferred' before a raw INSERT still leaves a statement search finds."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's search index only")
    with reader_login(db, backend) as url:
        engine = create_engine(resolve_url(url))
        try:
            _refused(engine, "SELECT statement_search_defer(1)", ("denied",))
        finally:
            engine.dispose()
    with writer_login(db, backend) as url:
        engine = create_engine(resolve_url(url))
        try:
            _refused(engine, "SELECT statement_search_defer(1)", ("denied",))
            content = (0, "2025-11-30", "quokka", None, None, None, "stated", None)
            fp = fingerprint_of(fingerprint_input(*content))
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL tracker.search = 'deferred'"))
                conn.execute(
                    text(
                        "INSERT INTO statement (party_id, issue_id, score, stated_on, summary, "
                        "basis, recorded_at, recorded_by, fingerprint) VALUES (1, 1, 0, "
                        "'2025-11-30', 'quokka', 'stated', now(), 'mallory', :fp)"
                    ),
                    {"fp": fp},
                )
        finally:
            engine.dispose()
        assert '"summary": "quokka"' in Tracker(url)("search", "quokka", "-f", "json").stdout


def test_no_statement_is_added_retracted_before_its_recording(tracker: Tracker, db: str) -> None:
    """On INSERT as on UPDATE, every backend: a retraction is never dated
    before its statement was recorded (at the moment itself, it may be)."""
    setup_pair(tracker)
    insert = (
        "INSERT INTO statement (party_id, issue_id, score, stated_on, summary, basis, recorded_at, "
        "recorded_by, fingerprint, retracted_at, retraction_reason) SELECT p.id, i.id, 0, "
        "'2025-12-01', 's', 'stated', '2025-12-01 10:00:00', 't', 'f', '{at}', 'r' "
        "FROM party p, issue i"
    )
    engine = _engine(db)
    try:
        _refused(
            engine,
            insert.format(at="2025-12-01 09:59:59"),
            ("retracted before it was recorded", "ck_statement_retracted_after_recording"),
        )
        with engine.connect() as conn:
            conn.execute(text(insert.format(at="2025-12-01 10:00:00")))
    finally:
        engine.dispose()
    assert statement_count(tracker) == 1
