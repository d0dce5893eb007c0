"""An import's statements, from rows to the database: each row parsed, each
refusal named by where it stands in the file, the rows written in chunks.
All or nothing: the first bad row stops the import, and the caller's one
transaction is rolled back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from tracker.core.transfer.parse import Names, Parser
from tracker.core.transfer.rows import ID, RowError
from tracker.core.transfer.writer import Writer
from tracker.core.types import ImportResult
from tracker.errors import Conflict, ImportFailed, TrackerError


def import_statements(
    session: Session,
    rows: Iterable[tuple[int, tuple[Any, ...]]],
    where: Callable[[int], str],
    names: Names,
    result: ImportResult,
    progress: Callable[[int], None] | None = None,
    from_csv: bool = False,
    unescape: bool = True,
) -> None:
    """`rows`: (position, values) pairs; `where` names a position in messages
    ("line 7", "statements[6]"). `progress`, if given, is called after each
    chunk with how far the import has got (what `rows` counts it in: bytes
    for a file, rows for a list)."""
    writer = Writer(session, result)
    parse = Parser(session, names, from_csv, unescape)
    position = -1
    first_unknown: int | None = None
    try:
        for position, values in rows:
            row = parse(values)
            if row is None:  # an unknown party or issue: named at the end, with the rest
                if first_unknown is None:
                    first_unknown = position
            elif names.complete:
                writer.add(row, values[ID], position)
                if progress is not None and not writer.buffer:
                    progress(position)
        if first_unknown is not None:
            names.check_complete(where(first_unknown))
        writer.finish()
    except RowError as err:
        if err.position is not None:
            position = err.position
        at = where(position) if position >= 0 else "the file"
        raise ImportFailed(f"{at}, column {err.column}: {err.why}") from None
    except TrackerError as err:
        if isinstance(err, ImportFailed | Conflict):
            raise
        at = where(position) if position >= 0 else "the file"
        raise ImportFailed(f"{at}: {err}") from None
