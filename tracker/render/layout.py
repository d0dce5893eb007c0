"""The rows and lines the two text formats (table, markdown) share: a
statement list, the report's grid of cells, the diff's changes and trends,
and the lines that head them. `cell` escapes a value for the format at hand
(`terminal_text` for a terminal, `markdown_text` for Markdown)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tracker.core.types import STATEMENT_FIELDS, Cell, Diff, Report, StatementView, Wordings
from tracker.render.textual import markdown_text, paint, wrap
from tracker.stance import CHANGES, MOVES
from tracker.text import shorten, terminal_text

Escape = Callable[[Any], str]

STATEMENT_HEADERS = ("id", "date", "party", "issue", "stance", "basis", "speaker", "summary")
SUMMARY_WIDTH = 60  # a statement list's summaries, in a terminal
DETAIL_WIDTH = 20  # a report cell's date and conditions wrap at this width


def statement_rows(
    items: Sequence[StatementView], changes: Sequence[str | None] | None, markdown: bool
) -> tuple[list[str], list[list[Any]]]:
    """A statement list (`log`, `history`): its headers and rows, unescaped.
    `changes` adds history's column."""
    headers = list(STATEMENT_HEADERS)
    if changes is not None:
        headers.insert(5, "change")
    rows = []
    for n, s in enumerate(items):
        summary = s.summary if markdown else shorten(terminal_text(s.summary), SUMMARY_WIDTH)
        stance = f"{s.stance} (retracted)" if s.retracted else s.stance
        row: list[Any] = [s.id, s.stated_on.isoformat(), s.party, s.issue, stance]
        if changes is not None:
            row.append(changes[n] or "")
        row += [s.basis, s.speaker, summary]
        rows.append(row)
    return headers, rows


def wording_notes(wordings: Wordings, ids: Sequence[int]) -> list[str]:
    """A line for each of these statements that was logged against an earlier
    wording of its issue's proposition (the stance meant that)."""
    return [
        f"#{n} was logged when the proposition read: {wordings[n]}"
        if wordings[n] is not None
        else f"#{n} was logged when the issue had no proposition"
        for n in ids
        if n in wordings
    ]


NEGATED = "on the opposite question (an issue merged into this one with --negate)"


def negation_notes(items: Sequence[StatementView]) -> list[str]:
    """A line for each of these statements whose stance was negated by a merge:
    the stance it was logged with, on the question it was logged on."""
    return [f"#{s.id} was logged as {s.logged_stance}, {NEGATED}" for s in items if s.negated]


def statement_fields(s: StatementView, wordings: Wordings | None = None) -> list[tuple[str, Any]]:
    """One statement as (field, value) pairs, absent fields left out (`show`);
    with the wording it was logged against, if not today's, and the stance
    it was logged with, if a merge negated it."""
    data = s.to_json()
    fields = [
        (field, data[field])
        for field in STATEMENT_FIELDS
        if data[field] is not None and field != "negated"
    ]
    if s.negated:
        fields.append(("logged as", f"{s.logged_stance}, {NEGATED}"))
    if wordings and s.id in wordings:
        fields.append(("logged against", wordings[s.id] or "(no proposition)"))
    return fields


def header_line(rep: Report | Diff) -> str:
    if isinstance(rep, Report):
        head = f"Stances as of {rep.as_of.isoformat()}"
    else:
        head = f"What moved from {rep.start.isoformat()} to {rep.end.isoformat()}"
    if rep.known_at is not None:
        head += f", as known at {rep.known_at:%Y-%m-%d %H:%M:%S} UTC"
    return head


# --- report ----------------------------------------------------------------


def _cell_text(
    cell: Cell | None, detail: bool, colour: bool, markdown: bool, wordings: Wordings
) -> str:
    if cell is None:
        return ""
    text = paint(cell.score, cell.stance, colour)
    if detail:
        extra = [cell.stated_on.isoformat()]
        if cell.statement is not None and cell.statement.conditions:
            extra.append(cell.statement.conditions)
        if cell.statement_id in wordings:
            extra.append(f"#{cell.statement_id}, an earlier wording")
        joined = "; ".join(extra)
        if markdown:
            return f"{text} ({markdown_text(joined)})"
        # In a table the detail wraps inside the cell, so the grid holds.
        text += "\n" + wrap(f"({terminal_text(joined)})", DETAIL_WIDTH)
    return text


class Grid:
    """The report as a grid: a row per issue and a column per party (or the
    other way round, transposed), each cell its stance's text."""

    def __init__(
        self, rep: Report, detail: bool, transpose: bool, colour: bool, markdown: bool
    ) -> None:
        by_pair = {(c.issue.id, c.party.id): c for c in rep.cells}
        issues = [(i.id, i.title) for i in rep.issues]
        parties = [(p.id, p.name) for p in rep.parties]
        if transpose:
            self.corner = "party"
            self.row_names, self.col_names = parties, issues

            def lookup(r: int, c: int) -> Cell | None:
                return by_pair.get((c, r))
        else:
            self.corner = "issue"
            self.row_names, self.col_names = issues, parties

            def lookup(r: int, c: int) -> Cell | None:
                return by_pair.get((r, c))

        self.notes = (
            wording_notes(rep.wordings, [c.statement_id for c in rep.cells]) if detail else []
        )
        self.cells = [
            [
                _cell_text(lookup(rid, cid), detail, colour, markdown, rep.wordings)
                for cid, _ in self.col_names
            ]
            for rid, _ in self.row_names
        ]


# --- diff ------------------------------------------------------------------


def counts_line(d: Diff) -> str:
    moved = [f"{d.counts[k]} {k}" for k in CHANGES if k in MOVES]
    issues = [f"{n} {trend}" for trend, n in d.trend_counts().items()]
    return f"Changes: {', '.join(moved)}. Issues: {', '.join(issues)}."


def _arrow(
    score_from: int | None, label_from: str | None, score_to: int, label_to: str, colour: bool
) -> str:
    left = paint(score_from, label_from, colour) if score_from is not None and label_from else "—"
    return f"{left} -> {paint(score_to, label_to, colour)}"


CHANGE_HEADERS = ("party", "issue", "from -> to", "change", "statement")


def change_rows(d: Diff, text: Escape, colour: bool) -> list[list[str]]:
    rows = []
    for c in d.changes:
        s = c.statement
        said = f"{s.stated_on.isoformat()}"
        if s.speaker:
            said += f", {text(s.speaker)}"
        said += f": {text(s.summary)}"
        arrow = _arrow(
            c.before.score if c.before else None,
            c.before.stance if c.before else None,
            s.score,
            s.stance,
            colour,
        )
        rows.append([text(c.party.name), text(c.issue.title), arrow, c.change, said])
    return rows


def trend_table(d: Diff, text: Escape) -> tuple[tuple[str, ...], list[list[Any]]]:
    headers = ("issue", f"spread {d.start.isoformat()}", f"spread {d.end.isoformat()}", "trend")
    rows = [
        [
            text(t.issue.title),
            "" if t.spread_from is None else t.spread_from,
            "" if t.spread_to is None else t.spread_to,
            t.trend or "",
        ]
        for t in d.issues
    ]
    return headers, rows
