"""Faults, with real processes: `-o` onto devices, pipes and symlinks, two
writers of one file, a backup killed or refused, a full disk, migrations
killed at every step, concurrent first use, deadlocks retried, imports read
from a pipe.

Like tests/test_team.py, no assertion depends on timing: a test waits for
what it needs to see, with generous timeouts, and a kill that comes too late
is tried again on a bigger database.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text, update

from helpers import (
    TIMEOUT,
    Tracker,
    backend_params,
    cannot_run,
    close_database,
    count,
    engine_for,
    migrate_back,
    migrate_to,
    one_line,
    server_database,
    server_url,
    setup_pair,
    start,
    tracker_command,
)
from tracker.cli import cli
from tracker.core.values import fingerprint_input, fingerprint_of
from tracker.db import HEAD, SCHEMA_REVISIONS, Database, SchemaState, migrate, resolve_url, steps
from tracker.db.schema import ISSUE, PARTY, STATEMENT, metadata
from tracker.resources import seed_file

pytestmark = pytest.mark.slow
HEADER = "party,issue,stance,stated_on,summary"


def run(
    db: str, *args: str, input: str | None = None, file_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`tracker ARGS` as a process; with `file_limit`, under `ulimit -f` of that many bytes."""

    def limit() -> None:  # in the child, before it runs tracker
        assert file_limit is not None
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        tracker_command(db, *args),
        capture_output=True,
        text=True,
        input=input,
        timeout=TIMEOUT,
        preexec_fn=None if file_limit is None else limit,
    )


