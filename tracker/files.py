"""Writing files so that a failure never leaves half of one behind."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


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
