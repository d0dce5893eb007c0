"""Import and export: the whole database as JSON, statements as CSV.

Import is all-or-nothing (the caller's one transaction), streams CSV files,
and inserts through Core in chunks; a statement already present (same
content, see `fingerprint`) is skipped, so importing a file twice adds
nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tracker.core import catalog
from tracker.core.names import SLUG_RE, key, party_names
from tracker.core.statements import (
    check_basis,
    clean_text,
    fingerprint,
    recorder,
    statement_select,
    to_view,
)
from tracker.dates import check_statement_date, utcnow
from tracker.errors import ImportFailed, Invalid, TrackerError
from tracker.schema import ISSUE, NAME_LENGTH, PARTY, STATEMENT
from tracker.stance import parse_stance

CHUNK = 5_000
REQUIRED = ("party", "issue", "stance", "stated_on", "summary")
OPTIONAL = (
    "quote", "speaker", "source", "basis", "conditions",
    "recorded_at", "recorded_by", "retracted_at", "retraction_reason",
)  # fmt: skip
IGNORED = ("id", "score")  # written by export, derived on import
# A CSV field may be as long as the longest text a statement may hold.
csv.field_size_limit(10 * 1024 * 1024)


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    parties_created: list[str] = field(default_factory=list)
    issues_created: list[str] = field(default_factory=list)


class RowError(Exception):
    def __init__(self, column: str, why: str) -> None:
        super().__init__(why)
        self.column = column
        self.why = why


# --- reading rows ----------------------------------------------------------


def _parse_instant(value: Any, column: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise RowError(column, f"bad date-time {value!r}: use ISO 8601") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _text(row: dict[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(column, f"expected text, got {type(value).__name__}")
    try:
        return clean_text(value, column)
    except Invalid as err:
        raise RowError(column, str(err)) from None


def _name(row: dict[str, Any], column: str) -> str | None:
    value = _text(row, column)
    if value is not None and len(value) > NAME_LENGTH:
        raise RowError(column, f"{len(value)} characters long; at most {NAME_LENGTH} are allowed")
    return value


def _stance(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and -2 <= value <= 2:
        return value
    if not isinstance(value, str) or not value.strip():
        raise RowError("stance", "missing stance")
    try:
        return parse_stance(value)
    except ValueError as err:
        raise RowError("stance", str(err)) from None


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not value.strip():
        raise RowError("stated_on", "missing date")
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RowError("stated_on", f"bad date {value!r}: use YYYY-MM-DD") from None
    try:
        return check_statement_date(day)
    except ValueError as err:
        raise RowError("stated_on", str(err)) from None


@dataclass(frozen=True, slots=True)
class Row:
    party: str
    issue: str
    score: int
    stated_on: dt.date
    text: dict[str, str | None]
    basis: str
    recorded_at: dt.datetime | None
    recorded_by: str | None
    retracted_at: dt.datetime | None
    retraction_reason: str | None


def parse_row(raw: dict[str, Any]) -> Row:
    party = _text(raw, "party")
    if party is None:
        raise RowError("party", "missing party")
    issue = _text(raw, "issue")
    if issue is None:
        raise RowError("issue", "missing issue")
    score = _stance(raw.get("stance"))
    stated_on = _date(raw.get("stated_on"))
    texts = {f: _text(raw, f) for f in ("summary", "quote", "speaker", "source", "conditions")}
    if texts["summary"] is None:
        raise RowError("summary", "missing summary")
    try:
        basis = check_basis(_text(raw, "basis"))
    except Invalid as err:
        raise RowError("basis", str(err)) from None
    retracted_at = _parse_instant(raw.get("retracted_at"), "retracted_at")
    reason = _text(raw, "retraction_reason")
    if retracted_at is not None and reason is None:
        raise RowError("retraction_reason", "a retracted statement needs a retraction_reason")
    if retracted_at is None and reason is not None:
        raise RowError("retracted_at", "a retraction_reason without retracted_at")
    return Row(
        party=party,
        issue=issue,
        score=score,
        stated_on=stated_on,
        text=texts,
        basis=basis,
        recorded_at=_parse_instant(raw.get("recorded_at"), "recorded_at"),
        recorded_by=_name(raw, "recorded_by"),
        retracted_at=retracted_at,
        retraction_reason=reason,
    )


def _csv_rows(stream: IO[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    from tracker.render import unescape_formula

    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if header is None:
        raise ImportFailed("the file is empty")
    header = [h.strip() for h in header]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed(
            f"line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(header)})"
        )
    unknown = [c for c in header if c not in (*REQUIRED, *OPTIONAL, *IGNORED)]
    if unknown:
        raise ImportFailed(
            f"line 1: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join((*REQUIRED, *OPTIONAL))})"
        )
    if len(set(header)) != len(header):
        raise ImportFailed("line 1: a column appears twice in the header")
    for raw in reader:
        if None in raw:
            raise ImportFailed(f"line {reader.line_num}: more fields than the header has columns")
        # Undo export's escaping of cells a spreadsheet would run as formulas.
        yield (
            f"line {reader.line_num}",
            {k: unescape_formula(v) if isinstance(v, str) else v for k, v in raw.items()},
        )


# --- names -----------------------------------------------------------------


class Names:
    """Every name of every party (slug, alias, name) and issue (slug, title),
    case-folded, to its id; created on demand with --create-missing."""

    def __init__(self, session: Session, create_missing: bool, result: ImportResult) -> None:
        self.session = session
        self.create_missing = create_missing
        self.result = result
        self.parties: dict[str, tuple[int, str]] = {}
        self.issues: dict[str, tuple[int, str]] = {}
        self.missing_parties: dict[str, None] = {}
        self.missing_issues: dict[str, None] = {}
        self.reload()

    def reload(self) -> None:
        self.parties = party_names(self.session)
        for i in self.session.execute(select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title)):
            self.issues.setdefault(i.slug, (i.id, i.slug))
            self.issues.setdefault(key(i.title), (i.id, i.slug))

    def party(self, name: str) -> tuple[int, str] | None:
        found = self.parties.get(key(name))
        if found is not None:
            return found
        if not self.create_missing:
            self.missing_parties[name] = None
            return None
        view = catalog.add_party(self.session, slugify(name, "party"), name.strip())
        self.result.parties_created.append(view.slug)
        self.reload()
        return self.parties[view.slug]

    def issue(self, name: str) -> tuple[int, str] | None:
        found = self.issues.get(key(name))
        if found is not None:
            return found
        if not self.create_missing:
            self.missing_issues[name] = None
            return None
        view = catalog.add_issue(self.session, slugify(name, "issue"), name.strip())
        self.result.issues_created.append(view.slug)
        self.reload()
        return self.issues[view.slug]

    def check_complete(self) -> None:
        problems = []
        if self.missing_parties:
            problems.append(f"unknown parties: {', '.join(self.missing_parties)}")
        if self.missing_issues:
            problems.append(f"unknown issues: {', '.join(self.missing_issues)}")
        if problems:
            raise ImportFailed(
                f"{'; '.join(problems)} (add them first, or import with --create-missing)"
            )


def slugify(name: str, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:64].strip("-")
    if not SLUG_RE.fullmatch(slug):
        raise RowError(kind, f"cannot make a slug from {name!r}: add the {kind} first")
    return slug


# --- importing -------------------------------------------------------------


class _Inserter:
    """Buffers statements and writes them in chunks, skipping any whose content
    was in the database before this import began. Identical statements inside
    one file are all kept (as an export of a database that has them writes
    them), so export-then-import gives back the same database."""

    def __init__(self, session: Session, result: ImportResult) -> None:
        self.session = session
        self.result = result
        self.buffer: list[dict[str, Any]] = []
        self.now = utcnow()
        self.user = recorder()
        self.last_before = session.scalar(select(func.max(STATEMENT.c.id))) or 0

    def add(self, row: Row, party: tuple[int, str], issue: tuple[int, str]) -> None:
        t = row.text
        fp = fingerprint(
            party[1],
            issue[1],
            row.score,
            row.stated_on,
            t["summary"] or "",
            t["quote"],
            t["speaker"],
            t["source"],
            row.basis,
            t["conditions"],
        )
        self.buffer.append(
            {
                "party_id": party[0],
                "issue_id": issue[0],
                "score": row.score,
                "stated_on": row.stated_on,
                **t,
                "basis": row.basis,
                "recorded_at": row.recorded_at or self.now,
                "recorded_by": row.recorded_by or self.user,
                "retracted_at": row.retracted_at,
                "retraction_reason": row.retraction_reason,
                "fingerprint": fp,
            }
        )
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        fingerprints = list({r["fingerprint"] for r in self.buffer})
        present = set(
            self.session.scalars(
                select(STATEMENT.c.fingerprint).where(
                    STATEMENT.c.fingerprint.in_(fingerprints),
                    STATEMENT.c.id <= self.last_before,
                )
            )
        )
        rows = [r for r in self.buffer if r["fingerprint"] not in present]
        self.result.skipped += len(self.buffer) - len(rows)
        if rows:
            self.session.execute(insert(STATEMENT), rows)
            self.result.added += len(rows)
        self.buffer.clear()


def _import_statements(
    session: Session,
    rows: Iterable[tuple[str, dict[str, Any]]],
    names: Names,
    result: ImportResult,
    progress: Callable[[], None] | None = None,
) -> None:
    inserter = _Inserter(session, result)
    where = "the file"
    try:
        for position, raw in rows:
            where = position
            row = parse_row(raw)
            party = names.party(row.party)
            issue = names.issue(row.issue)
            if (
                party is not None
                and issue is not None
                and not names.missing_parties
                and not names.missing_issues
            ):
                inserter.add(row, party, issue)
            if progress is not None:
                progress()
        names.check_complete()
        inserter.flush()
    except RowError as err:
        raise ImportFailed(f"{where}, column {err.column}: {err.why}") from None
    except TrackerError as err:
        if isinstance(err, ImportFailed):
            raise
        raise ImportFailed(f"{where}: {err}") from None


def _json_document(stream: IO[str]) -> dict[str, Any]:
    try:
        doc = json.load(stream)
    except json.JSONDecodeError as err:
        raise ImportFailed(f"line {err.lineno}, column {err.colno}: bad JSON: {err.msg}") from None
    if not isinstance(doc, dict):
        raise ImportFailed("a JSON import is an object with parties, issues and statements")
    unknown = set(doc) - {"parties", "issues", "statements"}
    if unknown:
        raise ImportFailed(f"unknown top-level key(s) {', '.join(sorted(unknown))}")
    for name in ("parties", "issues", "statements"):
        if not isinstance(doc.get(name, []), list):
            raise ImportFailed(f"{name} must be a list")
    return doc


def _import_catalog(session: Session, doc: dict[str, Any], result: ImportResult) -> None:
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


def _json_rows(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for n, raw in enumerate(doc.get("statements", [])):
        if not isinstance(raw, dict):
            raise ImportFailed(f"statements[{n}]: a statement is an object")
        yield f"statements[{n}]", raw


def detect_format(path: Path, head: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if head.lstrip().startswith("{") else "csv"


def import_file(
    session: Session,
    path: Path,
    create_missing: bool = False,
    progress: Callable[[], None] | None = None,
) -> ImportResult:
    """Import a JSON or CSV file into the session's transaction."""
    result = ImportResult()
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            head = stream.read(4096)
            if not head.strip():
                raise ImportFailed(f"{path} is empty")
            stream.seek(0)
            if detect_format(path, head) == "json":
                doc = _json_document(stream)
                _import_catalog(session, doc, result)
                names = Names(session, create_missing, result)
                _import_statements(session, _json_rows(doc), names, result, progress)
            else:
                names = Names(session, create_missing, result)
                _import_statements(session, _csv_rows(stream), names, result, progress)
    except UnicodeDecodeError as err:
        raise ImportFailed(
            f"{path} is not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset "
            f"{err.start} of a block); save it as UTF-8"
        ) from None
    except csv.Error as err:
        raise ImportFailed(f"{path}: bad CSV: {err}") from None
    return result


