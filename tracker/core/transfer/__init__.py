"""Import and export: the whole database as JSON, statements as CSV.

An import is all-or-nothing (the caller's one transaction), reads its file
as a stream, and writes through Core in chunks; a statement already present
(same content: see `core.values.fingerprint_input`) is skipped, so importing
a file twice adds nothing the second time.

- `rows`: reading CSV records and JSON statements, and parsing their values;
- `parse`: rows to the statement rows stored, names resolved;
- `writer`: the bulk writer, and the upkeep after a large import;
- `pipeline`: the two together, each refusal named by its place in the file;
- `json_import`: a JSON document, its catalog first;
- `export`: the database out again, as JSON or CSV.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from tracker.core.transfer.export import export_csv, export_json
from tracker.core.transfer.json_import import import_json
from tracker.core.transfer.parse import Names
from tracker.core.transfer.pipeline import import_statements
from tracker.core.transfer.rows import MAX_KEPT_ID, csv_rows
from tracker.core.transfer.writer import CHUNK, after_bulk_import
from tracker.core.types import ImportResult
from tracker.errors import ImportFailed

# What is read ahead to tell JSON from CSV when the name does not say.
HEAD_BYTES = 4096

__all__ = [
    "CHUNK",
    "MAX_KEPT_ID",
    "ImportResult",
    "after_bulk_import",
    "detect_format",
    "export_csv",
    "export_json",
    "import_file",
]


def detect_format(path: Path, head: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if head.lstrip().startswith("{") else "csv"


class _Replay(io.RawIOBase):
    """A binary stream that gives `head` (already read, to tell the format)
    and then the rest of `source`: a pipe is read once, never sought."""

    def __init__(self, head: bytes, source: BinaryIO) -> None:
        super().__init__()
        self.head = head
        self._read = _reader(source)
        self.done = 0  # bytes given so far, for the progress bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
        else:
            data = self._read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.done += n
        return n


def _reader(source: BinaryIO) -> Callable[[int], bytes]:
    """`source`'s read that returns what is there (one read of a pipe), not
    what was asked for."""
    read: Callable[[int], bytes] = getattr(source, "read1", source.read)
    return read


def _read_head(source: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes from the start of `source`, fewer only at its end
    (a pipe hands them over a few at a time)."""
    read = _reader(source)
    head = b""
    while len(head) < size:
        data = read(size - len(head))
        if not data:
            break
        head += data
    return head


def import_file(
    session: Session,
    path: Path,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    unescape_formulas: bool = True,
) -> ImportResult:
    """Import a JSON or CSV file into the session's transaction, read as a
    stream: a file, or a pipe, FIFO or standard input (`-`), read once from
    start to end. `progress`, if given, is called now and then with (done,
    total), in bytes of the file (a file only: a pipe's size is unknown).
    `unescape_formulas`: a CSV file's text cells may carry export's formula
    escaping, to take off (False: as written)."""
    result = ImportResult()
    name = "standard input" if str(path) == "-" else str(path)
    with contextlib.ExitStack() as stack:
        if str(path) == "-":
            source: BinaryIO = sys.stdin.buffer
        else:
            source = stack.enter_context(path.open("rb"))
        try:
            size: int | None = os.fstat(source.fileno()).st_size
            if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
                size = None
        except (OSError, ValueError):  # no file descriptor (a test's stdin)
            size = None
        if size is None:
            progress = None
        try:
            head = _read_head(source, HEAD_BYTES)
            replay = _Replay(head, source)
            stream = stack.enter_context(
                io.TextIOWrapper(io.BufferedReader(replay), "utf-8-sig", newline="")
            )
            text = head.decode("utf-8-sig", errors="ignore")
            if not text.strip():
                raise ImportFailed(f"{name} is empty")
            total = size or 0
            counted = None if progress is None else lambda _: progress(replay.done, total)
            if detect_format(path, text) == "json":
                import_json(session, stream, create_missing, result, counted)
            else:
                names = Names(session, create_missing, result)
                import_statements(
                    session,
                    csv_rows(stream),
                    lambda n: f"line {n}",
                    names,
                    result,
                    counted,
                    from_csv=True,
                    unescape=unescape_formulas,
                )
            if progress is not None:
                progress(total, total)
        except UnicodeDecodeError as err:
            raise ImportFailed(
                f"{name} is not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset "
                f"{err.start} of a block); save it as UTF-8"
            ) from None
        except csv.Error as err:
            raise ImportFailed(f"{name}: bad CSV: {err}") from None
    return result
