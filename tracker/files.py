"""Writing files so that a failure never leaves half of one behind."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tracker.errors import TrackerError


@contextlib.contextmanager
def written_beside(target: Path) -> Iterator[Path]:
    """A scratch path beside `target` to write to: renamed onto `target` when
    the block succeeds (atomically: same folder), removed when it fails."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """A text file written beside `path` and renamed onto it once complete, so
    a failure part way leaves no half-written file (and any old one intact)."""
    folder = path.parent
    if not folder.is_dir():
        raise TrackerError(f"cannot write {path}: folder {folder} does not exist")
    with written_beside(path) as scratch, scratch.open("w", encoding="utf-8", newline="") as out:
        yield out
