"""Reading an import's rows: CSV records and JSON statement objects, each as a
tuple of values in COLUMNS order, and the parsers of those values.

This is the hot loop of a million-row import: values that repeat (dates,
stances, names, bases) are parsed once and cached, and text is checked
without copying it."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import IO, Any

from tracker.core.types import STATEMENT_FIELDS
from tracker.core.values import TEXT_LIMIT, check_basis, clean_text
from tracker.dates import check_statement_date
from tracker.errors import ImportFailed, Invalid
from tracker.stance import parse_stance
from tracker.text import unescape_formula

# What a row may hold: a statement's fields but its id and score (written by
# export, derived on import), the first five required.
COLUMNS = tuple(f for f in STATEMENT_FIELDS if f not in ("id", "score"))
REQUIRED = COLUMNS[:5]
# Each row's values are COLUMNS, then the id the file gives it (None or "":
# none), which a restore into an empty database keeps (`writer.Writer`).
ID = len(COLUMNS)
# The largest id: a 32-bit integer, as the servers' id columns are.
MAX_ID = 2**31 - 1
# The largest id a restore keeps: the ids above it (147 million) are left for
# the statements added after it, which would find none on PostgreSQL and
# MariaDB, and one out of range on SQLite, after a file reaching MAX_ID.
MAX_KEPT_ID = 2_000_000_000
# A CSV field may be as long as the longest text a statement may hold.
csv.field_size_limit(10 * 1024 * 1024)


class RowError(Exception):
    """A bad value in a row: its column and why. `position`: the row's place in
    the file, where it is not the row being read (the writer finds some
    rows bad a chunk later)."""

    def __init__(self, column: str, why: str, position: int | None = None) -> None:
        super().__init__(why)
        self.column = column
        self.why = why
        self.position = position


def parse_instant(value: Any, column: str) -> dt.datetime | None:
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


def text_value(value: Any, column: str) -> str | None:
    """Blank is absent; anything else is kept verbatim. NUL and lone surrogates
    are checked after (`storable`), by the general path only: the fast path
    finds them on the fingerprint's text and falls back to it."""
    if value is None:
        return None
    if type(value) is not str:
        raise RowError(column, f"expected text, got {type(value).__name__}")
    if not value or value.isspace():
        return None
    if len(value) > TEXT_LIMIT:
        storable(value, column)  # refuses it, in clean_text's words
    return value


def csv_text_value(value: Any, column: str) -> str | None:
    """`text_value` for a CSV cell: undoes export's escaping of text a spreadsheet
    would run as a formula (see `tracker.text.escape_formula`)."""
    if type(value) is str and value[:1] == "'":
        value = unescape_formula(value)
    return text_value(value, column)


def stance_value(value: Any) -> int:
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


def date_value(value: Any) -> dt.date:
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


def negated_value(value: Any) -> bool:
    """Whether a row's stance is negated (see `StatementView.negated`): JSON's
    true or false, a CSV cell's true, false or blank (false)."""
    if value is None or value is False or value is True:
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("", "false", "true"):
        return value.strip().lower() == "true"
    raise RowError("negated", f"bad value {value!r}: use true or false")


def basis_value(value: Any) -> str:
    try:
        return check_basis(text_value(value, "basis"))
    except Invalid as err:
        raise RowError("basis", str(err)) from None


class Cache(dict[Any, Any]):
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


def _bad_csv(line: int, err: csv.Error) -> ImportFailed:
    """Malformed quoting is a bad row, named by the line its record starts on."""
    why = str(err)
    if why == "unexpected end of data":
        why = 'a quoted field is never closed (a " without its closing ")'
    return ImportFailed(f"line {line}: bad CSV: {why}")


def csv_rows(stream: IO[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(line number, values in COLUMNS order); absent columns read as "".
    Strict: a quote never closed, or text after a closing quote, is refused,
    not read on into the rows that follow."""
    reader = csv.reader(stream, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFailed("the file is empty") from None
    except csv.Error as err:
        raise _bad_csv(1, err) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed(
            f"line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(header)})"
        )
    unknown = [c for c in header if c not in STATEMENT_FIELDS]
    if unknown:
        raise ImportFailed(
            f"line 1: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join(COLUMNS)})"
        )
    if len(set(header)) != len(header):
        raise ImportFailed("line 1: a column appears twice in the header")
    width = len(header)
    # Absent columns point one past the header, at the "" each row is padded with.
    pick = itemgetter(*(header.index(c) if c in header else width for c in (*COLUMNS, "id")))
    padding = [""] * (width + 1)
    end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise _bad_csv(end + 1, err) from None
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


def json_rows(statements: Iterable[Any]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for n, raw in enumerate(statements):
        if not isinstance(raw, dict):
            raise ImportFailed(f"statements[{n}]: a statement is an object")
        yield n, (*(raw.get(c) for c in COLUMNS), raw.get("id"))


def id_value(value: Any) -> int:
    """A statement id a file gives: a whole number a database's id column takes."""
    if type(value) is str and value.isascii() and value.strip().isdigit() and len(value) < 20:
        value = int(value)
    if type(value) is not int or not 1 <= value <= MAX_KEPT_ID:
        raise RowError(
            "id",
            f"bad id {value!r}: a whole number from 1 to {MAX_KEPT_ID} (a restore keeps "
            f"the ids above it, to {MAX_ID}, for the statements added after it)",
        )
    return value


def retracted_early(retracted_at: Any, recorded_at: Any) -> str:
    """Why a retraction dated before its statement was recorded is refused; the
    two moments as the database driver takes them, or as read back."""
    return (
        f"{_moment_text(retracted_at)} is before the statement's recorded_at "
        f"{_moment_text(recorded_at)}: a statement cannot be retracted before it was recorded"
    )


def _moment_text(value: Any) -> str:
    if isinstance(value, str):  # SQLite's driver takes text
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=None).isoformat() + "Z"


def storable(value: str | None, column: str) -> None:
    """Refuses text no database can store, in `clean_text`'s words."""
    try:
        clean_text(value, column)
    except Invalid as err:
        raise RowError(column, str(err)) from None


def required(value: Any, column: str, text: Callable[[Any, str], str | None]) -> str:
    found = text(value, column)
    if found is None:
        raise RowError(column, f"missing {column}")
    return found
