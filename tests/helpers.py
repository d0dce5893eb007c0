"""What more than one test module uses: the CLI runner, databases on the test
servers, the two-record setup most tests start from, error-message checks,
the seed's expected stances and the HTML pages' hostile texts.

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
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import URL, Engine, create_engine, text

from tracker.cli import cli
from tracker.core import positions
from tracker.core.briefing import briefing
from tracker.db import Database, resolve_url
from tracker.render import page

REPO = Path(__file__).resolve().parents[1]

# --- databases ------------------------------------------------------------------

SERVER_ENV = {"postgresql": "TRACKER_TEST_POSTGRES_URL", "mysql": "TRACKER_TEST_MYSQL_URL"}
BACKENDS = ("sqlite", "postgresql", "mysql")
TABLES = ("statement", "party_alias", "party", "issue")


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


def empty_tables(backend: str, engine: Engine) -> None:
    """Empty every table of a server's database and restart the ids, as in a new database."""
    with engine.begin() as conn:
        if backend == "postgresql":
            # On tables this small, DELETE and a restarted sequence take a fifth of
            # TRUNCATE's time, which is paid before every test.
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, 'id'), 1, false)"),
                    {"table": table},
                )
        else:
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
            for table in TABLES:
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
