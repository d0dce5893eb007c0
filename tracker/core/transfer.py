"""Import and export: the whole database as JSON, statements as CSV.

Import is all-or-nothing (the caller's one transaction), streams CSV files,
and inserts through Core in chunks; a statement already present (same
content, see `fingerprint`) is skipped, so importing a file twice adds
nothing the second time.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Index, Table, func, insert, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from tracker.core import catalog, jsonstream
from tracker.core.names import SLUG_RE, key, party_names
from tracker.core.statements import (
    TEXT_LIMIT,
    check_basis,
    clean_text,
    fingerprint_input,
    fingerprint_of,
    recorder,
    statement_select,
    to_view,
)
from tracker.dates import check_statement_date, utcnow
from tracker.errors import DatabaseError, ImportFailed, Invalid, TrackerError
from tracker.render import unescape_formula
from tracker.schema import ISSUE, NAME_LENGTH, PARTY, STATEMENT
from tracker.stance import parse_stance

CHUNK = 5_000
REQUIRED = ("party", "issue", "stance", "stated_on", "summary")
OPTIONAL = (
    "quote", "speaker", "source", "basis", "conditions",
    "recorded_at", "recorded_by", "retracted_at", "retraction_reason",
)  # fmt: skip
COLUMNS = (*REQUIRED, *OPTIONAL)
IGNORED = ("id", "score")  # written by export, derived on import
# A CSV field may be as long as the longest text a statement may hold.
csv.field_size_limit(10 * 1024 * 1024)


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    parties_created: list[str] = field(default_factory=list)
    issues_created: list[str] = field(default_factory=list)


# --- reading rows ----------------------------------------------------------
#
# A row is read into a tuple in COLUMNS order (CSV: by the header's positions;
# JSON: by key), then turned into the values the database stores. This is the
# hot loop of a million-row import: values that repeat (dates, stances, names,
# bases) are parsed once and cached, and text is checked without copying it.


class RowError(Exception):
    def __init__(self, column: str, why: str) -> None:
        super().__init__(why)
        self.column = column
        self.why = why


def _parse_instant(value: Any, column: str) -> dt.datetime | None:
    if value is None or (type(value) is str and (not value or value.isspace())):
        return None
    if type(value) is not str:
        raise RowError(column, f"expected an ISO 8601 date-time, got {type(value).__name__}")
    try:
        moment = dt.datetime.fromisoformat(value.strip())
        # Without an offset it is UTC; with one, moving it to UTC may overflow.
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise RowError(column, f"bad date-time {value!r}: use ISO 8601") from None


def _text(value: Any, column: str) -> str | None:
    """Blank is absent; anything else is kept verbatim. NUL and lone surrogates
    are checked after (`_storable`), by the general path only: the fast path
    finds them on the fingerprint's text and falls back to it."""
    if value is None:
        return None
    if type(value) is not str:
        raise RowError(column, f"expected text, got {type(value).__name__}")
    if not value or value.isspace():
        return None
    if len(value) > TEXT_LIMIT:
        _storable(value, column)  # refuses it, in clean_text's words
    return value


def _csv_text(value: Any, column: str) -> str | None:
    """`_text` for a CSV cell: undoes export's escaping of text a spreadsheet
    would run as a formula (see `render.escape_formula`)."""
    if type(value) is str and value[:1] == "'":
        value = unescape_formula(value)
    return _text(value, column)