def fill(tracker: Tracker, tmp_path: Path, rows: int) -> None:
    """`rows` statements on ukraine/donbas, by one CSV import."""
    setup_pair(tracker)
    path = tmp_path / f"fill-{uuid.uuid4().hex[:6]}.csv"
    lines = [HEADER] + [f"ukraine,donbas,open,2025-11-20,row {n} {'x' * 200}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tracker("import", str(path))


def scratch_files(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.endswith(".partial") or ".partial-" in p.name
    )


# What a write past the end of a small disk fails with: ENOSPC on a full
# tmpfs; EFBIG under `ulimit -f`, where no tmpfs can be mounted.
FULL = ("No space left on device", "File too large")


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: int) -> Iterator[tuple[Path, int | None]]:
    """A folder where writing more than `size` bytes fails, and the file-size
    limit to run commands under for that (None: none needed): a tmpfs of that
    size where one can be mounted (as root), else the folder as it is with
    `ulimit -f`, which every user can set, so the test runs everywhere."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        yield folder, size
        return
    try:
        yield folder, None
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# --- -o: devices, pipes, symlinks, two writers ----------------------------------------


@pytest.fixture
def seeded_file(sqlite_db: str) -> Tracker:
    """The seed in a SQLite file: where `-o` writes does not depend on the backend."""
    tracker = Tracker(sqlite_db)
    tracker("import", str(seed_file()))
    return tracker


def test_output_to_devices_is_written_not_replaced(seeded_file: Tracker) -> None:
    """`-o /dev/null` and `/dev/stdout` are written to and stay what they
    were; `/dev/full` fails with ENOSPC, named, exit 1."""
    seeded = seeded_file
    expected = seeded("export").stdout
    done = run(seeded.db, "export", "-o", "/dev/null")
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    done = run(seeded.db, "export", "-o", "/dev/stdout")
    assert done.returncode == 0 and done.stdout == expected, done.stderr
    done = run(seeded.db, "report", "--format", "html", "-o", "/dev/full")
    assert done.returncode == 1
    assert done.stderr == "Error: No space left on device: /dev/full\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_output_to_a_fifo(seeded_file: Tracker, tmp_path: Path) -> None:
    seeded = seeded_file
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    done = run(seeded.db, "export", "--format", "csv", "-o", str(fifo))
    reader.join(TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert got == [seeded("export", "--format", "csv").stdout.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_through_a_symlink(seeded_file: Tracker, tmp_path: Path) -> None:
    """A symlink stays a link; the file it points to gets the output,
    atomically (a scratch file beside it, renamed)."""
    seeded = seeded_file
    target_folder = tmp_path / "elsewhere"
    target_folder.mkdir()
    real = target_folder / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    done = run(seeded.db, "export", "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == seeded("export").stdout
    assert scratch_files(tmp_path) == scratch_files(target_folder) == []


def test_two_writers_of_one_output_file(sqlite_db: str, tmp_path: Path) -> None:
    """Two exports to the same file at the same moment: both succeed, and the
    file is one whole export, never a mix or a half."""
    tracker, db = Tracker(sqlite_db), sqlite_db
    fill(tracker, tmp_path, 20_000)
    expected = tracker("export").stdout
    target = tmp_path / "same.json"
    for _ in range(3):
        procs = [start(db, "export", "-o", str(target)) for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=TIMEOUT)
            assert proc.returncode == 0, err
        assert target.read_text(encoding="utf-8") == expected
        assert scratch_files(tmp_path) == []


# --- db backup: killed, damaged, full ---------------------------------------------------


def _kill_when_writing(db: str, target: Path, signum: int) -> subprocess.Popen[str] | None:
    """Starts `db backup TARGET` and sends it `signum` as soon as its scratch
    file appears; None if it finished first."""
    proc = start(db, "db", "backup", str(target))
    while proc.poll() is None:
        if scratch_files(target.parent):
            proc.send_signal(signum)
            proc.communicate(timeout=TIMEOUT)
            return proc
    proc.communicate()
    return None


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_killed_backup_leaves_nothing_for_long(
    tracker: Tracker, db: str, tmp_path: Path, signum: int
) -> None:
    """SIGTERM: the backup removes its scratch file on the way out. SIGKILL
    cannot be caught: the scratch file stays, and the next backup to the
    same file removes it."""
    out = tmp_path / "out"
    out.mkdir()
    rows = 20_000
    fill(tracker, tmp_path, rows)
    for _attempt in range(5):
        target = out / "backup.db"
        killed = _kill_when_writing(db, target, signum)
        if killed is not None:
            break
        target.unlink()
        fill(tracker, tmp_path, rows)  # bigger, for a slower backup
        rows *= 2
    else:
        pytest.fail("every backup finished before it could be seen writing")
    assert killed.returncode in (-signum, 128 + signum)
    assert not target.exists()
    if signum == signal.SIGTERM:
        assert scratch_files(out) == []
    else:
        assert scratch_files(out) != []
    done = run(db, "db", "backup", str(target))
    assert done.returncode == 0, done.stderr
    assert scratch_files(out) == [] and target.exists()


def test_a_scratch_file_of_a_live_writer_is_kept(tracker: Tracker, tmp_path: Path) -> None:
    """Only scratch files of dead processes are removed: one whose process
    is alive (another backup under way) is left alone."""
    setup_pair(tracker)
    live = tmp_path / f".backup.db.{os.getppid()}.abc123.partial"
    dead = tmp_path / ".backup.db.999999999.abc123.partial"
    live.write_text("x")
    dead.write_text("x")
    tracker("db", "backup", str(tmp_path / "backup.db"))
    assert live.exists() and not dead.exists()


def test_backup_of_a_damaged_database_is_refused(sqlite_db: str, tmp_path: Path) -> None:
    tracker = Tracker(sqlite_db)
    fill(tracker, tmp_path, 500)
    with contextlib.closing(sqlite3.connect(sqlite_db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(sqlite_db, "r+b") as f:  # three pages of the statement table overwritten
        for page in (10, 20, 30):
            f.seek(page * 4096)
            f.write(b"\xa5" * 4096)
    target = tmp_path / "copy.db"
    done = run(sqlite_db, "db", "backup", str(target))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"Error: database {sqlite_db} is damaged (")
    assert done.stderr.endswith("): no backup was written\n") and done.stderr.count("\n") == 1
    assert not target.exists() and scratch_files(tmp_path) == []


@pytest.mark.parametrize("how", ["tmpfs", "ulimit"])
def test_backup_onto_a_full_disk(seeded: Tracker, backend: str, tmp_path: Path, how: str) -> None:
    if how == "tmpfs":
        with small_disk(tmp_path, 16 * 1024) as (disk, limit):
            if limit is not None:
                cannot_run("cannot mount a tmpfs here (needs root): the ulimit case runs instead")
            _backup_onto_a_full_disk(seeded, disk, limit)
    else:
        disk = tmp_path / "limited"
        disk.mkdir()
        # The limit is every file's the process writes: above the 32 KiB of
        # SQLite's shared-memory file, below the seed's backup and export.
        _backup_onto_a_full_disk(seeded, disk, 40 * 1024)


def _backup_onto_a_full_disk(seeded: Tracker, disk: Path, limit: int | None) -> None:
    target = disk / "backup.out"
    done = run(seeded.db, "db", "backup", str(target), file_limit=limit)
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: cannot write the backup {target}: "), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert list(disk.iterdir()) == []
    done = run(seeded.db, "export", "-o", str(disk / "export.json"), file_limit=limit)
    assert done.returncode == 1
    assert done.stderr.startswith(tuple(f"Error: {m}" for m in FULL)), done.stderr
    assert list(disk.iterdir()) == []


# --- migrations killed at every step ------------------------------------------------


def migrate_killed_at(db: str, step: str, *args: str) -> None:
    """Runs `tracker db ARGS` in a child process killed (SIGKILL, nothing
    caught) at the migration step `step` (`tracker.db.steps.hook`). The child
    is forked from this process, its modules already loaded: a kill costs the
    migration's work up to the step, not a new interpreter's start."""
    pid = os.fork()
    if pid == 0:  # the child; it never returns
        code = 1
        try:

            def hook(label: str) -> None:
                if label == step:
                    os.kill(os.getpid(), signal.SIGKILL)

            steps.hook = hook
            # Its own engine: none of the parent's connections is used here.
            cli.main(["--db", db, "db", *args], prog_name="tracker", standalone_mode=False)
        except BaseException:
            code = 2
        finally:
            os._exit(code)  # not killed: the step was never reached
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (step, status)


@pytest.fixture(params=backend_params())
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(backend, database): a brand-new database, not created yet."""
    if request.param == "sqlite":
        yield "sqlite", str(tmp_path / "new.db")
        return
    with server_database(request.param) as url:
        yield request.param, url


