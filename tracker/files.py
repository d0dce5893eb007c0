"""Writing files so that a failure never leaves half of one behind.

A regular file is written beside itself under a name no other writer uses
(`.NAME.<pid>.<random>.partial`) and renamed onto its name once complete, so
two writers of the same file never mix their bytes, and a failure leaves the
old file as it was. A symlink is written through: the file it points to is
replaced, atomically there, and the link stays a link. Anything else (a
terminal, a pipe, `/dev/null`, `/dev/full`) is written to directly, and its
errors are reported. A scratch file left by a process that was killed is
removed by the next write to the same file.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tracker.errors import TrackerError

# The signals that end tracker through its cleanup (see `tracker.cli.main`).
_CAUGHT = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
# What SQLite may leave beside a scratch database (`db backup` of SQLite).
_SCRATCH_COMPANIONS = ("-journal", "-wal", "-shm")


def final_target(path: Path) -> Path:
    """Where writing `path` lands: the file at the end of its symlinks."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if a.exists() and b.exists() and a.samefile(b):
            return True
    return os.path.realpath(a) == os.path.realpath(b)


def refuse_database(path: Path, database: Path | None) -> None:
    """Refuses to write `path` if it is the SQLite database `database`, or one
    of the files SQLite keeps beside it (-wal, -shm, -journal)."""
    if database is None:
        return
    if _same_file(path, database):
        raise TrackerError(f"{path} is the database itself: write to another file")
    for suffix in ("-wal", "-shm", "-journal"):
        if _same_file(path, Path(f"{database}{suffix}")):
            raise TrackerError(
                f"{path} is the {suffix[1:]} file of the database {database}: write to another file"
            )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_scratch(target: Path) -> None:
    """Removes scratch files beside `target` left by writers that are gone
    (killed): each names its process, and only those of dead processes go."""
    pattern = re.compile(
        re.escape(f".{target.name}.") + r"(\d+)\.[^.]+\.partial(?:-journal|-wal|-shm)?"
    )
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            found = pattern.fullmatch(entry.name)
            if found and not _pid_alive(int(found[1])):
                entry.unlink(missing_ok=True)


def _new_file_mode(existing: Path) -> int:
    """The mode the written file gets: the replaced file's, else the usual
    one for a new file (0666 less the umask)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(existing.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def written_beside(target: Path) -> Iterator[Path]:
    """A scratch path beside `target` to write to: renamed onto `target` when
    the block succeeds (atomically: same folder), removed when it fails. A
    symlink `target` is replaced at the file it points to."""
    final = final_target(target)
    remove_stale_scratch(final)
    # Ctrl-C or a `kill` between creating the file and knowing its name would
    # leave it: they wait until the cleanup below is in place.
    caught = signal.pthread_sigmask(signal.SIG_BLOCK, _CAUGHT)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{final.name}.{os.getpid()}.", suffix=".partial", dir=final.parent
        )
        os.close(fd)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, caught)
        raise
    scratch = Path(name)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, caught)
        yield scratch
        scratch.chmod(_new_file_mode(final))
        scratch.replace(final)
    finally:
        for suffix in ("", *_SCRATCH_COMPANIONS):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)


def is_special(path: Path) -> bool:
    """Whether `path` exists and is not a regular file (after its symlinks):
    a device, a pipe, a socket. Such a file is written to, never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def atomic_output(path: Path, database: Path | None = None) -> Iterator[IO[str]]:
    """A text file written beside `path` and renamed onto it once complete, so
    a failure part way leaves no half-written file (and any old one intact).
    A device or pipe is written directly. `database`: a SQLite database
    file that must not be overwritten (nor its -wal/-shm files)."""
    if not path.name:
        raise TrackerError(f"{str(path)!r} names no file: name the file to write")
    refuse_database(path, database)
    if is_special(path):
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                yield out
        except OSError as err:  # /dev/full: name the file the error is about
            if err.filename is not None:
                raise
            raise OSError(err.errno, err.strerror, str(path)) from None
        return
    if path.is_dir():
        raise TrackerError(f"{path} is a folder: name a file to write")
    folder = final_target(path).parent
    if not folder.is_dir():
        raise TrackerError(f"cannot write {path}: folder {folder} does not exist")
    with written_beside(path) as scratch, scratch.open("w", encoding="utf-8", newline="") as out:
        yield out
