"""Migrations on every backend: up from empty, down to base and up again, the
models match the scripts, one head, data kept, and the revision check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text

from helpers import Tracker, migrate_back, migrate_to, server_database
from tracker.db import HEAD, SCHEMA_REVISIONS, Database, migrate, resolve_url
from tracker.db.schema import metadata

TABLES = {
    "alembic_version", "issue", "party", "party_alias", "statement", "person", "person_alias",
    "affiliation", "issue_alias", "issue_keyword", "revision", "draft", "draft_version",
    "draft_version_party", "draft_link", "account", "account_session", "account_token",
    "login_failure", "data_version",
}  # fmt: skip


@pytest.fixture(
    params=(
        "sqlite",
        # Slow: a CREATE and a DROP DATABASE on the server for every test.
        pytest.param("postgresql", marks=pytest.mark.slow),
        pytest.param("mysql", marks=pytest.mark.slow),
    )
)
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
    assert list(migrate.scripts().get_heads()) == [HEAD]
    assert [r.revision for r in reversed(list(migrate.scripts().walk_revisions()))] == list(
        SCHEMA_REVISIONS
    )


def test_upgrade_downgrade_upgrade(fresh: str) -> None:
    database = engine_for(fresh)
    engine = database.engine
    migrate_to(engine, "head")
    names = set(inspect(engine).get_table_names())
    assert {n for n in names if not n.startswith(migrate.UNMODELLED)} == TABLES
    migrate_back(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate_to(engine, "head")
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


# Rows to insert at each revision, in that revision's schema, with plain SQL
# (the models follow head, not the revision). A migration that rewrites data
# says how the rows it rewrites read afterwards in `_as_at`.
ROWS_AT: dict[str, dict[str, list[dict[str, Any]]]] = {
    "0001": {
        "party": [
            {"id": 1, "slug": "ukraine", "name": "Ukraine", "kind": "state",
             "description": "Україна 🇺🇦"},
            {"id": 2, "slug": "russia", "name": "Russia", "kind": None, "description": None},
        ],
        "party_alias": [{"id": 1, "party_id": 1, "alias": "Kyiv", "key": "kyiv"}],
        "issue": [
            {"id": 1, "slug": "donbas", "title": "Donbas", "proposition": "Ukraine withdraws",
             "description": None},
        ],
        "statement": [
            {"id": 1, "party_id": 1, "issue_id": 1, "score": -2,
             "stated_on": dt.date(2025, 11, 30), "summary": "No withdrawal",
             "quote": "'; DROP TABLE statement; --", "speaker": "Зеленський",
             "source": None, "basis": "stated", "conditions": None,
             "recorded_at": dt.datetime(2025, 11, 30, 12, 0, 0, 123456),
             "recorded_by": "tester", "retracted_at": None, "retraction_reason": None,
             "fingerprint": "f" * 32},
            {"id": 2, "party_id": 2, "issue_id": 1, "score": 2,
             "stated_on": dt.date(2025, 11, 21), "summary": "=cmd|' /C calc'!A0",
             "quote": None, "speaker": None, "source": "https://example.org/x",
             "basis": "reported", "conditions": "only with Kyiv's agreement",
             "recorded_at": dt.datetime(2025, 11, 21, 8, 30),
             "recorded_by": "analyst", "retracted_at": dt.datetime(2025, 11, 22, 9, 0),
             "retraction_reason": "misattributed", "fingerprint": "e" * 32},
        ],
    },
}  # fmt: skip
ROWS_AT["0002"] = {
    "issue": [
        {"id": 2, "slug": "nato", "title": "NATO membership", "proposition": None,
         "description": None},
    ],
    "statement": [
        {"id": 3, "party_id": 2, "issue_id": 2, "score": -2,
         "stated_on": dt.date(2025, 11, 25), "summary": "Never", "quote": None,
         "speaker": None, "source": None, "basis": "stated", "conditions": None,
         "recorded_at": dt.datetime(2025, 11, 25, 10, 0), "recorded_by": "tester",
         "retracted_at": None, "retraction_reason": None, "fingerprint": ""},
    ],
}  # fmt: skip
ROWS_AT["0003"] = {
    "person": [{"id": 1, "name": "Kaja Kallas", "key": "kaja kallas"}],
    "person_alias": [{"id": 1, "person_id": 1, "alias": "Kallas", "key": "kallas"}],
    "affiliation": [
        {"id": 1, "person_id": 1, "party_id": 2, "role": "prime minister",
         "starts_on": dt.date(2021, 1, 26), "ends_on": dt.date(2024, 7, 15)},
        {"id": 2, "person_id": 1, "party_id": 1, "role": None,
         "starts_on": dt.date(2024, 12, 1), "ends_on": None},
    ],
    "issue_alias": [{"id": 1, "issue_id": 2, "alias": "Alliance", "key": "alliance"}],
    "issue_keyword": [{"id": 1, "issue_id": 1, "keyword": "Donetsk", "key": "donetsk"}],
    "revision": [
        {"id": 1, "kind": "party", "record_id": 1, "field": "name", "old": "Ukrain",
         "new": "Ukraine", "recorded_at": dt.datetime(2025, 12, 1, 9, 0, 0, 1),
         "recorded_by": "tester"},
    ],
    "statement": [
        {"id": 4, "party_id": 1, "issue_id": 2, "score": 1,
         "stated_on": dt.date(2025, 12, 1), "summary": "Membership stays the goal",
         "quote": None, "speaker": "Kaja Kallas", "source": None, "basis": "stated",
         "conditions": None, "recorded_at": dt.datetime(2025, 12, 1, 10, 0),
         "recorded_by": "tester", "retracted_at": None, "retraction_reason": None,
         "fingerprint": ""},
    ],
}  # fmt: skip


def _statement(
    id: int, party_id: int, issue_id: int, score: int, day: int, summary: str
) -> dict[str, Any]:
    """A statement row as a later revision's test logs it: only what differs."""
    return {
        "id": id, "party_id": party_id, "issue_id": issue_id, "score": score,
        "stated_on": dt.date(2025, 12, day), "summary": summary, "quote": None,
        "speaker": None, "source": None, "basis": "stated", "conditions": None,
        "recorded_at": dt.datetime(2025, 12, day, 10, 0), "recorded_by": "tester",
        "retracted_at": None, "retraction_reason": None, "fingerprint": "",
    }  # fmt: skip


