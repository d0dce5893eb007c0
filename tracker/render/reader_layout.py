"""What the two text formats (table, markdown) share for `tracker read`: the
heading, the proposals' rows, the list of names the catalog lacks; and the
card the interactive review shows for one proposal, its cue highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.render.textual import paint
from tracker.text import shorten, terminal_text

if TYPE_CHECKING:
    from tracker.read.types import Proposal, Reading, Unknown

HEADERS = ("#", "party", "issue", "stance", "basis", "speaker", "conf", "summary")
SUMMARY_WIDTH = 70


def heading(reading: Reading) -> str:
    title = f"“{reading.title}”" if reading.title else "the text"
    count = len(reading.proposals)
    line = (
        f"{count} proposal{'s' if count != 1 else ''} from {title}, {reading.stated_on.isoformat()}"
    )
    if reading.source:
        line += f", {reading.source}"
    return line


def rows(proposals: Sequence[Proposal], markdown: bool, colour: bool) -> list[list[Any]]:
    """A row per proposal; for a terminal (not `markdown`), each text made safe
    for it and the summary shortened, the stance coloured if `colour`."""
    out = []
    for n, p in enumerate(proposals, 1):
        summary = p.summary if markdown else shorten(terminal_text(p.summary), SUMMARY_WIDTH)
        speaker = p.speaker or ""
        row = [n, p.party, p.issue, paint(p.score, p.stance, colour), p.basis, speaker]
        if not markdown:
            row = [terminal_text(v) if k in (1, 2, 5) else v for k, v in enumerate(row)]
        out.append([*row, f"{p.confidence:.2f}", summary])
    return out


def unknown_lines(unknown: Sequence[Unknown]) -> list[str]:
    """One line for each name the catalog lacks, with the command that adds it."""
    return [
        f"{u.name} ({u.kind}, {u.mentions} mention{'s' if u.mentions != 1 else ''}): {u.command}"
        for u in unknown
    ]


HIGHLIGHT_ON, HIGHLIGHT_OFF = "\x1b[1;4;33m", "\x1b[0m"


def card(p: Proposal, number: int, total: int, colour: bool, held: bool = False) -> str:
    """One proposal for review: its sentence with the cue highlighted (in
    brackets where there is no colour), then its fields."""
    start, end = p.cue_at
    before, cue, after = (
        terminal_text(t) for t in (p.evidence[:start], p.evidence[start:end], p.evidence[end:])
    )
    marked = f"{HIGHLIGHT_ON}{cue}{HIGHLIGHT_OFF}" if colour else f"[{cue}]"
    lines = [
        f"Proposal {number} of {total}" + (" (already in the database: skipped)" if held else ""),
        f"  {before}{marked}{after}",
        f"  {p.party} on {p.issue}: {paint(p.score, p.stance, colour)}"
        f" ({p.basis}, confidence {p.confidence:.2f})",
    ]
    for name, value in (
        ("speaker", p.speaker), ("quote", p.quote), ("conditions", p.conditions),
        ("summary", p.summary),
    ):  # fmt: skip
        if value:
            lines.append(f"  {name}: {terminal_text(value)}")
    return "\n".join(lines)
