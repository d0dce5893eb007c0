"""Migrations on every backend: up from empty, down to base and up again, the
models match the scripts, one head, data kept, and the revision check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import Tracker, server_database
from sqlalchemy import inspect, text

from tracker import migrate
from tracker.db import HEAD, SCHEMA_REVISIONS, Database, resolve_url
from tracker.schema import metadata

TABLES = {"alembic_version", "issue", "party", "party_alias", "statement"}


@pytest.fixture(params=("sqlite", "postgresql", "mysql"))
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new, empty database (not created by tracker yet)."""
    if request.param == "sqlite":
        yield str(tmp_path / "fresh.db")
        return
    with server_database(request.param) as url:
        yield url


def engine_for(url: str) -> Database:
    return Database(resolve_url(url))


def test_revisions_constant_matches_the_scripts() -> None:
    assert migrate.heads() == [HEAD]
    assert migrate.revisions_oldest_first() == list(SCHEMA_REVISIONS)


def test_upgrade_downgrade_upgrade(fresh: str) -> None:
    database = engine_for(fresh)
    engine = database.engine
    migrate.upgrade(engine, "head")
    assert set(inspect(engine).get_table_names()) == TABLES
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine, "head")
    with engine.connect() as conn:
        assert (
            compare_metadata(
                MigrationContext.configure(conn, opts=migrate.compare_options()), metadata
            )
            == []
        )
    database.dispose()


def test_models_match_migrations(fresh: str) -> None:
    database = engine_for(fresh)
    database.ensure_current()  # created on first use, at head
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert (
            compare_metadata(
                MigrationContext.configure(conn, opts=migrate.compare_options()), metadata
            )
            == []
        )
    database.dispose()


def test_schema_as_designed(fresh: str) -> None:
    database = engine_for(fresh)
    database.ensure_current()
    insp = inspect(database.engine)
    indexes = {ix["name"]: ix["column_names"] for ix in insp.get_indexes("statement")}
    assert indexes["ix_statement_stance"] == [
        "party_id",
        "issue_id",
        "stated_on",
        "recorded_at",
        "id",
        "retracted_at",
        "score",
    ]
    checks = {c["name"] for c in insp.get_check_constraints("statement")}
    assert {"ck_statement_score_range", "ck_statement_basis_known"} <= checks
    fks = {fk["name"] for fk in insp.get_foreign_keys("statement")}
    assert fks == {"fk_statement_party_id_party", "fk_statement_issue_id_issue"}
    uniques = {u["name"] for u in insp.get_unique_constraints("party_alias")}
    uniques |= {ix["name"] for ix in insp.get_indexes("party_alias") if ix.get("unique")}
    assert "uq_party_alias_key" in uniques
    database.dispose()


def populate_first_revision(url: str) -> None:
    """Rows written with plain SQL valid at the first revision."""
    database = engine_for(url)
    migrate.upgrade(database.engine, SCHEMA_REVISIONS[0])
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO party (id, slug, name) VALUES (1, 'ukraine', 'Ukraine')"))
        conn.execute(
            text(
                "INSERT INTO party_alias (id, party_id, alias, "
                + _quoted(conn, "key")
                + ") VALUES (1, 1, 'Kyiv', 'kyiv')"
            )
        )
        conn.execute(text("INSERT INTO issue (id, slug, title) VALUES (1, 'donbas', 'Donbas')"))
        conn.execute(
            text(
                "INSERT INTO statement (id, party_id, issue_id, score, stated_on, summary, basis,"
                " recorded_at, recorded_by, fingerprint) VALUES"
                " (1, 1, 1, -2, :day, 'No withdrawal', 'stated', :at, 'tester', 'f')"
            ),
            {"day": dt.date(2025, 11, 30), "at": dt.datetime(2025, 11, 30, 12, 0, 0, 123456)},
        )
    database.dispose()


