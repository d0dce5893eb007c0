"""The timelines of the HTML report as SVG geometry: one step line per party
on each issue, from the stance scale's levels and a date axis that all the
page's charts share. Plain numbers and strings; the templates draw them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from tracker.core.types import PartyRef, StatementView, Timeline

# Each party's line in the timelines: the Okabe–Ito palette (told apart with
# the common colour-vision deficiencies), its greens and reds last so they are
# not taken for stances, then the same again with dashes.
PARTY_COLOURS: Final = ("#0072b2", "#e69f00", "#000000", "#cc79a7", "#56b4e9", "#009e73", "#d55e00")
DASHES: Final = ("", "7 3", "2 3")


def day(value: dt.date) -> str:
    """`1 Dec 2025`."""
    return f"{value.day} {value:%b %Y}"


WIDTH: Final = 860
PLOT_LEFT: Final = 76
PLOT_TOP: Final = 16
LEVEL_STEP: Final = 28
LABEL_ROOM: Final = 138  # right of the plot, for each line's party name
TAIL: Final = 28  # the last stretch of the plot: "still so at the report's date"
TICK_GAP: Final = 44  # the least room between two date labels
LABEL_GAP: Final = 12.5  # between two party names at the right
DIRECT_LABELS: Final = 12  # more lines than this get a legend instead


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    statement: StatementView
    title: str


@dataclass(frozen=True, slots=True)
class Line:
    party: PartyRef
    colour: str
    dash: str
    path: str | None  # None: only retracted statements
    label_y: float | None
    markers: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    timeline: Timeline
    lines: tuple[Line, ...]
    ticks: tuple[tuple[float, str], ...]
    labelled: bool
    height: float

    @property
    def count(self) -> int:
        return sum(len(line.markers) for line in self.lines)


@dataclass(frozen=True, slots=True)
class Scale:
    """Dates and scores to points; the dates span every timeline on the page,
    so a move on one date lines up across the charts."""

    first: dt.date
    last: dt.date

    @property
    def right(self) -> float:
        return WIDTH - LABEL_ROOM

    def x(self, when: dt.date) -> float:
        span = max((self.last - self.first).days, 1)
        return PLOT_LEFT + (when - self.first).days / span * (self.right - TAIL - PLOT_LEFT)

    @staticmethod
    def y(score: int) -> float:
        return PLOT_TOP + (2 - score) * LEVEL_STEP

    @property
    def bottom(self) -> float:
        return self.y(-2)


def scale_of(timelines: Sequence[Timeline]) -> Scale | None:
    dates = [s.stated_on for t in timelines for line in t.lines for s in line.statements]
    return Scale(min(dates), max(dates)) if dates else None


def _ticks(scale: Scale, dates: Sequence[dt.date]) -> tuple[tuple[float, str], ...]:
    """Date labels under the plot: each statement date, as room allows."""
    ticks: list[tuple[float, str]] = []
    year = None
    for when in sorted(set(dates)):
        x = scale.x(when)
        if ticks and x - ticks[-1][0] < TICK_GAP:
            continue
        text = f"{when.day} {when:%b}" if when.year == year else day(when)
        year = when.year
        ticks.append((x, text))
    return tuple(ticks)


def _spread_labels(wanted: list[tuple[int, float]], top: float, bottom: float) -> dict[int, float]:
    """Party names at the right end of their lines, moved apart so none overlap."""
    wanted.sort(key=lambda item: item[1])
    placed: list[tuple[int, float]] = []
    for n, y in wanted:
        if placed and y - placed[-1][1] < LABEL_GAP:
            y = placed[-1][1] + LABEL_GAP
        placed.append((n, y))
    overflow = placed[-1][1] - bottom if placed else 0
    if overflow > 0:
        placed = [(n, max(y - overflow, top)) for n, y in placed]
    return dict(placed)


def _marker_title(party: PartyRef, s: StatementView) -> str:
    who = f" ({s.speaker})" if s.speaker else ""
    title = f"{party.name}, {day(s.stated_on)}: {s.stance}{who}. {s.summary}"
    if s.retracted:
        assert s.retracted_at is not None
        title = f"Retracted {day(s.retracted_at.date())} ({s.retraction_reason}). {title}"
    return title


def chart(timeline: Timeline, scale: Scale, colours: dict[int, int]) -> Chart:
    """The step lines of one issue's timeline, one per party, as SVG geometry."""
    n = len(timeline.lines)
    gap = min(3.0, 16.0 / max(n - 1, 1))
    lines: list[Line] = []
    ends: list[tuple[int, float]] = []
    for k, line in enumerate(timeline.lines):
        offset = (k - (n - 1) / 2) * gap  # lines on one level drawn side by side
        markers: list[Marker] = []
        path: list[str] = []
        for s in line.statements:
            x, y = scale.x(s.stated_on), scale.y(s.score) + offset
            markers.append(Marker(round(x, 1), round(y, 1), s, _marker_title(line.party, s)))
            if not s.retracted:
                path.append(f"M{x:.1f},{y:.1f}" if not path else f"H{x:.1f}V{y:.1f}")
        if path:
            path.append(f"H{scale.right:.1f}")
            last = next(m for m in reversed(markers) if not m.statement.retracted)
            ends.append((k, last.y))
        index = colours[line.party.id]
        lines.append(
            Line(
                line.party,
                PARTY_COLOURS[index % len(PARTY_COLOURS)],
                DASHES[index // len(PARTY_COLOURS) % len(DASHES)],
                "".join(path) or None,
                None,
                tuple(markers),
            )
        )
    labelled = 0 < n <= DIRECT_LABELS
    if labelled:
        label_y = _spread_labels(ends, PLOT_TOP - 6, scale.bottom + 8)
        lines = [
            Line(ln.party, ln.colour, ln.dash, ln.path, label_y.get(k), ln.markers)
            for k, ln in enumerate(lines)
        ]
    dates = [s.stated_on for line in timeline.lines for s in line.statements]
    return Chart(timeline, tuple(lines), _ticks(scale, dates), labelled, scale.bottom + 30)
