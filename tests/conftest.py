"""Test fixtures: a real database on every backend that is configured.

SQLite always; PostgreSQL when TRACKER_TEST_POSTGRES_URL is set, MariaDB/MySQL
when TRACKER_TEST_MYSQL_URL is set (each the URL of a server and a database
to connect to first, e.g. postgresql://postgres@127.0.0.1:5432/postgres).
Each test session creates its own uniquely named database on each server and
drops it at the end, so a crashed earlier run or a dirty server breaks nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from helpers import BACKENDS, Tracker, empty_tables, migrated, server_database
from tracker.db import Database, resolve_url


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches a user's files or database, or depends on their settings."""
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TRACKER_USER", "tester")
    for name in ("NO_COLOR", "COLUMNS", "TRACKER_DEBUG"):
        monkeypatch.delenv(name, raising=False)


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


@pytest.fixture(scope="session")
def template_engine(backend_template: tuple[str, str]) -> Iterator[Engine | None]:
    """An engine on a server's template database, kept for the session: a new
    connection for every test costs more than emptying the tables (PyMySQL
    builds a TLS context for each)."""
    backend, url = backend_template
    if backend == "sqlite":
        yield None
        return
    engine = create_engine(resolve_url(url))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def db(backend_template: tuple[str, str], template_engine: Engine | None, tmp_path: Path) -> str:
    """An empty database at head, on each configured backend: a path or a URL."""
    backend, url = backend_template
    if template_engine is None:
        copy = tmp_path / "tracker.db"
        shutil.copyfile(url, copy)
        return str(copy)
    empty_tables(backend, template_engine)
    return url


@pytest.fixture
def backend(backend_template: tuple[str, str]) -> str:
    return backend_template[0]


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """A path for a new SQLite database (created on first use)."""
    return str(tmp_path / "tracker.db")


@pytest.fixture
def tracker(db: str) -> Tracker:
    return Tracker(db)


@pytest.fixture
def seeded(tracker: Tracker) -> Tracker:
    from tracker.resources import seed_file

    tracker("import", str(seed_file()))
    return tracker


@pytest.fixture
def database(db: str) -> Iterator[Database]:
    """A `Database` on `db`, for tests that call the core without the command line."""
    database = Database(resolve_url(db))
    database.ensure_current()
    yield database
    database.dispose()
