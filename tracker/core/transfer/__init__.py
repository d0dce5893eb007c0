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

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from tracker.core.transfer.export import export_csv, export_json
from tracker.core.transfer.json_import import import_json
from tracker.core.transfer.parse import ImportResult, Names
from tracker.core.transfer.pipeline import import_statements
from tracker.core.transfer.rows import csv_rows
from tracker.core.transfer.writer import CHUNK, after_bulk_import
from tracker.errors import ImportFailed

__all__ = [
    "CHUNK",
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


def import_file(
    session: Session,
    path: Path,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    unescape_formulas: bool = True,
) -> ImportResult:
    """Import a JSON or CSV file into the session's transaction, read as a
    stream. `progress`, if given, is called now and then with (done, total),
    in bytes of the file. `unescape_formulas`: a CSV file's text cells may
    carry export's formula escaping, to take off (False: as written)."""
    result = ImportResult()
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as stream:
            head = stream.read(4096)
            if not head.strip():
                raise ImportFailed(f"{path} is empty")
            stream.seek(0)
            size = os.fstat(raw.fileno()).st_size
            if detect_format(path, head) == "json":
                import_json(
                    session,
                    stream,
                    create_missing,
                    result,
                    None if progress is None else lambda _: progress(raw.tell(), size),
                )
            else:
                names = Names(session, create_missing, result)
                import_statements(
                    session,
                    csv_rows(stream),
                    lambda n: f"line {n}",
                    names,
                    result,
                    None if progress is None else lambda _: progress(raw.tell(), size),
                    from_csv=True,
                    unescape=unescape_formulas,
                )
            if progress is not None:
                progress(size, size)
    except UnicodeDecodeError as err:
        raise ImportFailed(
            f"{path} is not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset "
            f"{err.start} of a block); save it as UTF-8"
        ) from None
    except csv.Error as err:
        raise ImportFailed(f"{path}: bad CSV: {err}") from None
    return result
