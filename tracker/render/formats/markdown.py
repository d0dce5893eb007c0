"""`--format markdown`: GitHub-flavoured Markdown to paste into a briefing,
every stored text escaped so that it reads as written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.render import layout, record
from tracker.render.style import AS_IS, ReportView
from tracker.render.textual import highlight, markdown_text, tabulate

if TYPE_CHECKING:
    from tracker.core.agreement_types import Alignment, Outlook
    from tracker.core.draft_types import DraftDiff, DraftFound, DraftShow
    from tracker.core.records import IssuePage, PartyPage, PersonPage
    from tracker.core.types import Diff, Found, History, Report, StatementView, Wordings
    from tracker.read.types import Reading
    from tracker.render.style import Records, Style

NAME = "markdown"
RANK = 10


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    md_rows = [[markdown_text(v) for v in row] for row in rows]
    return tabulate([markdown_text(h) for h in headers], md_rows, "github")


def records(rec: Records, style: Style) -> str:
    return _table(rec.headers, rec.rows)


def statements(
    items: Sequence[StatementView], style: Style, changes: Sequence[str | None] | None = None
) -> str:
    headers, rows = layout.statement_rows(items, changes, markdown=True)
    return _table(headers, rows)


def history(h: History, style: Style) -> str:
    items = [e.statement for e in h.entries]
    notes = layout.wording_notes(h.wordings, [s.id for s in items])
    notes += layout.negation_notes(items)
    table = statements(items, style, [e.change for e in h.entries])
    return "\n\n".join([table, *(markdown_text(n) for n in notes)])


def statement(s: StatementView, style: Style, wordings: Wordings | None = None) -> str:
    return _table(("field", "value"), layout.statement_fields(s, wordings))


def report(rep: Report, style: Style, view: ReportView = AS_IS) -> str:
    heading = f"**{layout.header_line(rep)}**"
    if not rep.cells:
        return f"{heading}\n\nNo stances recorded."
    grid = layout.Grid(rep, view.detail, view.transpose, colour=False, markdown=True)
    headers = [markdown_text(h) for h in (grid.corner, *(name for _, name in grid.col_names))]
    # The cells are Markdown already (layout escapes their detail): only the names are text.
    rows = [
        [markdown_text(name), *cells]
        for (_, name), cells in zip(grid.row_names, grid.cells, strict=True)
    ]
    notes = "".join(f"\n\n{markdown_text(n)}" for n in grid.notes)
    return f"{heading}\n\n{tabulate(headers, rows, 'github')}{notes}"


def diff(d: Diff, style: Style) -> str:
    change_rows = layout.change_rows(d, markdown_text, colour=False)
    trend_headers, trend_rows = layout.trend_table(d, markdown_text)
    parts = [f"## {layout.header_line(d)}", layout.counts_line(d)]
    if change_rows:
        parts += ["### Changes", tabulate(layout.CHANGE_HEADERS, change_rows, "github")]
    else:
        parts.append("No changes.")
    if trend_rows:
        parts += ["### Issues", tabulate(trend_headers, trend_rows, "github")]
    return "\n\n".join(parts)


def _page(page: record.Layout) -> str:
    fields = [(name, value) for name, value in page.fields if value is not None]
    parts = [f"## {markdown_text(page.heading)}", _table(("field", "value"), fields)]
    for section in page.sections:
        body = _table(section.headers, section.rows) if section.rows else "(none)"
        parts += [f"### {markdown_text(section.title)}", body]
    return "\n\n".join(parts)


def party_page(page: PartyPage, style: Style) -> str:
    return _page(record.party(page))


def issue_page(page: IssuePage, style: Style) -> str:
    return _page(record.issue(page))


def person_page(page: PersonPage, style: Style) -> str:
    return _page(record.person(page))


def search(found: Found, style: Style) -> str:
    words = record.matched_words(found.terms)
    rows = [[markdown_text(v) for v in row] for row in record.search_rows(found)]
    for row in rows:
        row[-1] = highlight(row[-1], words, "**", "**")
    return tabulate([markdown_text(h) for h in record.SEARCH_HEADERS], rows, "github")


def proposals(reading: Reading, style: Style) -> str:
    from tracker.render import reader_layout as shared

    parts = [f"**{markdown_text(shared.heading(reading))}**"]
    if reading.proposals:
        rows = shared.rows(reading.proposals, markdown=True, colour=False)
        parts.append(_table(shared.HEADERS, rows))
    else:
        parts.append("No positions found.")
    if reading.unknown:
        lines = [markdown_text(line) for line in shared.unknown_lines(reading.unknown)]
        parts.append("Not in the catalog:\n\n" + "\n".join(f"- {line}" for line in lines))
    return "\n\n".join(parts)


def outlook(o: Outlook, style: Style) -> str:
    from tracker.render import outlook_layout as ol

    parts = [f"**{ol.outlook_header(o)}**", ol.counts_line(o)]
    if not o.issues:
        return "\n\n".join([*parts, ol.NO_ISSUES])
    headers, rows = ol.outlook_rows(o, markdown_text)
    return "\n\n".join([*parts, tabulate(headers, rows, "github")])


def align(a: Alignment, style: Style) -> str:
    from tracker.render import outlook_layout as ol

    parts = [f"**{ol.align_header(a)}**", ol.blocs_line(a, markdown_text)]
    if not a.pairs:
        return "\n\n".join([*parts, ol.NO_PAIRS])
    parties, cells = ol.matrix(a)
    names = [markdown_text(p.name) for p in parties]
    rows = [[name, *row] for name, row in zip(names, cells, strict=True)]
    parts += [ol.MATRIX_LEGEND, tabulate(["party", *names], rows, "github")]
    if a.compare is not None:
        headers, pair_rows = ol.pair_rows(a, markdown_text)
        parts += ["Pairs, the most moved first:", tabulate(headers, pair_rows, "github")]
    return "\n\n".join(parts)


# --- drafts ---------------------------------------------------------------------------


def draft_show(show: DraftShow, style: Style) -> str:
    from tracker.render import drafts as shown

    head = [
        f"**{line}**" if n == 0 else line
        for n, line in enumerate(shown.show_head(show, markdown_text))
        if line
    ]
    rows = shown.show_rows(show, markdown_text, fit=False)
    table = [tabulate(list(shown.SHOW_HEADERS), rows, "github")] if rows else []
    return "\n\n".join([*head, *table])


def draft_diff(d: DraftDiff, style: Style) -> str:
    from tracker.render import drafts as shown

    rows = shown.diff_rows(d, markdown_text, shown.MARKDOWN_MARKS, colour=False, fit=False)
    head = f"**{markdown_text(shown.diff_head(d))}**"
    return f"{head}\n\n{tabulate(list(shown.DIFF_HEADERS), rows, 'github')}"


def draft_search(found: DraftFound, style: Style) -> str:
    from tracker.render import drafts as shown

    rows = shown.search_rows(found, markdown=True)
    for row in rows:
        row[-1] = highlight(row[-1], record.matched_words(found.terms), "**", "**")
    return tabulate(list(shown.SEARCH_HEADERS), rows, "github")