# --- exporting -------------------------------------------------------------


def _statements_in_recorded_order(session: Session) -> Iterator[Any]:
    query = statement_select().order_by(STATEMENT.c.recorded_at, STATEMENT.c.id)
    for row in session.execute(query.execution_options(yield_per=2_000)):
        yield to_view(row)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def export_json(session: Session, out: IO[str]) -> int:
    """Streams the database as one JSON document; returns the statement count."""
    parties = [p.to_json() for p in catalog.list_parties(session)]
    issues = [i.to_json() for i in catalog.list_issues(session)]
    out.write('{\n  "parties": [')
    out.write(",".join("\n    " + _dump(p) for p in parties))
    out.write('\n  ],\n  "issues": [')
    out.write(",".join("\n    " + _dump(i) for i in issues))
    out.write('\n  ],\n  "statements": [')
    count = 0
    for view in _statements_in_recorded_order(session):
        out.write(("," if count else "") + "\n    " + _dump(view.to_json()))
        count += 1
    out.write("\n  ]\n}\n")
    return count


def export_csv(session: Session, out: IO[str], *, escape_formulas: bool = True) -> int:
    from tracker.render import STATEMENT_FIELDS, statement_row, write_csv

    rows = (statement_row(v) for v in _statements_in_recorded_order(session))
    return write_csv(out, STATEMENT_FIELDS, rows, escape_formulas=escape_formulas)
