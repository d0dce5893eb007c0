# ruff: noqa: E402
"""Test fixtures: a real database on every backend that is configured.

SQLite always; PostgreSQL when TRACKER_TEST_POSTGRES_URL is set, MariaDB/MySQL
when TRACKER_TEST_MYSQL_URL is set (each the URL of a server and a database
to connect to first, e.g. postgresql://postgres@127.0.0.1:5432/postgres).
Each test session creates its own uniquely named database on each server and
drops it at the end, so a crashed earlier run or a dirty server breaks nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

# Each of the suite's processes (xdist's workers) imports all of tracker and
# every test module; where the environment turns bytecode caching off
# (PYTHONDONTWRITEBYTECODE), each would compile and rewrite them all again,
# about two seconds a process, on every run. The caches are __pycache__
# folders, which git ignores. Set before the imports below (hence E402).
sys.dont_write_bytecode = False
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine

from helpers import (
    SERVER_ENV,
    Tracker,
    backend_params,
    close_database,
    close_databases,
    empty_tables,
    keep_open,
    migrated,
    restore_snapshot,
    server_database,
    take_snapshot,
)
from tracker.db import Database, resolve_url
from tracker.resources import seed_file


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its least cost for the in-process tests, which hash and
    check hundreds of passwords: what they test (who may sign in) does not
    depend on the cost. `tests/test_users.py` checks the cost a server uses,
    and the live server's tests run it."""
    from argon2 import PasswordHasher

    from tracker.core import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)


# Where the test session keeps its temporary files when it chose the place.
_RAM_DISK = pytest.StashKey[Path]()


# Hypothesis's examples: its default hundred in CI (`.ci/run` asks for the
# "ci" profile; so does CI=true); a quarter of that while you work, where the
# fast loop is to take seconds. A test that sets its own `max_examples` keeps
# it in both.
settings.register_profile("ci", max_examples=100)
settings.register_profile("dev", max_examples=25)
settings.load_profile(
    os.environ.get("TRACKER_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Temporary files on a RAM disk where the machine has one: the tests'
    SQLite databases are written and synced to disk thousands of times, and
    a sync costs nothing there. Not when `--basetemp` was given, nor in an
    xdist worker (the controller gives each its own folder under this one)."""
    shm = Path("/dev/shm")
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="tracker-tests-", dir=shm))
        config.option.basetemp = str(folder)
        config.stash[_RAM_DISK] = folder


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker per core on SQLite alone, which keeps the cores
    busy; one more with a server configured, whose tests wait on the
    server's round trips, during which another worker can run (on two
    cores: 46 s for the servers' tests against 75 s with two workers)."""
    cores = os.cpu_count() or 1
    servers = any(os.environ.get(name, "").strip() for name in SERVER_ENV.values())
    return cores + 1 if servers else cores


def pytest_unconfigure(config: pytest.Config) -> None:
    if (folder := config.stash.get(_RAM_DISK, None)) is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches a user's files or database, or depends on their settings."""
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TRACKER_USER", "tester")
    for name in ("NO_COLOR", "COLUMNS", "TRACKER_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    yield
    close_databases()


class Template:
    """One backend's databases at head for a test session: each test gets an
    empty one, or one holding the seed, by a copy rather than by migrating or
    importing again (a file copy on SQLite; emptied tables, or tables copied
    back from a snapshot, in one database of the server's kept for the session)."""

    def __init__(self, backend: str, url: str, folder: Path) -> None:
        self.backend, self.url, self.folder = backend, url, folder
        self.engine = None if backend == "sqlite" else create_engine(resolve_url(url))
        if self.engine is not None:
            keep_open(url)
        self._seeded: str | None = None

    def empty(self, tmp_path: Path) -> str:
        if self.engine is None:
            copy = tmp_path / "tracker.db"
            shutil.copyfile(self.url, copy)
            return str(copy)
        empty_tables(self.backend, self.engine)
        return self.url

    def seed(self, db: str) -> None:
        """Fill `db`, which `empty` gave, with the seed as `tracker import` writes it."""
        if self._seeded is None:
            self._seeded = self._import_seed()
        if self.engine is None:
            shutil.copyfile(self._seeded, db)
        else:
            restore_snapshot(self.backend, self.engine)

    def _import_seed(self) -> str:
        target = str(self.folder / "seeded.db") if self.engine is None else self.url
        if self.engine is None:
            shutil.copyfile(self.url, target)
        else:
            empty_tables(self.backend, self.engine)
        # Recorded by the user every test runs as (`_isolated`).
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TRACKER_USER", "tester")
            Tracker(target)("import", str(seed_file()))
        close_database(target)
        if self.engine is not None:
            take_snapshot(self.backend, self.engine)
        return target

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            close_database(self.url)


@pytest.fixture(scope="session")
def sqlite_head(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database migrated to head once a session (per worker, under
    xdist): `copy_of` it gives a new one without migrating again."""
    return migrated(str(tmp_path_factory.mktemp("head") / "head.db"))


@pytest.fixture(scope="session", params=backend_params())
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_head: str
) -> Iterator[Template]:
    """One per backend per test session (per worker, under xdist)."""
    backend: str = request.param
    folder = tmp_path_factory.mktemp("template")
    if backend == "sqlite":
        yield Template(backend, sqlite_head, folder)
        return
    with server_database(backend) as url:
        made = Template(backend, migrated(url), folder)
        try:
            yield made
        finally:
            made.dispose()


@pytest.fixture
def db(template: Template, tmp_path: Path) -> str:
    """An empty database at head, on each configured backend: a path or a URL."""
    return template.empty(tmp_path)


@pytest.fixture
def backend(template: Template) -> str:
    return template.backend


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """A path for a new SQLite database (created on first use)."""
    return str(tmp_path / "tracker.db")


@pytest.fixture
def tracker(db: str) -> Tracker:
    return Tracker(db)


@pytest.fixture
def seeded(template: Template, db: str) -> Tracker:
    """`db` holding the Ukraine scenario, as `tracker import seeds/...` leaves it."""
    template.seed(db)
    return Tracker(db)


@pytest.fixture
def database(db: str) -> Iterator[Database]:
    """A `Database` on `db`, for tests that call the core without the command line."""
    database = Database(resolve_url(db))
    database.ensure_current()
    yield database
    database.dispose()
