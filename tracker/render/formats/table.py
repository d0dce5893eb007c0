"""`--format table`: tables for a terminal (any tabulate style with
`--tablefmt`), fitted to its width and coloured by stance when it is one."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.render import layout, record
from tracker.render.style import AS_IS, ReportView
from tracker.render.textual import check_tablefmt, highlight, strip_colour, tabulate, wrap
from tracker.text import shorten, terminal_text

if TYPE_CHECKING:
    from tracker.core.agreement_types import Alignment, Outlook
    from tracker.core.draft_types import DraftDiff, DraftFound, DraftShow
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
    notes += layout.negation_notes(items)
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
    from tracker.render import reader_layout as shared

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


# --- outlook and align ---------------------------------------------------------

TITLE_WIDTH = 24  # an issue's title wraps at this width when a table is too wide
LIST_COLUMNS = (4, 5, 6, 7)  # low, high, holdouts, undecided: they share what is left
LIST_WIDTH = 12  # ... but wrap no narrower than this


def outlook(o: Outlook, style: Style) -> str:
    from tracker.render import outlook_layout as ol

    parts = [ol.outlook_header(o), ol.counts_line(o)]
    if not o.issues:
        return "\n\n".join([*parts, ol.NO_ISSUES])
    headers, rows = ol.outlook_rows(o, terminal_text)
    # A column is as wide as its widest cell, or its header and two spaces.
    natural = [
        max(len(h) + 2, *(len(v) for v in column))
        for h, column in zip(headers, zip(*rows, strict=True), strict=True)
    ]
    gaps = 2 * (len(headers) - 1)
    if style.width is not None and sum(natural) + gaps > style.width:
        # Too wide for the terminal: the titles wrap, and the lists of parties
        # share the room the other columns leave.
        natural[0] = min(natural[0], TITLE_WIDTH)
        fixed = sum(w for n, w in enumerate(natural) if n not in LIST_COLUMNS)
        room = style.width - fixed - gaps
        wraps = list(natural)
        narrow_first = sorted(LIST_COLUMNS, key=natural.__getitem__)
        for k, n in enumerate(narrow_first):  # a column that needs less leaves the rest more
            wraps[n] = min(natural[n], max(LIST_WIDTH, room // (len(narrow_first) - k)))
            room -= wraps[n]
        rows = [[wrap(v, w) for v, w in zip(row, wraps, strict=True)] for row in rows]
    parts.append(tabulate(headers, rows, check_tablefmt(style.tablefmt)))
    return "\n\n".join(parts)


def align(a: Alignment, style: Style) -> str:
    from tracker.render import outlook_layout as ol

    parts = [ol.align_header(a), ol.blocs_line(a, terminal_text)]
    if not a.pairs:
        return "\n\n".join([*parts, ol.NO_PAIRS])
    tablefmt = check_tablefmt(style.tablefmt)
    parties, cells = ol.matrix(a)
    width = style.width
    names = [terminal_text(p.name) for p in parties]
    first = max([5, *(len(n) for n in names)])
    if width is not None:
        first = min(first, 30)
        names = [wrap(n, first) for n in names]
    headers = [wrap(terminal_text(p.name), 11) if width else terminal_text(p.name) for p in parties]
    widths = [max([11, *(len(line) for line in h.split("\n"))]) for h in headers]
    parts.append(ol.MATRIX_LEGEND)
    for chunk in _column_chunks(widths, first, width):
        rows = [[names[r], *(cells[r][c] for c in chunk)] for r in range(len(names))]
        parts.append(tabulate(["party", *(headers[c] for c in chunk)], rows, tablefmt))
    if a.compare is not None:
        pair_headers, pair_rows = ol.pair_rows(a, terminal_text)
        parts += ["Pairs, the most moved first:", tabulate(pair_headers, pair_rows, tablefmt)]
    return "\n\n".join(parts)


# --- drafts ---------------------------------------------------------------------------


def draft_show(show: DraftShow, style: Style) -> str:
    from tracker.render import drafts as shown

    head = "\n".join(shown.show_head(show, terminal_text))
    rows = shown.show_rows(show, terminal_text, fit=True)
    if not rows:
        return head
    return f"{head}\n\n{tabulate(shown.SHOW_HEADERS, rows, check_tablefmt(style.tablefmt))}"


def draft_diff(d: DraftDiff, style: Style) -> str:
    from tracker.render import drafts as shown

    rows = shown.diff_rows(d, terminal_text, shown.MARKS, style.colour, fit=True)
    table = tabulate(shown.DIFF_HEADERS, rows, check_tablefmt(style.tablefmt))
    return f"{terminal_text(shown.diff_head(d))}\n\n{table}"


def draft_search(found: DraftFound, style: Style) -> str:
    from tracker.render import drafts as shown

    if not found.hits:
        return f"No draft point matches {terminal_text(found.query)}."
    rows = shown.search_rows(found, markdown=False)
    if style.colour:
        for row in rows:
            row[-1] = highlight(row[-1], record.matched_words(found.terms), *_MARK)
    return tabulate(shown.SEARCH_HEADERS, rows, check_tablefmt(style.tablefmt))
