"""A JSON import: the catalog (parties and issues) first, then the statements,
read as a stream (`jsonstream`) so that memory stays flat at a million."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core import catalog, jsonstream
from tracker.core.transfer.parse import ImportResult, Names
from tracker.core.transfer.pipeline import import_statements
from tracker.core.transfer.rows import json_rows
from tracker.db.schema import ISSUE, PARTY
from tracker.errors import ImportFailed, TrackerError

TOP_LEVEL = ("parties", "issues", "statements")
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
        import_catalog(session, catalog_doc, result)
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
        except json.JSONDecodeError as err:
            raise ImportFailed(
                f"line {err.lineno}, column {err.colno}: bad JSON: {err.msg}"
            ) from None
        except jsonstream.NotAnObject:
            raise ImportFailed(
                "a JSON import is an object with parties, issues and statements"
            ) from None


def import_catalog(session: Session, doc: dict[str, Any], result: ImportResult) -> None:
    existing_parties = set(session.scalars(select(PARTY.c.slug)))
    for n, p in enumerate(doc.get("parties", [])):
        where = f"parties[{n}]"
        if not isinstance(p, dict) or not isinstance(p.get("slug"), str):
            raise ImportFailed(f"{where}: a party needs a slug")
        if p["slug"] in existing_parties:
            continue
        aliases = p.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ImportFailed(f"{where}, aliases: a list of names")
        try:
            catalog.add_party(
                session,
                p["slug"],
                p.get("name") or "",
                p.get("kind"),
                aliases,
                p.get("description"),
            )
        except TrackerError as err:
            raise ImportFailed(f"{where}: {err}") from None
        existing_parties.add(p["slug"])
        result.parties_created.append(p["slug"])
    existing_issues = set(session.scalars(select(ISSUE.c.slug)))
    for n, i in enumerate(doc.get("issues", [])):
        where = f"issues[{n}]"
        if not isinstance(i, dict) or not isinstance(i.get("slug"), str):
            raise ImportFailed(f"{where}: an issue needs a slug")
        if i["slug"] in existing_issues:
            continue
        try:
            catalog.add_issue(
                session,
                i["slug"],
                i.get("title") or "",
                i.get("proposition"),
                i.get("description"),
            )
        except TrackerError as err:
            raise ImportFailed(f"{where}: {err}") from None
        existing_issues.add(i["slug"])
        result.issues_created.append(i["slug"])