ROWS_AT["0004"] = {"statement": [_statement(5, 2, 1, 0, 2, "Logged once the ledger is guarded")]}
ROWS_AT["0005"] = {
    "statement": [_statement(6, 1, 2, 1, 3, "Logged once PostgreSQL keeps its words")]
}
ROWS_AT["0006"] = {
    "draft": [
        {"id": 1, "slug": "plan", "title": "Peace framework", "description": None,
         "recorded_at": dt.datetime(2025, 12, 4, 9, 0), "recorded_by": "tester"},
    ],
    "draft_version": [
        {"id": 1, "draft_id": 1, "label": "v1", "dated_on": dt.date(2025, 11, 20),
         "source": None, "body": "1. Донбас\n2) Second point", "withdrawn_at": None,
         "withdrawal_reason": None, "recorded_at": dt.datetime(2025, 12, 4, 9, 1),
         "recorded_by": "tester"},
    ],
    "draft_version_party": [{"id": 1, "version_id": 1, "party_id": 1}],
    "draft_link": [{"id": 1, "version_id": 1, "position": 1, "issue_id": 1, "origin": "found"}],
}  # fmt: skip

ROWS_AT["0007"] = {
    "account": [
        {
            "id": 1,
            "name": "alice",
            "role": "admin",
            "password_hash": "$argon2id$v=19$x",
            "created_at": dt.datetime(2025, 12, 4, 9, 0, 0, 7),
        },
    ],
    "account_session": [
        {
            "id": 1,
            "account_id": 1,
            "key_hash": "a" * 64,
            "csrf_token": "c" * 43,
            "created_at": dt.datetime(2025, 12, 4, 9, 1),
            "seen_at": dt.datetime(2025, 12, 4, 9, 2),
        },
    ],
    "account_token": [
        {
            "id": 1,
            "account_id": 1,
            "key_hash": "b" * 64,
            "created_at": dt.datetime(2025, 12, 4, 9, 3),
        },
    ],
    "login_failure": [{"id": 1, "name": "mallory", "failed_at": dt.datetime(2025, 12, 4, 9, 4)}],
    "statement": [_statement(7, 2, 2, -1, 4, "Logged once a team can sign in")],
}

# A statement an `issue merge --negate` moved: its stance the opposite of the
# one logged, its fingerprint of the content as logged (see `_fingerprint_at`).
ROWS_AT["0008"] = {
    "statement": [{**_statement(8, 2, 1, 2, 5, "Logged on the opposite question"),
                   "negated": True}],
}  # fmt: skip

# Names as an older tracker stored them, typed in the decomposed form (NFD):
# 0010 composes them (`_as_at`), and makes their keys again.
ROWS_AT["0009"] = {
    "party": [{"id": 3, "slug": "noue-lle", "name": "Noue\u0301lle", "kind": None,
               "description": None}],
    "party_alias": [{"id": 2, "party_id": 3, "alias": "Cafe\u0301", "key": "cafe\u0301"}],
    "statement": [_statement(9, 2, 2, -1, 6, "Logged once every backend reads the same words")],
}  # fmt: skip