def _state(db: str) -> SchemaState:
    database = Database(resolve_url(db))
    try:
        return database.state()
    finally:
        database.dispose()


def _check_head(db: str, export: str | None) -> None:
    """At head, the schema as the models say, no leftover index, every
    fingerprint in head's form, and (if given) the same export."""
    database = Database(resolve_url(db))
    try:
        assert database.state().status == "current"
        with database.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=migrate.compare_options())
            assert compare_metadata(context, metadata) == []
            rows = conn.execute(
                select(PARTY.c.slug, ISSUE.c.slug, *(STATEMENT.c[c] for c in FINGERPRINTED))
                .join_from(STATEMENT, PARTY)
                .join(ISSUE)
            ).all()
    finally:
        database.dispose()
    for _, _, score, day, *texts, fingerprint in rows:
        day = day if isinstance(day, str) else day.isoformat()
        raw = fingerprint_input(score, day, *texts)
        assert fingerprint == fingerprint_of(raw)
    if export is not None:
        assert Tracker(db)("export").stdout == export


def _migrate(db: str, how: Callable[[Engine, str], None], revision: str) -> None:
    """`migrate_to` or `migrate_back` to `revision`, in this process."""
    database = Database(resolve_url(db))
    try:
        how(database.engine, revision)
    finally:
        database.dispose()


def _steps_of(db: str, how: Callable[[Engine, str], None], revision: str) -> list[str]:
    """The steps a migration to `revision` goes through, run uninterrupted."""
    reached: list[str] = []
    steps.hook = reached.append
    try:
        _migrate(db, how, revision)
    finally:
        steps.hook = None
    return reached


