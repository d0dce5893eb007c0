"""Test fixtures: a real database on every backend that is configured.

SQLite always; PostgreSQL when TRACKER_TEST_POSTGRES_URL is set, MariaDB/MySQL
when TRACKER_TEST_MYSQL_URL is set (each the URL of a server and a database
to connect to first, e.g. postgresql://postgres@127.0.0.1:5432/postgres).
Each test session creates its own uniquely named database on each server and
drops it at the end, so a crashed earlier run or a dirty server breaks nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import URL, create_engine, text

from tracker.cli import cli
from tracker.db import Database, resolve_url

SERVER_ENV = {"postgresql": "TRACKER_TEST_POSTGRES_URL", "mysql": "TRACKER_TEST_MYSQL_URL"}
BACKENDS = ("sqlite", "postgresql", "mysql")
TABLES = ("statement", "party_alias", "party", "issue")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches a user's files or database, or depends on their settings."""
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TRACKER_USER", "tester")
    for name in ("NO_COLOR", "COLUMNS", "TRACKER_DEBUG"):
        monkeypatch.delenv(name, raising=False)


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


@pytest.fixture(scope="session", params=BACKENDS)
def backend_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(backend, url) of a database at head, one per backend per test session."""
    backend: str = request.param
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        yield backend, migrated(str(path))
        return
    with server_database(backend) as url:
        yield backend, migrated(url)


def _empty(backend: str, url: str) -> None:
    """Empty every table and restart the ids, as in a new database."""
    engine = create_engine(resolve_url(url))
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
            for table in TABLES:
                conn.execute(text(f"TRUNCATE TABLE {table}"))
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    engine.dispose()


@pytest.fixture
def db(backend_template: tuple[str, str], tmp_path: Path) -> str:
    """An empty database at head, on each configured backend: a path or a URL."""
    backend, url = backend_template
    if backend == "sqlite":
        copy = tmp_path / "tracker.db"
        shutil.copyfile(url, copy)
        return str(copy)
    _empty(backend, url)
    return url


@pytest.fixture
def backend(backend_template: tuple[str, str]) -> str:
    return backend_template[0]


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """A path for a new SQLite database (created on first use)."""
    return str(tmp_path / "tracker.db")


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


@pytest.fixture
def tracker(db: str) -> Tracker:
    return Tracker(db)


@pytest.fixture
def seeded(tracker: Tracker) -> Tracker:
    from tracker.resources import seed_file

    tracker("import", str(seed_file()))
    return tracker
