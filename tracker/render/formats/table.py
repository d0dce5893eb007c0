"""`--format table`: tables for a terminal (any tabulate style with
`--tablefmt`), fitted to its width and coloured by stance when it is one."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.render import layout, record
from tracker.render.style import AS_IS, ReportView
from tracker.render.text import check_tablefmt, highlight, strip_colour, tabulate, wrap
from tracker.text import shorten, terminal_text

if TYPE_CHECKING:
    from tracker.core.records import IssuePage, PartyPage, PersonPage
    from tracker.core.types import Diff, Found, History, Report, StatementView, Wordings
    from tracker.read.types import Reading
    from tracker.render.style import Records, Style

NAME = "table"
RANK = 0


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], style: Style) -> str:
    clean = [[terminal_text(v) for v in row] for row in rows]
    return tabulate([terminal_text(h) for h in headers], clean, check_tablefmt(style.tablefmt))


def records(rec: Records, style: Style) -> str:
    return _table(rec.headers, rec.rows, style)


def statements(
    items: Sequence[StatementView], style: Style, changes: Sequence[str | None] | None = None
) -> str:
    headers, rows = layout.statement_rows(items, changes, markdown=False)
    return _table(headers, rows, style)


def history(h: History, style: Style) -> str:
    heading = f"{terminal_text(h.party.name)} on {terminal_text(h.issue.title)}"
    if not h.entries:
        return f"{heading}\nNo statements yet."
    items = [e.statement for e in h.entries]
    notes = layout.wording_notes(h.wordings, [s.id for s in items])
    table = statements(items, style, [e.change for e in h.entries])
    return "\n".join([heading, table, *notes])


def statement(s: StatementView, style: Style, wordings: Wordings | None = None) -> str:
    rows = layout.statement_fields(s, wordings)
    if style.tablefmt is not None:
        return _table(("field", "value"), rows, style)
    width = max(len(f) for f, _ in rows)
    return "\n".join(f"{f:<{width}}  {terminal_text(v)}" for f, v in rows)


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


def report(rep: Report, style: Style, view: ReportView = AS_IS) -> str:
    if not rep.cells:
        return f"{layout.header_line(rep)}\n\nNo stances recorded."
    grid = layout.Grid(rep, view.detail, view.transpose, style.colour, markdown=False)
    # Fit the terminal: wrap the row names and headers, then, if still too wide,
    # print the columns in several tables, each repeating the row names.
    width = style.width
    first_width = max([len(grid.corner)] + [len(terminal_text(n)) for _, n in grid.row_names])
    if width is not None:
        first_width = min(first_width, 30)
    cell_width = layout.DETAIL_WIDTH if view.detail else 8
    headers = [
        wrap(terminal_text(name), max(cell_width, 8) if width else 1000)
        for _, name in grid.col_names
    ]
    widths = [max([cell_width, *(len(line) for line in h.split("\n"))]) for h in headers]
    names = [wrap(terminal_text(n), first_width) for _, n in grid.row_names]
    parts = [layout.header_line(rep)]
    for chunk in _column_chunks(widths, first_width, width):
        rows = [[names[r], *(grid.cells[r][c] for c in chunk)] for r in range(len(names))]
        hdrs = [grid.corner, *(headers[c] for c in chunk)]
        parts.append(tabulate(hdrs, rows, check_tablefmt(style.tablefmt)))
    if grid.notes:
        parts.append("\n".join(terminal_text(n) for n in grid.notes))
    return "\n\n".join(parts)


def diff(d: Diff, style: Style) -> str:
    change_rows = layout.change_rows(d, terminal_text, style.colour)
    trend_headers, trend_rows = layout.trend_table(d, terminal_text)
    tablefmt = check_tablefmt(style.tablefmt)
    if style.width is not None and change_rows:
        # Fit the terminal: the statement column takes what the others leave.
        used = sum(
            max(len(strip_colour(str(row[n]))) for row in [layout.CHANGE_HEADERS, *change_rows]) + 2
            for n in range(4)
        )
        room = max(style.width - used - 2, 24)
        for row in change_rows:
            lines = textwrap.wrap(row[4], width=room) or [""]
            if len(lines) > 3:  # a long summary: its start, then `tracker show ID`
                lines = [*lines[:2], shorten(" ".join(lines[2:]), room)]
            row[4] = "\n".join(lines)
    parts = [layout.header_line(d), layout.counts_line(d)]
    if change_rows:
        parts.append(tabulate(layout.CHANGE_HEADERS, change_rows, tablefmt))
    else:
        parts.append("No changes.")
    if trend_rows:
        parts.append(tabulate(trend_headers, trend_rows, tablefmt))
    return "\n\n".join(parts)


def _page(page: record.Layout, style: Style) -> str:
    fields = [(name, value) for name, value in page.fields if value is not None]
    width = max((len(name) for name, _ in fields), default=0)
    lines = [terminal_text(page.heading)]
    lines += [f"{name:<{width}}  {terminal_text(value)}" for name, value in fields]
    for section in page.sections:
        body = _table(section.headers, section.rows, style) if section.rows else "(none)"
        lines += ["", f"{section.title}:", body]
    return "\n".join(lines)


def party_page(page: PartyPage, style: Style) -> str:
    return _page(record.party(page), style)


def issue_page(page: IssuePage, style: Style) -> str:
    return _page(record.issue(page), style)


def person_page(page: PersonPage, style: Style) -> str:
    return _page(record.person(page), style)


# Matched words, in a terminal: bold and underlined.
_MARK = ("\x1b[1;4m", "\x1b[0m")


def search(found: Found, style: Style) -> str:
    if not found.statements:
        return f"Nothing matches {terminal_text(found.query)}."
    words = record.matched_words(found.terms)
    rows = []
    for row in record.search_rows(found):
        cells = [terminal_text(v) for v in row]  # escaped before the marks go in
        cells[-1] = shorten(cells[-1], layout.SUMMARY_WIDTH)
        if style.colour:
            cells[-1] = highlight(cells[-1], words, *_MARK)
        rows.append(cells)
    return tabulate(record.SEARCH_HEADERS, rows, check_tablefmt(style.tablefmt))


def proposals(reading: Reading, style: Style) -> str:
    from tracker.render import reading as shared

    parts = [terminal_text(shared.heading(reading))]
    if reading.proposals:
        # Escaped for a terminal cell by cell (`rows`), the stance coloured.
        rows = shared.rows(reading.proposals, markdown=False, colour=style.colour)
        parts.append(tabulate(shared.HEADERS, rows, check_tablefmt(style.tablefmt)))
    else:
        parts.append("No positions found.")
    if reading.unknown:
        lines = [terminal_text(line) for line in shared.unknown_lines(reading.unknown)]
        parts.append("Not in the catalog:\n" + "\n".join(f"  {line}" for line in lines))
    return "\n\n".join(parts)
