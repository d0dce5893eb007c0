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
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import strategies as st
from sqlalchemy import URL, Engine, Insert, create_engine, insert, inspect, text
from sqlalchemy.orm import Session

from tracker.cli import cli
from tracker.core import positions
from tracker.core.briefing import briefing
from tracker.db import Database, migrate, resolve_url
from tracker.db.schema import ISSUE, PARTY, STATEMENT
from tracker.render import page
from tracker.resources import seed_file

REPO = Path(__file__).resolve().parents[1]

# --- databases ------------------------------------------------------------------

SERVER_ENV = {"postgresql": "TRACKER_TEST_POSTGRES_URL", "mysql": "TRACKER_TEST_MYSQL_URL"}
BACKENDS = ("sqlite", "postgresql", "mysql")
# Every table, children before their parents.
TABLES = (
    "statement", "revision", "affiliation", "person_alias", "person", "issue_keyword",
    "issue_alias", "party_alias", "party", "issue",
)  # fmt: skip


def server_url(backend: str) -> URL | None:
    value = os.environ.get(SERVER_ENV[backend], "").strip()
    return resolve_url(value) if value else None


@contextlib.contextmanager
def server_database(backend: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards. Yields its URL."""
    admin_url = server_url(backend)
    if admin_url is None:
        pytest.skip(f"{backend}: set {SERVER_ENV[backend]} to run these tests on it")
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if backend == "postgresql":
            conn.execute(text(f'CREATE DATABASE "{name}"'))
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
        admin.dispose()


def migrated(url: str) -> str:
    database = Database(resolve_url(url))
    database.ensure_current()
    database.dispose()
    return url


def migrate_to(engine: Engine, revision: str) -> None:
    """Upgrade to `revision` under the migration lock, as `tracker db upgrade` does."""
    with migrate.locked(engine) as conn:
        migrate.upgrade_locked(conn, revision)


def migrate_back(engine: Engine, revision: str) -> None:
    """Downgrade to `revision` under the migration lock, as `tracker db downgrade` does."""
    with migrate.locked(engine) as conn:
        migrate.downgrade_locked(conn, revision)


def empty_tables(backend: str, engine: Engine) -> None:
    """Empty every table of a server's database and restart the ids, as in a new database."""
    with engine.begin() as conn:
        if backend == "postgresql":
            # On tables this small, DELETE and a restarted sequence take a fifth of
            # TRUNCATE's time, which is paid before every test. The ledger's
            # triggers refuse to delete statements: replica mode (a superuser's)
            # does not fire them.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, 'id'), 1, false)"),
                    {"table": table},
                )
            # The search index's own tables (revision 0005), where there are.
            for table in ("statement_search", "search_state"):
                if conn.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar():
                    conn.execute(text(f"DELETE FROM {table}"))
        else:
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
            for table in TABLES:
                conn.execute(text(f"TRUNCATE TABLE {table}"))
            # The search index's own tables (revision 0006), where there are.
            for table in ("statement_search", "search_state"):
                if inspect(conn).has_table(table):
                    conn.execute(text(f"TRUNCATE TABLE {table}"))
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


class Tracker:
    """Runs the CLI in-process against one database, like a user would type it."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(
        self, *args: str, input: str | None = None, ok: bool = True, color: bool = False
    ) -> Result:
        result = self.runner.invoke(
            cli, ["--db", self.db, *args], input=input, catch_exceptions=True, color=color
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
