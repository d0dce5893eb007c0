"""Every way tracker prints data: table, markdown, csv, json. One place, so a
new format is one change. tabulate is imported only when a table is drawn."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from tracker.core.types import Cell, Diff, Report, StatementView
from tracker.stance import CHANGES, MOVES, label

FORMATS = ("table", "markdown", "csv", "json")
DEFAULT_TABLEFMT = "simple"

# Terminal colours for the stances, red (rejects) to green (demands), 256-colour.
_COLOURS = {-2: 160, -1: 209, 0: 250, 1: 114, 2: 34}
# C0 and C1 controls and DEL: never written raw to a terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x80-\x9f]")
_MD_SPECIAL = re.compile(r"([\\|`*_\[\]<>#])")


def _escape_control(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_text(value: Any) -> str:
    """A value as it may reach a terminal: control characters made visible,
    line breaks folded to a space (a table cell is one line)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(_escape_control, text)


def markdown_text(value: Any) -> str:
    """A value inside a Markdown table: one line, characters with a meaning in
    Markdown (or HTML) escaped so the text reads as written."""
    text = terminal_text(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")


def to_json(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    # JSON leaves C1 controls raw (they are legal in strings); escape them, since
    # this output reaches terminals too. They only ever occur inside strings.
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text without its final line break (the caller's echo adds one)."""
    out = io.StringIO()
    write_csv(out, headers, rows)
    return out.getvalue().removesuffix("\n")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP,
# "CSV injection"). Text cells that do, after any apostrophes, get one more
# apostrophe in front; reading a CSV takes exactly one off such a cell again.
# The two are inverse, so every text survives export and import unchanged.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


_FIRST = frozenset("'=+-@\t\r")


def escape_formula(text: str) -> str:
    # The set test first: the regular expression is for the rare cell it lets by.
    return "'" + text if text[:1] in _FIRST and _FORMULA.match(text) else text


def unescape_formula(text: str) -> str:
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def write_csv(
    stream: IO[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    escape_formulas: bool = True,
) -> int:
    """Streams rows (None as empty); returns how many were written. Text cells
    that a spreadsheet would run as a formula are escaped unless told not to;
    numbers (a score of -2) are never touched."""
    writer = csv.writer(stream, lineterminator="\n")
    # The writer quotes a field with a line break only if the break is in its
    # line terminator ("\n"): a row with a carriage return is quoted whole, or
    # the CR would end the record when the file is read back.
    quoting = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    count = 0
    escape = escape_formula if escape_formulas else _same
    for row in rows:
        cells = ["" if v is None else escape(v) if type(v) is str else v for v in row]
        if "\r" in "".join([v for v in cells if type(v) is str]):
            quoting.writerow(cells)
        else:
            writer.writerow(cells)
        count += 1
    return count


def _same(text: str) -> str:
    return text


def check_tablefmt(tablefmt: str | None) -> str:
    from tabulate import tabulate_formats

    fmt = tablefmt or DEFAULT_TABLEFMT
    if fmt not in tabulate_formats:
        raise ValueError(f"unknown table style {fmt!r}; use one of {', '.join(tabulate_formats)}")
    return fmt


def _tabulate(headers: Sequence[str], rows: Sequence[Sequence[Any]], tablefmt: str) -> str:
    from tabulate import tabulate

    return tabulate(rows, headers=list(headers), tablefmt=tablefmt, disable_numparse=True)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    tablefmt: str | None = None,
) -> str:
    """Rows in one of the tabular formats (table, markdown, csv)."""
    if fmt == "csv":
        return to_csv(headers, rows)
    if fmt == "markdown":
        md_rows = [[markdown_text(v) for v in row] for row in rows]
        return _tabulate([markdown_text(h) for h in headers], md_rows, "github")
    clean = [[terminal_text(v) for v in row] for row in rows]
    return _tabulate([terminal_text(h) for h in headers], clean, check_tablefmt(tablefmt))


def paint(score: int, text: str, colour: bool) -> str:
    if not colour:
        return text
    return f"\x1b[38;5;{_COLOURS[score]}m{text}\x1b[0m"


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _strip_colour(text: str) -> str:
    return _SGR.sub("", text)


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


# --- statements ------------------------------------------------------------

LOG_HEADERS = ("id", "date", "party", "issue", "stance", "basis", "speaker", "summary")
STATEMENT_FIELDS = (
    "id", "party", "issue", "stance", "score", "stated_on", "summary", "quote", "speaker",
    "source", "basis", "conditions", "recorded_at", "recorded_by", "retracted_at",
    "retraction_reason",
)  # fmt: skip


def statement_row(s: StatementView) -> list[Any]:
    fields = s.to_json()
    return [fields[name] for name in STATEMENT_FIELDS]


def statements(
    items: Sequence[StatementView],
    fmt: str,
    tablefmt: str | None = None,
    changes: Sequence[str | None] | None = None,
    summary_width: int | None = 60,
) -> str:
    """A list of statements (`log`, `history`); `changes` adds history's column."""
    if fmt == "json":
        return to_json([s.to_json() for s in items])
    if fmt == "csv":
        return to_csv(STATEMENT_FIELDS, (statement_row(s) for s in items))
    headers = list(LOG_HEADERS)
    if changes is not None:
        headers.insert(5, "change")
    rows = []
    for n, s in enumerate(items):
        summary = (
            s.summary
            if fmt == "markdown" or not summary_width
            else shorten(terminal_text(s.summary), summary_width)
        )
        stance = s.stance
        if s.retracted:
            stance = f"{stance} (retracted)"
        row: list[Any] = [s.id, s.stated_on.isoformat(), s.party, s.issue, stance]
        if changes is not None:
            row.append(changes[n] or "")
        row += [s.basis, s.speaker, summary]
        rows.append(row)
    return table(headers, rows, fmt, tablefmt)


def statement_detail(s: StatementView, fmt: str, tablefmt: str | None = None) -> str:
    """One statement in full (`show`, `add`, `retract`)."""
    if fmt == "json":
        return to_json(s.to_json())
    if fmt == "csv":
        return to_csv(STATEMENT_FIELDS, [statement_row(s)])
    data = s.to_json()
    rows = [(field, data[field]) for field in STATEMENT_FIELDS if data[field] is not None]
    if fmt == "markdown" or tablefmt is not None:
        return table(("field", "value"), rows, fmt, tablefmt)
    width = max(len(f) for f, _ in rows)
    return "\n".join(f"{f:<{width}}  {terminal_text(v)}" for f, v in rows)


# --- report ----------------------------------------------------------------

REPORT_CSV_HEADERS = ("party", "issue", "stance", "score", "stated_on", "statement_id")


def _header_line(rep: Report | Diff) -> str:
    if isinstance(rep, Report):
        head = f"Stances as of {rep.as_of.isoformat()}"
    else:
        head = f"What moved from {rep.start.isoformat()} to {rep.end.isoformat()}"
    if rep.known_at is not None:
        head += f", as known at {rep.known_at:%Y-%m-%d %H:%M:%S} UTC"
    return head


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


DETAIL_WIDTH = 20


def _cell_text(cell: Cell | None, detail: bool, colour: bool, markdown: bool) -> str:
    if cell is None:
        return ""
    text = paint(cell.score, cell.stance, colour)
    if detail:
        extra = [cell.stated_on.isoformat()]
        if cell.statement is not None and cell.statement.conditions:
            extra.append(cell.statement.conditions)
        joined = "; ".join(extra)
        if markdown:
            return f"{text} ({markdown_text(joined)})"
        # In a table the detail wraps inside the cell, so the grid holds.
        text += "\n" + _wrap(f"({terminal_text(joined)})", DETAIL_WIDTH)
    return text


def _column_chunks(widths: Sequence[int], first: int, limit: int | None) -> list[range]:
    """Split columns 1.. into groups that fit `limit` beside the first column."""
    if limit is None:
        return [range(len(widths))]
    chunks: list[range] = []
    start, used = 0, first
    for n, w in enumerate(widths):
        if n > start and used + w + 2 > limit:
            chunks.append(range(start, n))
            start, used = n, first
        used += w + 2
    chunks.append(range(start, len(widths)))
    return chunks


def _report_csv(rep: Report) -> str:
    """The report as CSV. A report has a row per pair (100,000 at scale) but
    few distinct slugs, so each is made safe once, not once per row."""
    cells = rep.cells

    def rows(slug: Callable[[str], str]) -> Iterator[tuple[Any, ...]]:
        for c in cells:  # a date is written as its ISO text
            yield (
                slug(c.party.slug),
                slug(c.issue.slug),
                label(c.score),
                c.score,
                c.stated_on,
                c.statement_id,
            )

    slugs = {c.party.slug for c in cells} | {c.issue.slug for c in cells}
    if any("\r" in slug for slug in slugs):  # never in a valid slug: the careful way
        return to_csv(REPORT_CSV_HEADERS, rows(str))
    safe = {slug: escape_formula(slug) for slug in slugs}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_CSV_HEADERS)
    writer.writerows(rows(safe.__getitem__))
    return out.getvalue().removesuffix("\n")


def report(
    rep: Report,
    fmt: str,
    tablefmt: str | None = None,
    *,
    detail: bool = False,
    transpose: bool = False,
    colour: bool = False,
    width: int | None = None,
) -> str:
    if fmt == "json":
        return to_json(rep.to_json())
    if fmt == "csv":
        return _report_csv(rep)
    by_pair = {(c.issue.id, c.party.id): c for c in rep.cells}
    markdown = fmt == "markdown"
    if transpose:
        row_names = [(p.id, p.name) for p in rep.parties]
        col_names = [(i.id, i.title) for i in rep.issues]
        corner = "party"

        def lookup(r: int, c: int) -> Cell | None:
            return by_pair.get((c, r))
    else:
        row_names = [(i.id, i.title) for i in rep.issues]
        col_names = [(p.id, p.name) for p in rep.parties]
        corner = "issue"

        def lookup(r: int, c: int) -> Cell | None:
            return by_pair.get((r, c))

    grid = [
        [
            _cell_text(lookup(rid, cid), detail, colour and not markdown, markdown)
            for cid, _ in col_names
        ]
        for rid, _ in row_names
    ]
    if not rep.cells:
        note = "No stances recorded"
        return (
            f"{_header_line(rep)}\n\n{note}."
            if not markdown
            else f"**{_header_line(rep)}**\n\n{note}."
        )
    if markdown:
        headers = [corner, *(name for _, name in col_names)]
        rows = [[name, *cells] for (_, name), cells in zip(row_names, grid, strict=True)]
        body = table(headers, rows, "markdown")
        return f"**{_header_line(rep)}**\n\n{body}"

    # Fit the terminal: wrap the row names and headers, then, if still too wide,
    # print the columns in several tables, each repeating the row names.
    first_width = max([len(corner)] + [len(terminal_text(n)) for _, n in row_names])
    if width is not None:
        first_width = min(first_width, 30)
    cell_width = DETAIL_WIDTH if detail else 8
    headers = [
        _wrap(terminal_text(name), max(cell_width, 8) if width else 1000) for _, name in col_names
    ]
    widths = [max([cell_width, *(len(line) for line in h.split("\n"))]) for h in headers]
    names = [_wrap(terminal_text(n), first_width) for _, n in row_names]
    parts = [_header_line(rep)]
    for chunk in _column_chunks(widths, first_width, width):
        rows = [[names[r], *(grid[r][c] for c in chunk)] for r in range(len(row_names))]
        hdrs = [corner, *(headers[c] for c in chunk)]
        parts.append(_tabulate(hdrs, rows, check_tablefmt(tablefmt)))
    return "\n\n".join(parts)


# --- diff ------------------------------------------------------------------

DIFF_CSV_HEADERS = (
    "party", "issue", "from_stance", "to_stance", "change", "statement_id", "stated_on",
    "speaker", "summary",
)  # fmt: skip


def _counts_line(d: Diff) -> str:
    moved = [f"{d.counts[k]} {k}" for k in CHANGES if k in MOVES]
    trends: dict[str, int] = {}
    for t in d.issues:
        if t.trend is not None:
            trends[t.trend] = trends.get(t.trend, 0) + 1
    issues = [f"{trends.get(k, 0)} {k}" for k in ("converging", "diverging", "steady")]
    return f"Changes: {', '.join(moved)}. Issues: {', '.join(issues)}."


def _arrow(
    score_from: int | None, label_from: str | None, score_to: int, label_to: str, colour: bool
) -> str:
    left = paint(score_from, label_from, colour) if score_from is not None and label_from else "—"
    return f"{left} -> {paint(score_to, label_to, colour)}"


def diff(
    d: Diff,
    fmt: str,
    tablefmt: str | None = None,
    *,
    colour: bool = False,
    width: int | None = None,
) -> str:
    if fmt == "json":
        return to_json(d.to_json())
    if fmt == "csv":
        rows = []
        for c in d.changes:
            s = c.statement
            rows.append(
                [
                    c.party.slug,
                    c.issue.slug,
                    c.before.stance if c.before else None,
                    s.stance,
                    c.change,
                    s.id,
                    s.stated_on.isoformat(),
                    s.speaker,
                    s.summary,
                ]
            )
        return to_csv(DIFF_CSV_HEADERS, rows)

    markdown = fmt == "markdown"
    text = markdown_text if markdown else terminal_text
    change_rows = []
    for c in d.changes:
        s = c.statement
        said = f"{s.stated_on.isoformat()}"
        if s.speaker:
            said += f", {text(s.speaker)}"
        said += f": {text(s.summary)}"
        change_rows.append(
            [
                text(c.party.name),
                text(c.issue.title),
                _arrow(
                    c.before.score if c.before else None,
                    c.before.stance if c.before else None,
                    s.score,
                    s.stance,
                    colour and not markdown,
                ),
                c.change,
                said,
            ]
        )
    trend_rows = [
        [
            text(t.issue.title),
            "" if t.spread_from is None else t.spread_from,
            "" if t.spread_to is None else t.spread_to,
            t.trend or "",
        ]
        for t in d.issues
    ]
    change_headers = ("party", "issue", "from -> to", "change", "statement")
    trend_headers = (
        "issue",
        f"spread {d.start.isoformat()}",
        f"spread {d.end.isoformat()}",
        "trend",
    )
    if markdown:
        parts = [f"## {_header_line(d)}", _counts_line(d)]
        if change_rows:
            parts += ["### Changes", _tabulate(change_headers, change_rows, "github")]
        else:
            parts.append("No changes.")
        if trend_rows:
            parts += ["### Issues", _tabulate(trend_headers, trend_rows, "github")]
        return "\n\n".join(parts)
    style = check_tablefmt(tablefmt)
    if width is not None and change_rows:
        # Fit the terminal: the statement column takes what the others leave.
        used = sum(
            max(len(_strip_colour(str(row[n]))) for row in [change_headers, *change_rows]) + 2
            for n in range(4)
        )
        room = max(width - used - 2, 24)
        for row in change_rows:
            lines = textwrap.wrap(row[4], width=room) or [""]
            if len(lines) > 3:  # a long summary: its start, then `tracker show ID`
                lines = [*lines[:2], shorten(" ".join(lines[2:]), room)]
            row[4] = "\n".join(lines)
    parts = [_header_line(d), _counts_line(d)]
    parts.append(_tabulate(change_headers, change_rows, style) if change_rows else "No changes.")
    if trend_rows:
        parts.append(_tabulate(trend_headers, trend_rows, style))
    return "\n\n".join(parts)
