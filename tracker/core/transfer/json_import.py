"""A JSON import: the catalog (parties and issues) first, then the statements,
read as a stream (`jsonstream`) so that memory stays flat at a million, then
the drafts."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from sqlalchemy.orm import Session

from tracker.core import jsonstream
from tracker.core.transfer.catalog_in import import_issues, import_parties
from tracker.core.transfer.drafts_io import import_drafts
from tracker.core.transfer.parse import Names
from tracker.core.transfer.people_in import import_people
from tracker.core.transfer.pipeline import import_statements
from tracker.core.transfer.rows import json_rows
from tracker.core.types import ImportResult
from tracker.errors import ImportFailed

TOP_LEVEL = ("parties", "issues", "people", "statements", "drafts")
# What `tracker read --format json` adds around its statements: taken, and ignored.
READER_KEYS = ("title", "date", "source", "unknown")


def import_json(
    session: Session,
    stream: IO[str],
    create_missing: bool,
    result: ImportResult,
    progress: Callable[[int], None] | None,
) -> None:
    """A JSON file, read as a stream (`jsonstream`): parties and issues are
    imported first, then the statements one at a time as they are read. In
    a file whose `statements` come before its `parties` or `issues` (JSON
    keys have no order), the statements are kept in a temporary file until
    the rest has been read."""
    reader = jsonstream.Reader(stream)
    catalog_doc: dict[str, Any] = {}

    def statements_from(elements: Iterable[Any], count: Callable[[int], None] | None) -> None:
        import_parties(session, catalog_doc.get("parties", []), result)
        import_issues(session, catalog_doc.get("issues", []), result)
        import_people(session, catalog_doc.pop("people", []), result)
        import_statements(
            session,
            json_rows(elements),
            lambda n: f"statements[{n}]",
            Names(session, create_missing, result),
            result,
            count,
        )

    seen: set[str] = set()
    spool: IO[str] | None = None
    with contextlib.ExitStack() as cleanup:
        try:
            for name, value in jsonstream.members(reader, lambda k: k == "statements"):
                if name in READER_KEYS:
                    continue
                if name not in TOP_LEVEL:
                    raise ImportFailed(
                        f"unknown top-level key {name!r}: use {', '.join(TOP_LEVEL)}"
                    )
                if name in seen:
                    raise ImportFailed(f"top-level key {name!r} appears twice")
                seen.add(name)
                if name != "statements":
                    if not isinstance(value, list):
                        raise ImportFailed(f"{name} must be a list")
                    catalog_doc[name] = value
                    if name == "people" and "statements" in seen and spool is None:
                        # People refer to parties only: after the statements is as good.
                        import_people(session, catalog_doc.pop("people"), result)
                elif not isinstance(value, Iterator):
                    raise ImportFailed("statements must be a list")
                elif {"parties", "issues"} <= seen:
                    statements_from(value, progress)
                else:
                    spool = cleanup.enter_context(tempfile.TemporaryFile("w+", encoding="ascii"))
                    for element in value:
                        spool.write(json.dumps(element) + "\n")  # ASCII: any text survives
            if spool is not None:
                spool.seek(0)
                statements_from((json.loads(line) for line in spool), None)
            elif "statements" not in seen:
                statements_from((), None)  # parties and issues only
            if "drafts" in catalog_doc:  # they name parties and issues: last
                import_drafts(session, catalog_doc.pop("drafts"), result)
        except json.JSONDecodeError as err:
            raise ImportFailed(
                f"line {err.lineno}, column {err.colno}: bad JSON: {err.msg}"
            ) from None
        except jsonstream.NotAnObject:
            raise ImportFailed(
                "a JSON import is an object with parties, issues and statements"
            ) from None