def _quoted(conn, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(conn.dialect.identifier_preparer.quote(name))


def test_data_survives_every_migration(fresh: str) -> None:
    populate_first_revision(fresh)
    database = engine_for(fresh)
    for revision in SCHEMA_REVISIONS[1:]:
        migrate.upgrade(database.engine, revision)
    database.dispose()
    history = Tracker(fresh)("history", "kyiv", "donbas", "--format", "json").stdout
    assert '"summary": "No withdrawal"' in history
    assert '"recorded_at": "2025-11-30T12:00:00.123456Z"' in history


def test_base_counts_as_new(fresh: str) -> None:
    database = engine_for(fresh)
    migrate.upgrade(database.engine, "head")
    migrate.downgrade(database.engine, "base")
    database.dispose()
    Tracker(fresh)("party", "list")  # created again at head, on first use


def test_behind_head_is_refused(fresh: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = Tracker(fresh)
    tracker("party", "list")
    # This tracker, one release later: its schema has moved on to a revision 9000.
    monkeypatch.setattr("tracker.db.SCHEMA_REVISIONS", (*SCHEMA_REVISIONS, "9000"))
    monkeypatch.setattr("tracker.db.HEAD", "9000")
    message = tracker.fails("add", "ukraine", "donbas", "open", "-s", "x")
    assert f"schema revision {HEAD}, behind this tracker's 9000" in message
    assert "back it up, then run 'tracker db upgrade'" in message
    assert message.count("\n") == 1


def test_unknown_revision_is_refused(fresh: str) -> None:
    tracker = Tracker(fresh)
    tracker("party", "list")
    database = engine_for(fresh)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    message = tracker.fails("party", "list")
    assert "schema revision 9999" in message and "newer tracker" in message
    assert "Error:" in message and message.count("\n") == 1


def test_not_a_tracker_database(fresh: str) -> None:
    database = engine_for(fresh)
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
    database.dispose()
    message = Tracker(fresh).fails("party", "list")
    assert "is not a tracker database" in message


def test_db_commands(fresh: str) -> None:
    tracker = Tracker(fresh)
    assert "empty" in tracker("db", "current").stdout
    out = tracker("db", "upgrade").stdout
    assert f"-> {HEAD}" in out
    assert "already at" in tracker("db", "upgrade").stdout
    assert tracker("db", "current").stdout.startswith(f"{HEAD} (up to date")
    out = tracker("db", "downgrade", "base", "--yes").stdout
    assert f"{HEAD} -> base" in out
    assert "empty" in tracker("db", "current").stdout or "base" in tracker("db", "current").stdout
    tracker.fails("db", "downgrade", "nonsense", "--yes", code=2)
    path = tracker("db", "path").stdout.strip()
    if "://" in fresh:
        assert "***" not in path or ":***@" in path
        assert path.startswith(("postgresql", "mysql", "mariadb"))
    else:
        assert path == str(Path(fresh).absolute())


def test_sqlite_connections_are_set_up(sqlite_db: str) -> None:
    """WAL, foreign keys enforced, and a busy timeout on every SQLite connection."""
    database = engine_for(sqlite_db)
    database.ensure_current()
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    database.dispose()


def test_foreign_keys_and_checks_are_enforced(db: str) -> None:
    from sqlalchemy import exc

    database = engine_for(db)
    for sql in (
        "INSERT INTO statement (party_id, issue_id, score, stated_on, summary, basis,"
        " recorded_at, recorded_by, fingerprint) VALUES"
        " (999, 999, 0, '2025-11-30', 's', 'stated', '2025-11-30 00:00:00', 't', 'f')",
        "INSERT INTO party (slug, name) VALUES ('a', 'A')",
    ):
        with database.engine.begin() as conn:
            if sql.startswith("INSERT INTO party"):
                conn.execute(text(sql))
                conn.execute(text("INSERT INTO issue (slug, title) VALUES ('i', 'I')"))
            else:
                with pytest.raises(exc.IntegrityError):
                    conn.execute(text(sql))
    with database.engine.begin() as conn:
        ids = conn.execute(text("SELECT p.id, i.id FROM party p, issue i")).one()
    for bad in ("score = 3", "basis = 'rumour'"):
        column, value = bad.split(" = ")
        values = {"score": "0", "basis": "'stated'"} | {column: value}
        with pytest.raises(exc.DBAPIError), database.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO statement (party_id, issue_id, score, stated_on, summary, basis,"
                    " recorded_at, recorded_by, fingerprint) VALUES"
                    f" ({ids[0]}, {ids[1]}, {values['score']}, '2025-11-30', 's', {values['basis']},"
                    " '2025-11-30 00:00:00', 't', 'f')"
                )
            )
    database.dispose()


def _json_fingerprint(*content: object) -> str:
    """The first revision's fingerprint: the fields as a JSON array."""
    import hashlib
    import json

    raw = json.dumps(list(content), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def test_fingerprints_are_recomputed_both_ways(fresh: str, tmp_path: Path) -> None:
    """0002 changes how fingerprints are computed: a statement stored before it
    must still be found by a re-import after it, and again after a downgrade."""
    from tracker.core.statements import fingerprint

    content = ("ukraine", "donbas", -2, "2025-11-30", "No withdrawal", "«Ні»", None, None)
    old = _json_fingerprint(*content, "stated", None)
    populate_first_revision(fresh)
    database = engine_for(fresh)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE statement SET quote = '«Ні»', fingerprint = :fp"), {"fp": old})
    migrate.upgrade(database.engine, "head")
    new = fingerprint(
        "ukraine", "donbas", -2, dt.date(2025, 11, 30), "No withdrawal", "«Ні»", None, None,
        "stated", None,
    )  # fmt: skip
    assert new != old
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT fingerprint FROM statement")).scalar() == new
    database.dispose()

    again = tmp_path / "again.csv"
    again.write_text(
        "party,issue,stance,stated_on,summary,quote\n"
        "ukraine,donbas,rejects,2025-11-30,No withdrawal,«Ні»\n",
        encoding="utf-8",
    )
    assert "skipped 1 already present" in Tracker(fresh)("import", str(again)).stdout

    migrate.downgrade(database.engine, SCHEMA_REVISIONS[0])
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT fingerprint FROM statement")).scalar() == old
    database.dispose()
