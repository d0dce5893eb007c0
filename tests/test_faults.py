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
import os
import signal
import sqlite3
import stat
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import TIMEOUT, Tracker, setup_pair, start, tracker_command

pytestmark = pytest.mark.slow
HEADER = "party,issue,stance,stated_on,summary"


def run(db: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        tracker_command(db, *args), capture_output=True, text=True, input=input, timeout=TIMEOUT
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


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str) -> Iterator[Path]:
    """A folder on a tmpfs of `size`: a disk that fills up. Needs root."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# --- -o: devices, pipes, symlinks, two writers ----------------------------------------


def test_output_to_devices_is_written_not_replaced(seeded: Tracker, tmp_path: Path) -> None:
    """`-o /dev/null` and `/dev/stdout` are written to and stay what they
    were; `/dev/full` fails with ENOSPC, named, exit 1."""
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


def test_output_to_a_fifo(seeded: Tracker, tmp_path: Path) -> None:
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


def test_output_through_a_symlink(seeded: Tracker, tmp_path: Path) -> None:
    """A symlink stays a link; the file it points to gets the output,
    atomically (a scratch file beside it, renamed)."""
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


def test_two_writers_of_one_output_file(tracker: Tracker, db: str, tmp_path: Path) -> None:
    """Two exports to the same file at the same moment: both succeed, and the
    file is one whole export, never a mix or a half."""
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


def test_backup_onto_a_full_disk(seeded: Tracker, backend: str, tmp_path: Path) -> None:
    with small_disk(tmp_path, "16k") as disk:
        target = disk / "backup.out"
        done = run(seeded.db, "db", "backup", str(target))
        assert done.returncode == 1
        assert done.stderr.startswith(f"Error: cannot write the backup {target}: "), done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert list(disk.iterdir()) == []
        done = run(seeded.db, "export", "-o", str(disk / "export.json"))
        assert done.returncode == 1
        assert done.stderr.startswith("Error: No space left on device"), done.stderr
        assert list(disk.iterdir()) == []