# The triggers a migration makes or drops, by backend.
TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
    "mysql": "SELECT trigger_name FROM information_schema.triggers "
    "WHERE trigger_schema = DATABASE()",
}


def _snapshot(db: str) -> list[object]:
    """What a migration leaves: every table's columns, indexes, foreign keys
    and rows, and the triggers (not the shadow tables of SQLite's full-text
    index, which hold its own encoding of what `statement` holds)."""
    database = Database(resolve_url(db))
    seen: list[object] = []
    try:
        with database.engine.connect() as conn:
            found = inspect(conn)
            quote = conn.dialect.identifier_preparer.quote
            for name in sorted(found.get_table_names()):
                if name.startswith("statement_search_"):
                    continue
                # Columns by name: one a downgrade drops and its upgrade adds
                # again comes back last (on MySQL, 0009's downgrade makes the
                # generated search column again, after 0008's `negated`).
                described = sorted(
                    (c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(name)
                )
                # The data version's epoch is drawn anew each time its table
                # is made (revision 0007), so that no version comes back.
                names = ["id", "counter"] if name == "data_version" else [c[0] for c in described]
                columns = ", ".join(quote(c) for c in names)
                rows = conn.execute(text(f"SELECT {columns} FROM {quote(name)}"))
                seen += [
                    name,
                    described,
                    sorted(map(repr, found.get_indexes(name))),
                    sorted(map(repr, found.get_foreign_keys(name))),
                    sorted(map(repr, rows)),
                ]
            seen.append(sorted(conn.execute(text(TRIGGERS[conn.dialect.name])).scalars()))
    finally:
        database.dispose()
    return seen


FINGERPRINTED = (
    "score", "stated_on", "summary", "quote", "speaker", "source", "basis", "conditions",
    "fingerprint",
)  # fmt: skip


def _check_stopped(db: str, backend: str, revision: str | None, migration: str) -> None:
    """After a kill: where DDL is transactional, the database is exactly at
    `revision`, where the command found it (None: empty); on MySQL/MariaDB it reads as interrupted in
    `migration`, and every command refuses it."""
    state = _state(db)
    if backend != "mysql":
        assert (state.status, state.revision) in (("behind", revision), ("current", revision)) or (
            revision is None and state.status == "empty"
        ), state
        return
    assert (state.status, state.revision) == ("interrupted", migration), state
    tracker = Tracker(db)
    message = f"migration {migration} was interrupted: run 'tracker db upgrade'\n"
    for args in (("db", "current"), ("log",), ("import", str(seed_file()))):
        refused = one_line(tracker.fails(*args))
        assert refused.endswith(message), refused


def test_creating_a_database_killed_at_every_step(new_db: tuple[str, str], tmp_path: Path) -> None:
    """Creating a brand-new database (revision 0001), killed (SIGKILL) before
    each of its steps in turn, and taking it down to nothing, likewise: the
    database is left as it was, or (MySQL, MariaDB) refused as interrupted by
    every command; `db upgrade` then finishes it, to the very schema of a
    migration never interrupted."""
    backend, db = new_db
    first = SCHEMA_REVISIONS[0]
    created = _steps_of(db, migrate_to, first)
    assert any(s.startswith(f"{first} upgrade: create table") for s in created)
    expected = _snapshot(db)
    emptied = _steps_of(db, migrate_back, "base")
    for step in created:
        migrate_killed_at(db, step, "upgrade")
        _check_stopped(db, backend, None, first)
        _migrate(db, migrate_to, first)
        assert _snapshot(db) == expected, step
        _migrate(db, migrate_back, "base")
    _migrate(db, migrate_to, first)
    for step in emptied:
        migrate_killed_at(db, step, "downgrade", "base", "--yes")
        _check_stopped(db, backend, first, first)
        _migrate(db, migrate_to, first)
        assert _snapshot(db) == expected, step
    _finish(Tracker(db))
    _check_head(db, None)


def _finish(tracker: Tracker) -> None:
    out = tracker("db", "upgrade").stdout
    assert out.endswith((f" -> {HEAD}\n", f" is already at {HEAD}\n")), out


@pytest.mark.parametrize("revision", SCHEMA_REVISIONS[1:])
def test_migrations_killed_at_every_step(
    new_db: tuple[str, str], tmp_path: Path, revision: str
) -> None:
    """One revision after the first, on a database with statements (two
    batches of fingerprints where it rewrites them), down to the one before
    it and up again, killed before each step of each way in turn; then
    finished (to that revision, as `db upgrade` does) and compared with what
    an uninterrupted run left; at the end, at head, the same export."""
    backend, db = new_db
    before = SCHEMA_REVISIONS[SCHEMA_REVISIONS.index(revision) - 1]
    tracker = Tracker(db)
    tracker("import", str(seed_file()))
    rewrites = revision in ("0002", "0003")  # those that rewrite fingerprints, in batches
    if rewrites:
        path = tmp_path / "more.csv"
        lines = [HEADER] + [f"ukraine,donbas,open,2025-11-20,row {n}" for n in range(6_000)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tracker("import", str(path))
    # What a downgrade drops (0003's people, keywords, histories) stays
    # dropped: the export to come back to is the one after a plain round trip.
    close_database(db)
    _migrate(db, migrate_back, before)
    _finish(tracker)
    export = tracker("export").stdout
    close_database(db)
    _migrate(db, migrate_back, revision)
    expected = _snapshot(db)
    down = _steps_of(db, migrate_back, before)
    up = _steps_of(db, migrate_to, revision)
    assert down and up and _snapshot(db) == expected
    if rewrites:
        assert sum("fingerprints after id" in s for s in up) == 2, up
    for step in down:
        migrate_killed_at(db, step, "downgrade", before, "--yes")
        _check_stopped(db, backend, revision, revision)
        _migrate(db, migrate_to, revision)
        assert _snapshot(db) == expected, step
    for step in up:
        _migrate(db, migrate_back, before)
        migrate_killed_at(db, step, "upgrade")
        _check_stopped(db, backend, before, revision)
        _migrate(db, migrate_to, revision)
        assert _snapshot(db) == expected, step
    _finish(tracker)
    _check_head(db, export)
    assert tracker("import", str(seed_file())).stdout.startswith(
        "Added 0 statements; skipped 24 already present"
    )


# --- first use, by many processes at once ---------------------------------------------


def test_concurrent_first_use_of_a_new_database(new_db: tuple[str, str]) -> None:
    """8 processes run their first command on a brand-new database at the
    same moment, in 3 rounds: one creates it, the others wait and use it."""
    _, db = new_db
    for round_ in range(3):
        procs = [start(db, "party", "add", f"p{round_}-{n}", "--name", f"P {n}") for n in range(8)]
        for proc in procs:
            _, err = proc.communicate(timeout=TIMEOUT)
            assert (proc.returncode, err) == (0, ""), err
        assert _state(db).status == "current"
        assert count(db, "party") == 8
        Tracker(db)("db", "downgrade", "base", "--yes")


# --- import from a pipe ---------------------------------------------------------------

# Runs tracker and then says on stderr how much memory it took at most (KiB):
# VmHWM, this process's own peak (getrusage's would count the parent's from
# before the exec).
MEASURED = r"""
import atexit, re, sys
def peak():
    status = open("/proc/self/status").read()
    print("maxrss", re.search(r"VmHWM:\s*(\d+)", status)[1], file=sys.stderr)
atexit.register(peak)
from tracker.cli import main
main()
"""


def _import_measured(db: str, source: str, stdin: Path | None = None) -> tuple[str, int]:
    """(stdout, peak memory in KiB) of `tracker import SOURCE`, its standard
    input from `stdin` piped through `cat` (a pipe, not a file)."""
    command = [sys.executable, "-c", MEASURED, "--db", db, "import", source]
    if stdin is None:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    else:
        cat = subprocess.Popen(["cat", str(stdin)], stdout=subprocess.PIPE)
        proc = subprocess.run(
            command, stdin=cat.stdout, capture_output=True, text=True, timeout=TIMEOUT
        )
        assert cat.stdout is not None
        cat.stdout.close()
        cat.wait()
    assert proc.returncode == 0, proc.stderr
    peak = int(proc.stderr.split("maxrss ")[1])
    return proc.stdout, peak


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_import_from_a_pipe(tmp_path: Path, kind: str) -> None:
    """`cat FILE | tracker import -`, `tracker import /dev/stdin` and a FIFO:
    the same statements as from the file, in the same memory."""
    source = Tracker(str(tmp_path / "source.db"))
    fill(source, tmp_path, 40_000)
    exported = tmp_path / f"export.{kind}"
    source("export", "--format", kind, "-o", str(exported))

    def fresh(name: str) -> str:
        db = str(tmp_path / f"{name}.db")
        if kind == "csv":  # a JSON file brings its parties and issues
            setup_pair(Tracker(db))
        return db

    from_file, file_peak = _import_measured(fresh("file"), str(exported))
    assert from_file.startswith("Added 40,000 statements")
    for name, how in (("dash", "-"), ("stdin", "/dev/stdin")):
        db = fresh(name)
        out, peak = _import_measured(db, how, stdin=exported)
        assert out == from_file
        assert Tracker(db)("export", "--format", kind).stdout == exported.read_text("utf-8")
        assert peak < file_peak * 1.1 + 4096, (peak, file_peak)  # KiB
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(exported.read_bytes()))
    writer.start()
    db = fresh("fifo")
    assert run(db, "import", str(fifo)).stdout == from_file
    writer.join(TIMEOUT)


# --- control characters and a terminal --------------------------------------------------

HOSTILE = "clear\x1b[2J\x1b]0;owned\x07 back\rover \x9b31m c1"
RAW = ("\x1b", "\r", "\x9b", "\x07")


def _on_a_terminal(db: str, *args: str) -> str:
    """What `tracker ARGS` prints to a terminal (a pty, in raw mode so that
    the terminal adds no carriage returns of its own)."""
    import pty
    import tty

    master, slave = pty.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen(
        tracker_command(db, *args), stdout=slave, stderr=subprocess.PIPE, text=False
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    # Less tracker's own colours (the stances' in a table).
    return re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode("utf-8"))


def test_control_characters_never_reach_a_terminal(sqlite_db: str, tmp_path: Path) -> None:
    """Every format printed to a terminal shows control characters escaped;
    in a file, CSV keeps them verbatim (data round-trips) and JSON escapes
    C0 and C1."""
    tracker = Tracker(sqlite_db)
    tracker("party", "add", "ukraine", "--name", "Ukraine", "--kind", HOSTILE)
    tracker("issue", "add", "donbas", "--title", "Donbas")
    tracker("add", "ukraine", "donbas", "open", "-s", HOSTILE, "--date", "2025-11-30")
    # Names hold no control character today; an older database's may.
    with engine_for(sqlite_db) as engine, engine.begin() as conn:
        conn.execute(update(PARTY).values(name=f"Ukraine {HOSTILE}"))
        conn.execute(update(ISSUE).values(title=f"Donbas {HOSTILE}"))
    commands: list[tuple[str, ...]] = [
        ("log",),
        ("show", "1"),
        ("history", "ukraine", "donbas"),
        ("party", "list"),
        ("issue", "list"),
        ("diff", "2025-11-01", "2025-12-01"),
        ("report", "--as-of", "2025-12-01", "--detail"),
    ]
    for args in commands:
        for fmt in ("table", "markdown", "csv", "json"):
            shown = _on_a_terminal(sqlite_db, *args, "--format", fmt)
            assert not any(c in shown for c in RAW), (args, fmt, shown)
    for fmt in ("csv", "json"):
        shown = _on_a_terminal(sqlite_db, "export", "--format", fmt)
        assert "\\x1b[2J" in shown or "\\u001b[2J" in shown
        assert not any(c in shown for c in RAW), (fmt, shown)
    shown = _on_a_terminal(sqlite_db, "report", "--as-of", "2025-12-01", "--format", "html")
    assert not any(c in shown for c in RAW)
    # In files: CSV verbatim, JSON escaped; both import back to the same text.
    csv_file, json_file = tmp_path / "out.csv", tmp_path / "out.json"
    tracker("export", "--format", "csv", "-o", str(csv_file))
    tracker("export", "-o", str(json_file))
    assert HOSTILE in csv_file.read_bytes().decode("utf-8")
    raw_json = json_file.read_text("utf-8")
    assert not any(c in raw_json for c in RAW) and "\\u009b" in raw_json
    assert json.loads(raw_json)["statements"][0]["summary"] == HOSTILE
    piped = subprocess.run(
        tracker_command(sqlite_db, "log", "--format", "csv"), capture_output=True
    )
    assert HOSTILE in piped.stdout.decode("utf-8")  # a pipe: verbatim


# --- a backup after concurrent writers, restored on every backend -------------------

ADDER = r"""
import sys
from tracker.cli import cli
db, worker = sys.argv[1], sys.argv[2]
for n in range(25):
    try:
        cli.main(["--db", db, "add", "ukraine", "donbas", "open", "-s", f"{worker} {n}",
                  "--date", "2025-11-30"])
    except SystemExit as exit:
        assert exit.code == 0, exit.code
"""


def test_backup_after_concurrent_writers_restores_every_id(
    tracker: Tracker, db: str, backend: str, tmp_path: Path
) -> None:
    """4 processes add statements at once (their ids and recorded_at need not
    agree in order); the backup, restored into an empty database on each
    backend, keeps every id and exports the very same file."""
    setup_pair(tracker)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, db, f"w{w}"], stderr=subprocess.PIPE, text=True
        )
        for w in range(4)
    ]
    for proc in workers:
        _, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err
    tracker("retract", "7", "--reason", "wrong")
    original = tracker("export").stdout
    backup = tmp_path / "backup.json"
    if backend == "sqlite":  # its backup is a copy of the file: restore the JSON export
        backup.write_text(original, encoding="utf-8")
    else:
        tracker("db", "backup", str(backup))
    by_id = {s["id"]: s for s in json.loads(original)["statements"]}
    targets: list[contextlib.AbstractContextManager[str]] = [
        contextlib.nullcontext(str(tmp_path / "restored.db"))
    ]
    targets += [server_database(b) for b in ("postgresql", "mysql") if server_url(b) is not None]
    for target in targets:
        with target as restored_db:
            restored = Tracker(restored_db)
            restored("import", str(backup))
            assert restored("export").stdout == original
            for statement_id in (1, 7, 50, 100):
                shown = json.loads(restored("show", str(statement_id), "-f", "json").stdout)
                assert shown == by_id[statement_id]
            added = restored("add", "ukraine", "donbas", "open", "-s", "after", "-f", "json")
            assert json.loads(added.stdout)["id"] == 101


# --- deadlocks and races between two imports ------------------------------------------


def test_concurrent_imports_that_create_the_same_names(db: str, tmp_path: Path) -> None:
    """Two `import --create-missing` of one file at the same moment, naming
    parties and issues neither has: on MariaDB one was aborted as a deadlock,
    elsewhere one found a party created meanwhile. Each such transaction is
    run again: both succeed, and every statement is there once."""
    for round_ in range(3):
        path = tmp_path / f"names-{round_}.csv"
        rows = [f"r{round_}-p{n},r{round_}-i{n % 5},open,2025-11-20,row {n}" for n in range(20)]
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        procs = [start(db, "import", "--create-missing", str(path)) for _ in range(2)]
        outs = []
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT)
            assert proc.returncode == 0, err
            outs.append(out)
        assert sorted(o.split(";")[0].split(".")[0] for o in outs) == [
            "Added 0 statements",
            "Added 20 statements",
        ], outs
    assert count(db) == 60 and count(db, "party") == 60
