"""The ledger is append-only in the database itself: no SQL of any role can
change a statement but to retract it once (or move it by a merge), nor
delete one; the writer role may not touch the schema's revision. An
administrator corrects a statement on purpose by lifting the guard."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, Engine, create_engine, text
from sqlalchemy import exc as sa_exc

from helpers import Tracker
from tracker.db import resolve_url
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
    "a retraction without reason": "UPDATE statement SET retracted_at = recorded_at WHERE id = 2",
    "a deletion": "DELETE FROM statement WHERE id = 1",
    "a deletion of all": "DELETE FROM statement",
}  # fmt: skip
# Refused by the server, in whatever words it has.
REFUSED = ("never changed", "never deleted")


def _engine(url: str) -> Engine:
    return create_engine(resolve_url(url), isolation_level="AUTOCOMMIT")


def _refused(engine: Engine, sql: str, words: tuple[str, ...] = REFUSED) -> str:
    with engine.connect() as conn, pytest.raises(sa_exc.DBAPIError) as caught:
        conn.execute(text(sql))
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


def test_tracker_still_retracts_and_merges(seeded: Tracker) -> None:
    seeded("party", "add", "usa-2", "--name", "US again")
    seeded("add", "usa-2", "sanctions", "open", "-s", "x", "--date", "2025-11-30")
    seeded("party", "merge", "usa-2", "united-states")
    assert seeded("history", "united-states", "sanctions", "-f", "json").stdout.count('"id"') == 2
    seeded("retract", "25", "--reason", "duplicate")
    assert "already retracted" in seeded.fails("retract", "25", "--reason", "again")


STORE = "statement_search_store(integer[], tsvector[])"


@contextlib.contextmanager
def writer_login(db: str, backend: str, execute: bool = True) -> Iterator[str]:
    """A login with the writer's grants of docs/teams.md, dropped afterwards.
    Yields its URL. `execute=False`: on MariaDB, without the grant to run the
    search index's procedures (before revision 0006, docs/teams.md gave none);
    on PostgreSQL, EXECUTE on `statement_search_store` revoked from everyone
    meanwhile."""
    url = resolve_url(db)
    role = f"tracker_writer_{uuid.uuid4().hex[:8]}"
    writes = (
        "statement", "party", "party_alias", "issue", "issue_alias", "issue_keyword",
        "person", "person_alias", "affiliation", "revision",
    )  # fmt: skip
    deletes = [t for t in writes if t != "statement"]
    if backend == "postgresql":
        setup = [
            f"CREATE ROLE {role} LOGIN",
            f'GRANT CONNECT ON DATABASE "{url.database}" TO {role}',
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT INSERT, UPDATE ON {', '.join(writes)} TO {role}",
            f"GRANT DELETE ON {', '.join(deletes)} TO {role}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        ]
        teardown = [f"DROP OWNED BY {role}", f"DROP ROLE {role}"]
        if not execute:
            setup.append(f"REVOKE EXECUTE ON FUNCTION {STORE} FROM PUBLIC")
            teardown.insert(0, f"GRANT EXECUTE ON FUNCTION {STORE} TO PUBLIC")
    else:
        where = f"`{url.database}`"
        setup = [
            f"CREATE USER '{role}'@'%'",
            f"GRANT {'SELECT, EXECUTE' if execute else 'SELECT'} ON {where}.* TO '{role}'@'%'",
        ]
        setup += [f"GRANT INSERT, UPDATE ON {where}.{t} TO '{role}'@'%'" for t in writes]
        setup += [f"GRANT DELETE ON {where}.{t} TO '{role}'@'%'" for t in deletes]
        teardown = [f"DROP USER '{role}'@'%'"]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for sql in setup:
                conn.execute(text(sql))
        login: URL = url.set(username=role, password=None)
        yield login.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            for sql in teardown:
                conn.execute(text(sql))
        admin.dispose()


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
        before = _export(seeded)
        engine = _engine(url)
        try:
            for sql in FORGERIES.values():
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
                else ("statement_never_changed")
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


def test_an_administrator_corrects_a_statement_on_purpose(
    seeded: Tracker, db: str, backend: str
) -> None:
    """docs/teams.md: lift the guard (down to 0003), correct, put it back."""
    seeded("db", "downgrade", "0003", "--yes")
    assert "run 'tracker db upgrade'" in seeded.fails("log")  # no one logs meanwhile
    engine = _engine(db)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE statement SET summary = 'zanzibar corrected' WHERE id = 1"))
            if backend == "sqlite":
                conn.execute(
                    text("INSERT INTO statement_search(statement_search) VALUES ('rebuild')")
                )
    finally:
        engine.dispose()
    seeded("db", "upgrade")
    assert '"summary": "zanzibar corrected"' in seeded("show", "1", "-f", "json").stdout
    found = seeded("search", "zanzibar", "-f", "json").stdout
    assert '"id": 1,' in found and found.count('"id"') == 1, found
    engine = _engine(db)
    try:
        _refused(engine, "UPDATE statement SET summary = 'again' WHERE id = 1")
    finally:
        engine.dispose()