def _stance(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and -2 <= value <= 2:
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError("stance", "missing stance")
    if not isinstance(value, str):
        raise RowError(
            "stance", f"bad stance {value!r}: use a label (rejects .. demands) or -2 .. 2"
        )
    try:
        return parse_stance(value)
    except ValueError as err:
        raise RowError("stance", str(err)) from None


def _date(value: Any) -> dt.date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError("stated_on", "missing date")
    if not isinstance(value, str):
        raise RowError("stated_on", f"bad date {value!r}: use YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RowError("stated_on", f"bad date {value!r}: use YYYY-MM-DD") from None
    try:
        return check_statement_date(day)
    except ValueError as err:
        raise RowError("stated_on", str(err)) from None


def _basis(value: Any) -> str:
    try:
        return check_basis(_text(value, "basis"))
    except Invalid as err:
        raise RowError("basis", str(err)) from None


class _Cache(dict[Any, Any]):
    """Memoises a parser for values that repeat across rows (dates, stances)."""

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, value: Any) -> Any:
        parsed = self[value] = self.parse(value)
        return parsed

    def get_parsed(self, value: Any) -> Any:
        """For values that may not be text (JSON): only text is cached, since
        JSON's 1 and true are equal keys and a list is no key at all."""
        return self[value] if type(value) is str else self.parse(value)


def _csv_rows(stream: IO[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(line number, values in COLUMNS order); absent columns read as ""."""
    reader = csv.reader(stream)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFailed("the file is empty") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed(
            f"line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(header)})"
        )
    unknown = [c for c in header if c not in (*COLUMNS, *IGNORED)]
    if unknown:
        raise ImportFailed(
            f"line 1: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join(COLUMNS)})"
        )
    if len(set(header)) != len(header):
        raise ImportFailed("line 1: a column appears twice in the header")
    width = len(header)
    # Absent columns point one past the header, at the "" each row is padded with.
    pick = itemgetter(*(header.index(c) if c in header else width for c in COLUMNS))
    padding = [""] * (width + 1)
    end = reader.line_num
    for row in reader:
        # A record's first line (a quoted field may run over several).
        start, end = end + 1, reader.line_num
        if len(row) > width:
            raise ImportFailed(f"line {start}: more fields than the header has columns")
        if not row:
            continue
        if len(row) == width:
            row.append("")
        else:
            row += padding[len(row) :]
        yield start, pick(row)


def _json_rows(statements: Iterable[Any]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for n, raw in enumerate(statements):
        if not isinstance(raw, dict):
            raise ImportFailed(f"statements[{n}]: a statement is an object")
        yield n, tuple(raw.get(c) for c in COLUMNS)


# --- names -----------------------------------------------------------------


class Names:
    """Every name of every party (slug, alias, name) and issue (slug, title),
    case-folded, to (id, slug); created on demand with --create-missing."""

    def __init__(self, session: Session, create_missing: bool, result: ImportResult) -> None:
        self.session = session
        self.create_missing = create_missing
        self.result = result
        self.parties = party_names(session)
        self.issues: dict[str, tuple[int, str]] = {}
        for i in session.execute(select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title)):
            self.issues.setdefault(i.slug, (i.id, i.slug))
            self.issues.setdefault(key(i.title), (i.id, i.slug))
        # What each spelling in the file resolved to, so each is folded once.
        self.seen_parties: dict[str, tuple[int, str] | None] = {}
        self.seen_issues: dict[str, tuple[int, str] | None] = {}
        self.missing_parties: dict[str, None] = {}
        self.missing_issues: dict[str, None] = {}

    def party(self, name: str) -> tuple[int, str] | None:
        return self._find(
            name, self.seen_parties, self.parties, self.missing_parties, self._new_party
        )

    def issue(self, name: str) -> tuple[int, str] | None:
        return self._find(name, self.seen_issues, self.issues, self.missing_issues, self._new_issue)

    def _find(
        self,
        name: str,
        seen: dict[str, tuple[int, str] | None],
        known: dict[str, tuple[int, str]],
        missing: dict[str, None],
        create: Callable[[str], tuple[tuple[int, str], str]],
    ) -> tuple[int, str] | None:
        if name in seen:
            return seen[name]
        found = known.get(key(name))
        if found is None and not self.create_missing:
            missing[name] = None
        elif found is None:
            found, title = create(name)
            known[found[1]] = known[key(title)] = found
        seen[name] = found
        return found

    def _new_party(self, name: str) -> tuple[tuple[int, str], str]:
        view = catalog.add_party(self.session, slugify(name, "party"), name.strip())
        self.result.parties_created.append(view.slug)
        return (_id_of(self.session, PARTY, view.slug), view.slug), view.name

    def _new_issue(self, name: str) -> tuple[tuple[int, str], str]:
        view = catalog.add_issue(self.session, slugify(name, "issue"), name.strip())
        self.result.issues_created.append(view.slug)
        return (_id_of(self.session, ISSUE, view.slug), view.slug), view.title

    @property
    def complete(self) -> bool:
        return not self.missing_parties and not self.missing_issues

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


def _id_of(session: Session, table: Table, slug: str) -> int:
    found = session.scalar(select(table.c.id).where(table.c.slug == slug))
    assert found is not None
    return int(found)


def slugify(name: str, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:64].strip("-")
    if not SLUG_RE.fullmatch(slug):
        raise RowError(kind, f"cannot make a slug from {name!r}: add the {kind} first")
    return slug


# --- writing rows ----------------------------------------------------------

# The statement columns an import writes, in the order of `_Parser`'s tuples.
INSERT_COLUMNS = (
    "party_id", "issue_id", "score", "stated_on", "summary", "quote", "speaker",
    "source", "basis", "conditions", "recorded_at", "recorded_by", "retracted_at",
    "retraction_reason", "fingerprint",
)  # fmt: skip
TEXT_COLUMNS = ("summary", "quote", "speaker", "source", "conditions")


class _Parser:
    """Turns a row's values (COLUMNS order) into a statement row (INSERT_COLUMNS
    order) as the database driver takes it: dates and times go through
    SQLAlchemy's own bind processing for the dialect, once per distinct value."""

    def __init__(self, session: Session, names: Names, from_csv: bool, unescape: bool) -> None:
        dialect = session.get_bind().dialect
        self.names = names
        self.seen_parties, self.seen_issues = names.seen_parties, names.seen_issues
        self.from_csv = from_csv
        self.unescape = from_csv and unescape
        self.text = _csv_text if self.unescape else _text

        def processor(column: str) -> Callable[[Any], Any]:
            kind = STATEMENT.c[column].type
            process = kind.dialect_impl(dialect).bind_processor(dialect)
            return process if process is not None else (lambda value: value)

        to_day, to_moment = processor("stated_on"), processor("recorded_at")
        now = to_moment(utcnow())
        user = recorder()

        def day(raw: Any) -> tuple[str, Any]:
            parsed = _date(raw)
            return parsed.isoformat(), to_day(parsed)

        self.stances = _Cache(_stance)
        self.days = _Cache(day)
        self.bases = _Cache(_basis)
        self.to_moment = to_moment
        self.now, self.user = now, user

    def moment(self, raw: Any, column: str) -> Any:
        # Not cached: an exported file has a different recorded_at on every row.
        value = _parse_instant(raw, column)
        return None if value is None else self.to_moment(value)

    def __call__(self, v: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The row to write, or None when its party or issue is unknown (they
        are collected in `names`, and reported together at the end)."""
        if self.from_csv and not (v[10] or v[11] or v[12] or v[13]):
            return self._plain_csv_row(v)
        return self._row(v, self.text)

    def _plain_csv_row(self, v: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """`_row` for the common case, written for speed (a million rows): a CSV
        row without recorded_* or retraction columns. Every value is a str, so
        the checks are inlined; anything unusual (a blank required field, a
        leading apostrophe, text past the limit or unstorable) takes `_row`."""
        party_name, issue_name, stance, day, summary, quote, speaker, source, basis, conditions = v[
            :10
        ]
        if (
            not party_name
            or not issue_name
            or not summary
            or party_name[0] == "'"
            or issue_name[0] == "'"
            or party_name.isspace()
            or issue_name.isspace()
            or summary.isspace()
            or max(len(summary), len(quote), len(speaker), len(source), len(conditions))
            > TEXT_LIMIT
        ):
            return self._row(v, self.text)
        # The same checks in the same order as `_row`, so both name the same
        # column first.
        score = self.stances[stance]
        day_text, day_value = self.days[day]
        basis = self.bases[basis]
        party = self.seen_parties.get(party_name, _UNSEEN)
        if party is _UNSEEN:
            party = self.names.party(_required(party_name, "party", _text))
        issue = self.seen_issues.get(issue_name, _UNSEEN)
        if issue is _UNSEEN:
            issue = self.names.issue(_required(issue_name, "issue", _text))
        if party is None or issue is None:  # unknown: `_row` checks the rest, in its order
            return self._row(v, self.text)
        quote = quote if quote and not quote.isspace() else None
        speaker = speaker if speaker and not speaker.isspace() else None
        source = source if source and not source.isspace() else None
        conditions = conditions if conditions and not conditions.isspace() else None
        try:
            raw = fingerprint_input(
                party[1], issue[1], score, day_text, summary, quote, speaker, source, basis,
                conditions,
            )  # fmt: skip
            fp = fingerprint_of(raw)
        except ValueError:  # NUL or a lone surrogate: `_row` names the field
            return self._row(v, self.text)
        if len(raw) > TEXT_LIMIT or (self.unescape and "\0'" in raw):
            return self._row(v, self.text)
        return (
            party[0], issue[0], score, day_value, summary, quote, speaker, source, basis,
            conditions, self.now, self.user, None, None, fp,
        )  # fmt: skip

    def _row(
        self, v: tuple[Any, ...], text: Callable[[Any, str], str | None]
    ) -> tuple[Any, ...] | None:
        party_name = _required(v[0], "party", text)
        issue_name = _required(v[1], "issue", text)
        score = self.stances.get_parsed(v[2])
        day_text, day_value = self.days.get_parsed(v[3])
        summary = _required(v[4], "summary", text)
        quote = text(v[5], "quote")
        speaker = text(v[6], "speaker")
        source = text(v[7], "source")
        basis = self.bases.get_parsed(v[8])
        conditions = text(v[9], "conditions")
        texts = (summary, quote, speaker, source, conditions)
        for column, value in zip(TEXT_COLUMNS, texts, strict=True):
            _storable(value, column)
        recorded_at = self.moment(v[10], "recorded_at")
        if recorded_at is None:
            recorded_at = self.now
        recorded_by = text(v[11], "recorded_by") or self.user
        retracted_at = self.moment(v[12], "retracted_at")
        reason = text(v[13], "retraction_reason")
        if retracted_at is not None and reason is None:
            raise RowError("retraction_reason", "a retracted statement needs a retraction_reason")
        if retracted_at is None and reason is not None:
            raise RowError("retracted_at", "a retraction_reason without retracted_at")
        if v[11] or reason is not None:
            _storable(recorded_by, "recorded_by")
            _storable(reason, "retraction_reason")
            if len(recorded_by) > NAME_LENGTH:
                raise RowError(
                    "recorded_by",
                    f"{len(recorded_by)} characters long; at most {NAME_LENGTH} are allowed",
                )
        party = self.names.party(party_name)
        issue = self.names.issue(issue_name)
        if party is None or issue is None:
            return None
        raw = fingerprint_input(
            party[1], issue[1], score, day_text, summary, quote, speaker, source, basis, conditions
        )
        return (
            party[0], issue[0], score, day_value, summary, quote, speaker, source, basis,
            conditions, recorded_at, recorded_by, retracted_at, reason, fingerprint_of(raw),
        )  # fmt: skip


_UNSEEN: Any = object()


def _required(value: Any, column: str, text: Callable[[Any, str], str | None]) -> str:
    found = text(value, column)
    if found is None:
        raise RowError(column, f"missing {column}")
    return found


def _storable(value: str | None, column: str) -> None:
    try:
        clean_text(value, column)
    except Invalid as err:
        raise RowError(column, str(err)) from None


class _Writer:
    """Writes statement rows in chunks through the driver's executemany (COPY on
    PostgreSQL), skipping any whose content was in the database before this
    import began. Identical statements inside one file are all kept (as an
    export of a database that has them writes them), so export-then-import
    gives back the same database.

    Into an empty SQLite table the statement indexes are dropped and built again
    at the end, inside the same transaction: one sort instead of a million
    random B-tree inserts. A failure or a kill rolls that back with the rest.
    """

    def __init__(self, session: Session, result: ImportResult) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.result = result
        self.buffer: list[tuple[Any, ...]] = []
        self.last_before = session.scalar(select(func.max(STATEMENT.c.id))) or 0
        self.rebuild: list[Index] = []
        if self.dialect.name == "sqlite" and self.last_before == 0:
            self.rebuild = sorted(STATEMENT.indexes, key=lambda index: str(index.name))
            for index in self.rebuild:
                index.drop(self.connection)
        # The rows are already in the driver's terms (see _Parser), so they go to
        # the driver as they are, skipping Core's per-row parameter processing.
        compiled = insert(STATEMENT).compile(
            dialect=self.dialect, column_keys=INSERT_COLUMNS, for_executemany=True
        )
        self.sql = compiled.string
        self.named = not self.dialect.positional
        assert self.named or compiled.positiontup == list(INSERT_COLUMNS)

    def add(self, row: tuple[Any, ...]) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self._store(self.buffer)
            self.buffer = []

    def finish(self) -> None:
        self.flush()
        for index in self.rebuild:
            index.create(self.connection)

    def _store(self, rows: list[tuple[Any, ...]]) -> None:
        count = len(rows)
        if self.last_before:
            present = set(
                self.connection.scalars(
                    select(STATEMENT.c.fingerprint).where(
                        STATEMENT.c.fingerprint.in_(list({r[-1] for r in rows})),
                        STATEMENT.c.id <= self.last_before,
                    )
                )
            )
            if present:
                rows = [r for r in rows if r[-1] not in present]
        if rows:
            self._write(rows)
        self.result.added += len(rows)
        self.result.skipped += count - len(rows)

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        if self.dialect.name == "postgresql" and self.dialect.driver == "psycopg":
            self._copy(rows)
        elif self.named:
            named = [dict(zip(INSERT_COLUMNS, r, strict=True)) for r in rows]
            self.connection.exec_driver_sql(self.sql, named)
        else:
            self.connection.exec_driver_sql(self.sql, rows)

    def _copy(self, rows: list[tuple[Any, ...]]) -> None:
        driver = self.connection.connection.driver_connection
        assert driver is not None
        sql = f"COPY statement ({', '.join(INSERT_COLUMNS)}) FROM STDIN"
        dbapi = self.dialect.loaded_dbapi
        try:
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except dbapi.Error as err:
            # Straight from the driver: wrap it as Core would, so it is reported
            # like any other database error.
            raise sa_exc.DBAPIError.instance(sql, None, err, dbapi.Error) from None


def _import_statements(
    session: Session,
    rows: Iterable[tuple[int, tuple[Any, ...]]],
    where: Callable[[int], str],
    names: Names,
    result: ImportResult,
    progress: Callable[[int], None] | None = None,
    from_csv: bool = False,
    unescape: bool = True,
) -> None:
    """`progress`, if given, is called after each chunk with how far the import
    has got (what `rows` counts it in: bytes for a file, rows for a list)."""
    writer = _Writer(session, result)
    parse = _Parser(session, names, from_csv, unescape)
    position = -1
    try:
        for position, values in rows:
            row = parse(values)
            if row is not None and names.complete:
                writer.add(row)
                if progress is not None and not writer.buffer:
                    progress(position)
        names.check_complete()
        writer.finish()
    except RowError as err:
        at = where(position) if position >= 0 else "the file"
        raise ImportFailed(f"{at}, column {err.column}: {err.why}") from None
    except TrackerError as err:
        if isinstance(err, ImportFailed):
            raise
        at = where(position) if position >= 0 else "the file"
        raise ImportFailed(f"{at}: {err}") from None


TOP_LEVEL = ("parties", "issues", "statements")


def _import_json(
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
        _import_catalog(session, catalog_doc, result)
        _import_statements(
            session,
            _json_rows(elements),
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
                _import_json(
                    session,
                    stream,
                    create_missing,
                    result,
                    None if progress is None else lambda _: progress(raw.tell(), size),
                )
            else:
                names = Names(session, create_missing, result)
                _import_statements(
                    session,
                    _csv_rows(stream),
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


def after_bulk_import(engine: Engine, added: int) -> None:
    """After a large import, refresh the server's statistics of the statement
    table, so the reports that follow are planned for the rows now there.

    PostgreSQL: VACUUM ANALYZE, which also sets the visibility map that lets
    the stance index answer reports alone; autovacuum would get there later,
    and reports right after an import of a million rows were 4x slower
    without it. A role that does not own the table gets a warning from the
    server, not an error, and nothing is done. MariaDB and MySQL: ANALYZE
    TABLE (their own refresh runs in the background, a while after the
    commit). SQLite plans without statistics."""
    if added < CHUNK:
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE statement")
    elif engine.dialect.name in ("mysql", "mariadb"):
        with engine.connect() as conn:
            # A failure comes back as a row (Msg_type 'Error'), not an exception.
            rows = conn.exec_driver_sql("ANALYZE TABLE statement").all()
        problems = [str(r[3]) for r in rows if str(r[2]).lower() == "error"]
        if problems:
            raise DatabaseError(f"ANALYZE TABLE statement: {'; '.join(problems)}")


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
