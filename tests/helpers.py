"""What more than one test module uses: the CLI runner, databases on the test
servers, the two-record setup most tests start from, error-message checks,
the seed's expected stances, the HTML pages' hostile texts, and the random
histories the property tests load and their oracle's stance (SPEC's words).

Test modules import from here (`from helpers import Tracker`), never from
each other or from conftest.py, which holds only fixtures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import strategies as st
from sqlalchemy import URL, Connection, Engine, Insert, create_engine, insert, inspect, text
from sqlalchemy.orm import Session

from tracker.cli import cli
from tracker.cli.options import App
from tracker.core import positions
from tracker.core.briefing import briefing
from tracker.db import Database, migrate, resolve_url
from tracker.db.schema import ISSUE, PARTY, STATEMENT, metadata
from tracker.errors import TrackerError
from tracker.render import page
from tracker.resources import seed_file

REPO = Path(__file__).resolve().parents[1]

# --- databases ------------------------------------------------------------------

SERVER_ENV = {"postgresql": "TRACKER_TEST_POSTGRES_URL", "mysql": "TRACKER_TEST_MYSQL_URL"}
BACKENDS = ("sqlite", "postgresql", "mysql")
# Every table the models define, children before their parents, but those
# whose rows the migrations make (every database has them, tests or not).
MADE_BY_MIGRATIONS = ("data_version",)
TABLES = tuple(t.name for t in reversed(metadata.sorted_tables) if t.name not in MADE_BY_MIGRATIONS)
# PostgreSQL's search index keeps tables of its own (revision 0005), outside the models.
PG_SEARCH_TABLES = ("statement_search", "search_state")
# Where a server's test database keeps a copy of its tables with the seed in
# them: a schema of the same database on PostgreSQL (a query cannot cross
# databases there), a database beside it on MySQL.
SNAPSHOT = "seed_snapshot"
# The tables a MySQL snapshot holds no row of (by the engine's URL): nothing to copy back.
_SNAPSHOT_EMPTY: dict[str, frozenset[str]] = {}


def server_url(backend: str) -> URL | None:
    value = os.environ.get(SERVER_ENV[backend], "").strip()
    return resolve_url(value) if value else None


def backend_params() -> list[Any]:
    """BACKENDS as a fixture's parameters: a server no URL names is skipped as
    the tests are set up, before any fixture of theirs runs."""
    return [
        backend
        if backend == "sqlite" or os.environ.get(SERVER_ENV[backend], "").strip()
        else pytest.param(
            backend,
            marks=pytest.mark.skip(
                reason=f"{backend}: set {SERVER_ENV[backend]} to run these tests on it"
            ),
        )
        for backend in BACKENDS
    ]


def _admin(backend: str) -> URL:
    admin_url = server_url(backend)
    if admin_url is None:
        pytest.skip(f"{backend}: set {SERVER_ENV[backend]} to run these tests on it")
    return admin_url


@contextlib.contextmanager
def server_database(backend: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards. Yields its URL."""
    admin_url = _admin(backend)
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if backend == "postgresql":
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            # A test database need not wait for its commits to reach the disk.
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        else:
            conn.execute(
                text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            )
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if backend == "postgresql":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}_{SNAPSHOT}`"))
        admin.dispose()


def migrated(url: str) -> str:
    database = Database(resolve_url(url))
    database.ensure_current()
    database.dispose()
    return url


def copy_of(head: str, path: Path) -> str:
    """A new SQLite database at `path`, a copy of `head` (the `sqlite_head` fixture)."""
    shutil.copyfile(head, path)
    return str(path)


def migrate_to(engine: Engine, revision: str) -> None:
    """Upgrade to `revision` under the migration lock, as `tracker db upgrade` does."""
    with migrate.locked(engine) as conn:
        migrate.upgrade_locked(conn, revision)


def migrate_back(engine: Engine, revision: str) -> None:
    """Downgrade to `revision` under the migration lock, as `tracker db downgrade` does."""
    with migrate.locked(engine) as conn:
        migrate.downgrade_locked(conn, revision)


def _pg_tables(conn: Connection) -> tuple[str, ...]:
    """The models' tables and, where they are, the search index's own."""
    present = [
        t
        for t in PG_SEARCH_TABLES
        if conn.execute(text("SELECT to_regclass(:t)"), {"t": t}).scalar()
    ]
    return (*present, *TABLES)


def _pg_refill(snapshot: str | None) -> str:
    """One round trip that empties every table (the search index's too, where
    it is) and, from `snapshot` if one is named, fills them again, then sets
    each sequence to follow its table's largest id, as in a database that was
    only ever written to. Replica mode (a superuser's): the ledger's triggers,
    which refuse to delete statements, do not fire, and rows are copied as
    they are, the search index's with them."""
    names = ", ".join(f"'{t}'" for t in (*PG_SEARCH_TABLES, *TABLES))
    with_ids = ", ".join(f"'{t}'" for t in TABLES if "id" in metadata.tables[t].c)
    fill = (
        f"FOREACH t IN ARRAY reverse_tables LOOP IF to_regclass(t) IS NOT NULL THEN "
        f"EXECUTE format('INSERT INTO %I SELECT * FROM {snapshot}.%I', t, t); END IF; END LOOP;"
        if snapshot
        else ""
    )
    return (
        "DO $$ DECLARE t text; "
        f"tables text[] := ARRAY[{names}]; "
        "reverse_tables text[] := ARRAY(SELECT x FROM unnest(tables) WITH ORDINALITY AS u(x, n) "
        "ORDER BY n DESC); "
        "BEGIN SET LOCAL session_replication_role = replica; "
        "FOREACH t IN ARRAY tables LOOP IF to_regclass(t) IS NOT NULL THEN "
        "EXECUTE format('DELETE FROM %I', t); END IF; END LOOP; "
        f"{fill} "
        f"FOREACH t IN ARRAY ARRAY[{with_ids}] LOOP "
        "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), "
        "coalesce(max(id), 0) + 1, false) FROM %I', t, t); END LOOP; END $$"
    )


def empty_tables(backend: str, engine: Engine) -> None:
    """Empty every table of a server's database and restart the ids, as in a new database."""
    with engine.begin() as conn:
        if backend == "postgresql":
            # On tables this small, DELETE and a restarted sequence take a fifth of
            # TRUNCATE's time, which is paid before every test.
            conn.exec_driver_sql(_pg_refill(None), execution_options={"no_parameters": True})
        else:
            _empty_mysql(conn)


def _mysql_tables(conn: Connection) -> tuple[str, ...]:
    """The models' tables and, where they are, the search index's own (revision 0009)."""
    present = [t for t in PG_SEARCH_TABLES if inspect(conn).has_table(t)]
    return (*present, *TABLES)


# The ledger's tables: their triggers refuse a DELETE, and their ids are
# what a user sees ("Added statement #1").
_LEDGER = ("statement", "draft_version")


def _empty_mysql(conn: Connection) -> None:
    """What a test wrote, gone. A TRUNCATE recreates its table, and an ALTER
    that sets an id counter back costs as much (together three fifths of
    the time MariaDB's tests took): only the tables that hold rows are
    emptied, by DELETE. The ledger's tables are truncated instead, whenever
    they hold a row or their id counter moved (a rolled-back insert moves
    it too), so that their ids start at 1 again; the other tables' ids go
    on from the last test, as in a database whose rows were deleted, and no
    test may count on them."""
    tables = _mysql_tables(conn)
    held = " UNION ALL ".join(f"(SELECT '{t}' FROM {t} LIMIT 1)" for t in tables)
    full = {row[0] for row in conn.execute(text(held))}
    moved = {
        row[0]
        for row in conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                f"DATABASE() AND auto_increment > 1 AND table_name IN {_LEDGER}"
            )
        )
    }
    conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
    for table in tables:
        if table in _LEDGER and table in full | moved:
            conn.execute(text(f"TRUNCATE TABLE {table}"))
        elif table in full:
            conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))


def _columns(conn: Connection, table: str) -> str:
    # Named, not `*`: MySQL's generated search column takes no value.
    quote = conn.dialect.identifier_preparer.quote
    return ", ".join(quote(c.name) for c in metadata.tables[table].c)


def take_snapshot(backend: str, engine: Engine) -> None:
    """Copy every table of a server's test database to its SNAPSHOT."""
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SNAPSHOT}"))
            for table in _pg_tables(conn):
                conn.execute(text(f"CREATE TABLE {SNAPSHOT}.{table} AS TABLE {table}"))
        else:
            side = f"`{engine.url.database}_{SNAPSHOT}`"
            conn.execute(text(f"DROP DATABASE IF EXISTS {side}"))
            conn.execute(text(f"CREATE DATABASE {side} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
            for table in TABLES:
                conn.execute(
                    text(
                        f"CREATE TABLE {side}.{table} AS SELECT {_columns(conn, table)} FROM {table}"
                    )
                )
            held = " UNION ALL ".join(f"(SELECT '{t}' FROM {t} LIMIT 1)" for t in TABLES)
            full = {row[0] for row in conn.execute(text(held))}
            _SNAPSHOT_EMPTY[str(engine.url)] = frozenset(TABLES) - full


def restore_snapshot(backend: str, engine: Engine) -> None:
    """Every table of a server's test database as `take_snapshot` found it, ids included."""
    if backend == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(_pg_refill(SNAPSHOT), execution_options={"no_parameters": True})
        return
    empty_tables(backend, engine)
    with engine.begin() as conn:
        side = f"`{engine.url.database}_{SNAPSHOT}`"
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in reversed(TABLES):
            if table in _SNAPSHOT_EMPTY.get(str(engine.url), ()):
                continue
            columns = _columns(conn, table)
            conn.execute(
                text(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {side}.{table}")
            )
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))


def empty_database(backend: str, url: str) -> None:
    """`empty_tables` through an engine of its own."""
    engine = create_engine(resolve_url(url))
    try:
        empty_tables(backend, engine)
    finally:
        engine.dispose()


@contextlib.contextmanager
def engine_for(db: str) -> Iterator[Engine]:
    engine = create_engine(resolve_url(db))
    try:
        yield engine
    finally:
        engine.dispose()


def count(db: str, table: str = "statement") -> int:
    with engine_for(db) as engine, engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# --- what a test needs of the machine -----------------------------------------------


def cannot_run(reason: str) -> None:
    """Skip a test the machine cannot run, except in CI (`CI=true`), where
    every test must run: there it fails instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"cannot run in CI: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block as `nobody` (the effective user and group only) when the
    tests run as root, to whom no file is read-only; as anyone else, as is."""
    if os.geteuid() != 0:
        yield
        return
    import pwd

    nobody = pwd.getpwnam("nobody")
    os.setegid(nobody.pw_gid)
    os.seteuid(nobody.pw_uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


# --- logins with the grants of docs/teams.md ----------------------------------------

# What a writer writes (docs/teams.md): every table of the catalog and of the
# drafts, and statements (added, retracted through their retraction columns
# only, merged through the database's own merge_record).
WRITTEN = (
    "statement", "party", "party_alias", "issue", "issue_alias", "issue_keyword",
    "person", "person_alias", "affiliation", "revision", "draft", "draft_version",
    "draft_version_party", "draft_link",
)  # fmt: skip
# Of those, what a writer never deletes: the ledger, and a draft's versions.
KEPT = ("statement", "draft", "draft_version")


# The routine that stores a statement's words in PostgreSQL's index (revision 0009).
PG_STORE = "statement_search_store(integer[], tsvector[])"
# The one way a statement moves (revision 0008).
PG_MERGE = "merge_record(text, integer, integer, boolean)"


@contextlib.contextmanager
def login(db: str, backend: str, kind: str, execute: bool = True) -> Iterator[str]:
    """A login of a server's database with the grants docs/teams.md gives a
    `kind` ("reader" or "writer"), dropped afterwards. Yields its URL.
    `execute=False`: on MariaDB, without the grant to run the search index's
    procedures (docs/teams.md gave none before revision 0009); on PostgreSQL,
    EXECUTE on its store routine revoked from everyone meanwhile."""
    url = resolve_url(db)
    role = f"tracker_{kind}_{uuid.uuid4().hex[:8]}"
    deletes = [t for t in WRITTEN if t not in KEPT]
    if backend == "postgresql":
        setup = [
            f"CREATE ROLE {role} LOGIN",
            f'GRANT CONNECT ON DATABASE "{url.database}" TO {role}',
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        ]
        if kind == "writer":
            catalog = [t for t in WRITTEN if t != "statement"]
            setup += [
                f"GRANT INSERT, UPDATE ON {', '.join(catalog)} TO {role}",
                f"GRANT INSERT, UPDATE (retracted_at, retraction_reason) ON statement TO {role}",
                f"GRANT EXECUTE ON FUNCTION {PG_MERGE} TO {role}",
                f"GRANT DELETE ON {', '.join(deletes)} TO {role}",
                f"GRANT UPDATE ON data_version TO {role}",
                f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
            ]
        teardown = [f"DROP OWNED BY {role}", f"DROP ROLE {role}"]
        if not execute:
            setup.append(f"REVOKE EXECUTE ON FUNCTION {PG_STORE} FROM PUBLIC")
            teardown.insert(0, f"GRANT EXECUTE ON FUNCTION {PG_STORE} TO PUBLIC")
    else:
        where = f"`{url.database}`"
        setup = [f"CREATE USER '{role}'@'%'", f"GRANT SELECT ON {where}.* TO '{role}'@'%'"]
        if execute:
            setup += [
                f"GRANT EXECUTE ON PROCEDURE {where}.{p} TO '{role}'@'%'"
                for p in ("statement_search_store", "statement_search_settle")
            ]
        if kind == "writer":
            setup += [
                f"GRANT INSERT ON {where}.statement TO '{role}'@'%'",
                f"GRANT UPDATE (retracted_at, retraction_reason) ON {where}.statement "
                f"TO '{role}'@'%'",
                f"GRANT EXECUTE ON PROCEDURE {where}.merge_record TO '{role}'@'%'",
            ]
            setup += [
                f"GRANT INSERT, UPDATE{', DELETE' if t in deletes else ''} ON {where}.{t} "
                f"TO '{role}'@'%'"
                for t in WRITTEN
                if t != "statement"
            ]
            setup.append(f"GRANT UPDATE ON {where}.data_version TO '{role}'@'%'")
        teardown = [f"DROP USER '{role}'@'%'"]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for sql in setup:
                conn.execute(text(sql))
        found: URL = url.set(username=role, password=None)
        yield found.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            for sql in teardown:
                conn.execute(text(sql))
        admin.dispose()


def reader_login(
    db: str, backend: str, execute: bool = True
) -> contextlib.AbstractContextManager[str]:
    return login(db, backend, "reader", execute)


def writer_login(
    db: str, backend: str, execute: bool = True
) -> contextlib.AbstractContextManager[str]:
    return login(db, backend, "writer", execute)


# --- the command line -------------------------------------------------------------

TIMEOUT = 300  # seconds: generous, for a loaded two-core machine


def tracker_command(db: str, *args: str) -> list[str]:
    """`tracker --db DB ARGS` as a real process runs it."""
    return [sys.executable, "-m", "tracker", "--db", db, *args]


def start(db: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        tracker_command(db, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.01)


# The databases the commands of the running test have opened, by path or URL:
# one engine each for all its commands, as a long-running process keeps, so
# that no command pays for a new connection and for compiling its statements
# again. Closed when the test ends (`close_databases`).
_OPEN: dict[str, Database] = {}


def shared_database(db: str) -> Database | None:
    """None for a `--db` value that is itself wrong: the command says so."""
    found = _OPEN.get(db)
    if found is None:
        try:
            found = _OPEN[db] = Database(resolve_url(db))
        except TrackerError:
            return None
    return found


def close_database(db: str) -> None:
    """Close `db` (on SQLite: its write-ahead log goes into the file, which can then be copied)."""
    if (found := _OPEN.pop(db, None)) is not None:
        found.dispose()


# The server databases a test session keeps (`Template`): their engines stay
# open from one test to the next, as their URL does, so that a test does not
# pay for connecting (PyMySQL's TLS context, each dialect's first queries).
_KEPT: set[str] = set()


def keep_open(db: str) -> None:
    _KEPT.add(db)


def close_databases() -> None:
    """Close what the test opened, but the databases the session keeps."""
    for db in [db for db in _OPEN if db not in _KEPT]:
        _OPEN.pop(db).dispose()


class Tracker:
    """Runs the CLI in-process against one database, like a user would type it."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(
        self, *args: str, input: str | None = None, ok: bool = True, color: bool = False
    ) -> Result:
        result = self.runner.invoke(
            cli,
            ["--db", self.db, *args],
            input=input,
            catch_exceptions=True,
            color=color,
            obj=App.sharing(database) if (database := shared_database(self.db)) else None,
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"tracker {' '.join(args)} exited {result.exit_code}:\n{result.stderr}{result.stdout}"
            )
        return result

    def fails(self, *args: str, code: int = 1) -> str:
        """Runs a command that must fail; returns its one-line stderr message."""
        result = self(*args, ok=False)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        return result.stderr


PROPOSITION = "Ukraine withdraws its forces from the part of Donetsk it still holds"


def setup_pair(tracker: Tracker) -> None:
    tracker("party", "add", "ukraine", "--name", "Ukraine", "--alias", "Kyiv", "--kind", "state")
    tracker("issue", "add", "donbas", "--title", "Donbas territory", "--proposition", PROPOSITION)


def statement_count(tracker: Tracker) -> int:
    return len(json.loads(tracker("log", "--limit", "0", "--format", "json").stdout))


def one_line(message: str) -> str:
    assert message.startswith("Error: ") and message.count("\n") == 1, message
    return message


# --- the seed ---------------------------------------------------------------------

# As of 2025-12-02, from the article (and the draft plan's text for the US).
EXPECTED_DEC_2 = {
    ("ukraine", "donbas"): "rejects",
    ("russia", "donbas"): "demands",
    ("united-states", "donbas"): "open",
    ("france", "donbas"): "open",
    ("ukraine", "nato-membership"): "demands",
    ("united-states", "nato-membership"): "opposes",
    ("ukraine", "nato-forces"): "supports",
    ("united-states", "nato-forces"): "open",
    ("ukraine", "armed-forces-limits"): "opposes",
    ("united-states", "armed-forces-limits"): "supports",
    ("united-states", "frozen-assets"): "supports",
    ("france", "frozen-assets"): "open",
    ("united-states", "sanctions"): "supports",
    ("france", "sanctions"): "open",
    ("united-states", "security-guarantees"): "supports",
    ("france", "security-guarantees"): "open",
    ("united-states", "eu-accession"): "supports",
    ("france", "eu-accession"): "open",
    ("france", "settlement-consent"): "demands",
    ("united-kingdom", "settlement-consent"): "supports",
    ("eu", "settlement-consent"): "supports",
}

# --- the HTML pages ---------------------------------------------------------------

HOSTILE_SUMMARY = "<img src=x onerror=\"document.title='pwned'\">"
# Text that would end the JSON block of a large page, were it not escaped.
BREAKOUT = "</script><script>document.title='pwned'</script><!-- </SCRIPT "


def report_html(db: str, as_of: str, inline_statements: int) -> str:
    """The report page as `report --format html` writes it, with the statements
    in the cells only up to `inline_statements` stances."""
    database = Database(resolve_url(db))
    try:
        with database.session() as session:
            rep = positions.report(session, dt.date.fromisoformat(as_of), statements=True)
            return page.report(briefing(session, rep), inline_statements)
    finally:
        database.dispose()


# --- the seed with fixed recording times --------------------------------------

RETRACTED = 5  # the statement the golden data retracts


def golden_seed(tmp_path: Path) -> Path:
    """The seed with fixed recording times and users (of its statements and of
    its catalog's history), and one retraction."""
    doc = json.loads(seed_file().read_text(encoding="utf-8"))
    start = dt.datetime(2025, 12, 2, 9, 0, tzinfo=dt.UTC)
    made = (start - dt.timedelta(days=1)).isoformat()
    for kind, own in (("parties", "slug"), ("issues", "slug"), ("people", "name")):
        for record in doc[kind]:  # made at a fixed time too, not at the import's
            record["history"] = [
                {"field": "created", "old": None, "new": record[own], "recorded_at": made,
                 "recorded_by": "golden"}
            ]  # fmt: skip
    for n, statement in enumerate(doc["statements"], start=1):
        moment = start + dt.timedelta(minutes=n, microseconds=n)
        statement["recorded_at"] = moment.isoformat()
        statement["recorded_by"] = "golden"
        if n == RETRACTED:
            statement["retracted_at"] = (moment + dt.timedelta(days=1)).isoformat()
            statement["retraction_reason"] = "logged against the wrong issue"
    path = tmp_path / "golden-seed.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


# --- the article reader -------------------------------------------------------------

READ_DATA = REPO / "tests" / "data" / "read"
# The seed article is not in the repository (its licence is unknown): tests
# that read it take its path from here, and are skipped without it.
SEED_ARTICLE_ENV = "TRACKER_SEED_ARTICLE"


def world(name: str = "ukraine-world.json") -> dict[str, object]:
    """A catalog of a text's world in the export's shape (people, keywords)."""
    loaded: dict[str, object] = json.loads((READ_DATA / name).read_text(encoding="utf-8"))
    return loaded


def seed_article() -> Path:
    value = os.environ.get(SEED_ARTICLE_ENV, "")
    if not value or not Path(value).is_file():
        pytest.skip(
            f"the seed article is not in the repository: set {SEED_ARTICLE_ENV} to its path"
        )
    return Path(value)


# --- random histories (the property tests) ---------------------------------------

BASE_DAY = dt.date(2025, 11, 1)
BASE_TIME = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Fact:
    id: int
    party: str
    issue: str
    score: int
    stated_on: dt.date
    recorded_at: dt.datetime
    retracted_at: dt.datetime | None


# party, issue, score, stated_on's day, recorded_at's hour, retracted hours later
RawStatement = tuple[str, str, int, int, int, int | None]


def raw_statement(
    parties: tuple[str, ...], issues: tuple[str, ...]
) -> st.SearchStrategy[RawStatement]:
    return st.tuples(
        st.sampled_from(parties),
        st.sampled_from(issues),
        st.integers(-2, 2),
        st.integers(0, 4),  # stated_on: day offset (few days, so ties happen)
        st.integers(0, 4),  # recorded_at: hour offset, independent of stated_on (back-dating)
        st.none() | st.integers(0, 4),  # retracted this many hours after recording
    )


day = st.integers(-1, 5).map(lambda n: BASE_DAY + dt.timedelta(days=n))
known_at = st.none() | st.integers(-1, 9).map(lambda n: BASE_TIME + dt.timedelta(hours=n))


def oracle_stance(
    facts: list[Fact], party: str, issue: str, d: dt.date, k: dt.datetime | None
) -> Fact | None:
    """SPEC's stance of `party` on `issue` as of `d` (as known at `k`), word for word."""
    candidates = [
        f
        for f in facts
        if f.party == party
        and f.issue == issue
        and f.stated_on <= d
        and (k is None or f.recorded_at <= k)
        and not (f.retracted_at is not None and (k is None or f.retracted_at <= k))
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda f: (f.stated_on, f.recorded_at, f.id))


def inserted_id(session: Session, statement: Insert) -> int:
    """Runs an INSERT of one row on the session's connection; returns the row's id."""
    key = session.connection().execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def load(
    session: Session, rows: list[RawStatement], parties: tuple[str, ...], issues: tuple[str, ...]
) -> list[Fact]:
    """The parties, the issues and the random statements, written as they are."""
    pid = {}
    for slug in parties:
        pid[slug] = inserted_id(session, insert(PARTY).values(slug=slug, name=slug.upper()))
    iid = {}
    for slug in issues:
        iid[slug] = inserted_id(session, insert(ISSUE).values(slug=slug, title=slug.upper()))
    facts = []
    for party, issue, score, day_n, hour_n, retract_after in rows:
        stated_on = BASE_DAY + dt.timedelta(days=day_n)
        recorded_at = BASE_TIME + dt.timedelta(hours=hour_n)
        retracted_at = (
            None if retract_after is None else recorded_at + dt.timedelta(hours=retract_after)
        )
        new_id = inserted_id(
            session,
            insert(STATEMENT).values(
                party_id=pid[party],
                issue_id=iid[issue],
                score=score,
                stated_on=stated_on,
                summary="s",
                basis="stated",
                recorded_at=recorded_at,
                recorded_by="t",
                retracted_at=retracted_at,
                retraction_reason="r" if retracted_at else None,
                fingerprint="f",
            ),
        )
        facts.append(Fact(new_id, party, issue, score, stated_on, recorded_at, retracted_at))
    return facts


def examples(backend: str) -> int:
    """How many random histories a property test tries on a backend."""
    return 200 if backend == "sqlite" else 40


def rolled_back(database: Database) -> Session:
    """A session in a transaction that `finish` rolls back: each example starts empty."""
    connection = database.engine.connect()
    connection.begin()
    return Session(bind=connection)


def finish(session: Session) -> None:
    connection = session.connection()
    session.close()
    connection.rollback()
    connection.close()


# --- tracker serve ----------------------------------------------------------------

PASSWORD = "correct horse battery"


def add_user(db: str, name: str, role: str, password: str = PASSWORD) -> None:
    """A user, as `tracker user add NAME --role ROLE --password-stdin` makes one."""
    Tracker(db)("user", "add", name, "--role", role, "--password-stdin", input=password + "\n")


def web_client(db: str, public: bool = False, own_engine: bool = False) -> Any:
    """The application in this process (one "worker"), through Starlette's
    TestClient, on the engine the test's commands share, or (`own_engine`,
    as another worker process has) on one of its own."""
    from starlette.testclient import TestClient

    from tracker.web.app import create

    database = shared_database(db)
    if own_engine:  # closed with the rest when the test ends
        database = _OPEN[f"{db}#worker{len(_OPEN)}"] = Database(resolve_url(db))
    assert database is not None, db
    return TestClient(create(database, public), follow_redirects=False)


def sign_in(client: Any, name: str, password: str = PASSWORD) -> Any:
    """Signs `client` in through the log-in form; the response to the post."""
    client.get("/login")
    token = client.cookies.get("tracker_login")
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})


def csrf_of(html: str) -> str:
    import re

    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, "the page carries no csrf-token"
    return found.group(1)