# A name an issue took in a negated merge.
ROWS_AT["0010"] = {
    "issue_alias": [{"id": 2, "issue_id": 1, "alias": "barred", "key": "barred", "negated": True}],
}

TABLE_ORDER = (
    "party", "party_alias", "issue", "statement", "person", "person_alias", "affiliation",
    "issue_alias", "issue_keyword", "revision", "draft", "draft_version", "draft_version_party",
    "draft_link", "account", "account_session", "account_token", "login_failure",
)  # fmt: skip
SLUGS = {"party": {1: "ukraine", 2: "russia"}, "issue": {1: "donbas", 2: "nato"}}


def _json_fingerprint(*content: object) -> str:
    """The first revision's fingerprint: the fields as a JSON array."""
    import hashlib
    import json

    raw = json.dumps(list(content), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def _fingerprint_at(revision: str, row: dict[str, Any]) -> str:
    """The fingerprint a statement row has at `revision` (0002 and 0003 changed how)."""
    import hashlib

    from tracker.core.values import fingerprint_input, fingerprint_of

    names = (SLUGS["party"][row["party_id"]], SLUGS["issue"][row["issue_id"]])
    content = (
        row["score"], row["stated_on"].isoformat(), row["summary"], row["quote"],
        row["speaker"], row["source"], row["basis"], row["conditions"],
    )  # fmt: skip
    if revision < "0002":
        return _json_fingerprint(*names, *content)
    if revision < "0003":  # the slugs first, then the content, joined by NUL
        fields = [*names, *("" if v is None else str(v) for v in content)]
        return hashlib.blake2b("\0".join(fields).encode("utf-8"), digest_size=16).hexdigest()
    if row.get("negated"):  # the content as logged: the stance before it was negated
        content = (-row["score"], *content[1:])
    return fingerprint_of(fingerprint_input(*content))


def _as_at(revision: str, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as it should read at `revision`: fingerprints are rewritten, and
    from 0010 on names are composed (NFC), with their keys made again."""
    import unicodedata

    if table == "statement":
        return {**row, "fingerprint": _fingerprint_at(revision, row)}
    if revision >= "0010" and table in ("party", "party_alias"):
        column = "name" if table == "party" else "alias"
        composed = unicodedata.normalize("NFC", row[column])
        keyed = {"key": unicodedata.normalize("NFC", composed.casefold())} if "key" in row else {}
        return {**row, column: composed, **keyed}
    return row


# Each row is written with the fingerprint of the revision it is written at.
for _revision, _tables in ROWS_AT.items():
    if "statement" in _tables:
        _tables["statement"] = [_as_at(_revision, "statement", r) for r in _tables["statement"]]


def _insert_rows(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    with engine.begin() as conn:
        for table in TABLE_ORDER:
            for row in rows.get(table, []):
                columns = ", ".join(_quoted(conn, c) for c in row)
                values = ", ".join(f":{c}" for c in row)
                conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


def _read_row(engine: Engine, table: str, row: dict[str, Any]) -> dict[str, Any]:
    with engine.connect() as conn:
        columns = ", ".join(_quoted(conn, c) for c in row)
        found = conn.execute(
            text(f"SELECT {columns} FROM {table} WHERE id = :id"), {"id": row["id"]}
        ).one()
    values = dict(zip(row, found, strict=True))
    for column, value in values.items():  # SQLite hands dates and times back as text
        if isinstance(row[column], dt.datetime) and isinstance(value, str):
            values[column] = dt.datetime.fromisoformat(value)
        elif isinstance(row[column], dt.date) and isinstance(value, str):
            values[column] = dt.date.fromisoformat(value)
    return values


def _quoted(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


def test_every_revision_has_rows_to_migrate() -> None:
    """Whoever adds a migration adds the rows to populate its schema with."""
    assert list(ROWS_AT) == list(SCHEMA_REVISIONS)


def test_data_survives_every_migration(fresh: str) -> None:
    """At each revision in turn, rows written in that revision's schema; at
    head, every one of them is still there, as written (or as `_as_at` says a
    migration rewrote it)."""
    database = engine_for(fresh)
    engine = database.engine
    for revision in SCHEMA_REVISIONS:
        migrate_to(engine, revision)
        _insert_rows(engine, ROWS_AT[revision])
    migrate_to(engine, "head")
    for revision in SCHEMA_REVISIONS:
        for table, rows in ROWS_AT[revision].items():
            for row in rows:
                expected = _as_at(HEAD, table, row)
                assert _read_row(engine, table, expected) == expected, (revision, table)
    database.dispose()
    # And tracker reads them as its own.
    history = Tracker(fresh)("history", "kyiv", "donbas", "--format", "json").stdout
    assert '"recorded_at": "2025-11-30T12:00:00.123456Z"' in history
    assert '"speaker": "Зеленський"' in history


def test_downgrade_one_step_and_back_keeps_older_rows(fresh: str) -> None:
    """For each revision after the first: down to the one before and up again
    keeps every row written at or before that earlier revision."""
    database = engine_for(fresh)
    engine = database.engine
    # Each revision's rows as its own round trip left them: 0008's downgrade
    # keeps a negated statement's stance and forgets that it was negated.
    kept: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for n, revision in enumerate(SCHEMA_REVISIONS):
        migrate_to(engine, revision)
        _insert_rows(engine, ROWS_AT[revision])
        kept[revision] = ROWS_AT[revision]
        if n == 0:
            continue
        migrate_back(engine, SCHEMA_REVISIONS[n - 1])
        migrate_to(engine, revision)
        for older in SCHEMA_REVISIONS[:n]:
            for table, rows in kept[older].items():
                for row in rows:
                    expected = _as_at(revision, table, row)
                    assert _read_row(engine, table, expected) == expected, (revision, older)
        # What the downgrade dropped with its tables (0003's people, say) is
        # written again, for the next revision's round trip to keep.
        with engine.connect() as conn:
            lost = {
                table: [r for r in rows if not conn.execute(
                    text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": r["id"]}
                ).first()]
                for table, rows in ROWS_AT[revision].items()
            }  # fmt: skip
        _insert_rows(engine, lost)
        kept[revision] = {
            table: [_read_row(engine, table, row) for row in rows]
            for table, rows in ROWS_AT[revision].items()
        }
        if revision == "0008":  # the stance it had under INTO, as a statement of its own
            [was], [now] = ROWS_AT[revision]["statement"], kept[revision]["statement"]
            assert (now["score"], bool(now["negated"])) == (was["score"], False)
            assert now["fingerprint"] == _as_at(revision, "statement", now)["fingerprint"]
    database.dispose()


def test_base_counts_as_new(fresh: str) -> None:
    database = engine_for(fresh)
    migrate_to(database.engine, "head")
    migrate_back(database.engine, "base")
    database.dispose()
    Tracker(fresh)("party", "list")  # created again at head, on first use


def test_behind_head_is_refused(fresh: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = Tracker(fresh)
    tracker("party", "list")
    # This tracker, one release later: its schema has moved on to a revision 9000.
    monkeypatch.setattr("tracker.db.state.SCHEMA_REVISIONS", (*SCHEMA_REVISIONS, "9000"))
    monkeypatch.setattr("tracker.db.state.HEAD", "9000")
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
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 10_000
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


def test_a_reimport_after_0002_still_finds_what_was_there(fresh: str, tmp_path: Path) -> None:
    """0002 rewrote the fingerprints: a statement stored before it must still be
    found by a re-import after it."""
    database = engine_for(fresh)
    migrate_to(database.engine, "0001")
    _insert_rows(database.engine, ROWS_AT["0001"])
    migrate_to(database.engine, "head")
    database.dispose()
    again = tmp_path / "again.csv"
    again.write_text(
        "party,issue,stance,stated_on,summary,quote,speaker,basis\n"
        "ukraine,donbas,rejects,2025-11-30,No withdrawal,'; DROP TABLE statement; --,"
        "Зеленський,stated\n",
        encoding="utf-8",
    )
    assert "skipped 1 already present" in Tracker(fresh)("import", str(again)).stdout


def test_a_retraction_before_its_recording_is_dated_at_it(fresh: str) -> None:
    """Revision 0008: a statement an older import let in retracted before it
    was recorded is retracted at its recording (no report as known at any
    moment changes: it was unknown before, and retracted since), the others
    as they were; and from then on no INSERT makes another."""
    from sqlalchemy import exc

    database = engine_for(fresh)
    engine = database.engine
    migrate_to(engine, "0007")
    _insert_rows(engine, ROWS_AT["0001"])
    early = _statement(7, 1, 1, 0, 5, "Retracted before it was recorded")
    early |= {"retracted_at": dt.datetime(2025, 12, 5, 9, 0), "retraction_reason": "early"}
    _insert_rows(engine, {"statement": [early]})
    migrate_to(engine, "head")
    when = {"id": 7, "retracted_at": early["retracted_at"]}
    assert _read_row(engine, "statement", when)["retracted_at"] == dt.datetime(2025, 12, 5, 10, 0)
    [kept] = [r for r in ROWS_AT["0001"]["statement"] if r["retracted_at"] is not None]
    assert _read_row(engine, "statement", {**kept})["retracted_at"] == kept["retracted_at"]
    again = {**early, "id": 8, "fingerprint": "g" * 32}
    with pytest.raises(exc.DBAPIError):
        _insert_rows(engine, {"statement": [again]})
    database.dispose()
