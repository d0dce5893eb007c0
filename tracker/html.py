"""The HTML briefing: `report --format html` and `diff --format html`.

One self-contained page: its CSS, its one small script and its charts (inline
SVG) are in the file, and it asks for nothing over the network. It is built
from the same Report and Diff objects as the other formats, through Jinja2
templates (`tracker/templates/`) with autoescaping on, so every stored text
reaches the page as text. Only commands that write HTML import this module.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from tracker import __version__
from tracker.core.types import Briefing, Diff, PartyRef, StatementView, Timeline
from tracker.stance import CHANGES, HARDENED, LABELS, MOVES, NEW, REVERSED, SOFTENED

# The stance scale's colours, red (rejects) through grey (open) to green
# (demands): the one definition, used by the page's CSS and by the tests.
# Dark ends and light middles, so the scale also reads in greyscale; each
# cell carries its label as text, for colour-blind readers.
STANCE_COLOURS: Final[dict[int, str]] = {
    -2: "#b2182b",
    -1: "#f4a582",
    0: "#e0e0e0",
    1: "#a6dba0",
    2: "#1b7837",
}
# Label text on each colour, with a contrast ratio of at least 4.5:1.
STANCE_TEXT: Final[dict[int, str]] = {
    -2: "#ffffff",
    -1: "#1a1a1a",
    0: "#1a1a1a",
    1: "#1a1a1a",
    2: "#ffffff",
}

# Each party's line in the timelines: the Okabe–Ito palette (told apart with
# the common colour-vision deficiencies), its greens and reds last so they are
# not taken for stances, then the same again with dashes.
PARTY_COLOURS: Final = ("#0072b2", "#e69f00", "#000000", "#cc79a7", "#56b4e9", "#009e73", "#d55e00")
DASHES: Final = ("", "7 3", "2 3")

# The diff page lists the moves in this order, then (with --all) the rest.
CHANGE_ORDER: Final = (REVERSED, HARDENED, SOFTENED, NEW, *(c for c in CHANGES if c not in MOVES))

TEMPLATES = Path(__file__).with_name("templates")

# Up to this many stances, each matrix cell carries its statement as markup,
# shown on hover and focus by CSS alone. A larger matrix carries them once, as
# JSON, and the page's script shows the one the reader points at: a popup in
# every cell costs about 600 bytes and 15 elements a cell, which at 100,000
# cells is a page no browser opens in reasonable time. 2,000 cells of popups
# are about 1.2 MB, and open in well under a second.
INLINE_STATEMENTS: Final = 2000

# A URL inside a source citation. Only http and https become links.
_URL = re.compile(r"""https?://[^\s<>"'`\x00-\x1f\x7f]+""", re.IGNORECASE)
_TRAILING = ".,;:!?'\""


def source_parts(source: str) -> list[tuple[str, str | None]]:
    """A source as runs of text, each with the link it is (an http or https
    URL found in it) or None. Anything else, `javascript:` and `data:` URLs
    included, stays plain text."""
    parts: list[tuple[str, str | None]] = []
    done = 0
    for match in _URL.finditer(source):
        url = match.group().rstrip(_TRAILING)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_TRAILING)
        if not is_web_url(url):
            continue
        parts += [(source[done : match.start()], None), (url, url)]
        done = match.start() + len(url)
    parts.append((source[done:], None))
    return [(text, href) for text, href in parts if text]


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def day(value: dt.date) -> str:
    """`1 Dec 2025`."""
    return f"{value.day} {value:%b %Y}"


def long_day(value: dt.date) -> str:
    """`1 December 2025`."""
    return f"{value.day} {value:%B %Y}"


def instant(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


# --- timelines -------------------------------------------------------------

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


def _scale(timelines: Sequence[Timeline]) -> Scale | None:
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


# --- pages -----------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `tojson` escapes <, >, & and ' as \u escapes, so no text in the JSON
    # block can close its <script> element or open a comment; compact, and
    # UTF-8 rather than \u escapes for non-ASCII text.
    env.policies["json.dumps_kwargs"] = {"separators": (",", ":"), "ensure_ascii": False}
    env.filters.update(day=day, long_day=long_day, instant=instant, source_parts=source_parts)
    script = (TEMPLATES / "popup.js").read_text(encoding="utf-8").strip()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    env.globals.update(
        version=__version__,
        labels=LABELS,
        colours=STANCE_COLOURS,
        text_colours=STANCE_TEXT,
        meanings=MEANINGS,
        script=Markup(script),
        script_hash=f"sha256-{digest}",
        level_y=Scale.y,
        width=WIDTH,
        plot_left=PLOT_LEFT,
    )
    return env


MEANINGS: Final[dict[int, str]] = {
    -2: "against, and a red line",
    -1: "against",
    0: "undecided or open to negotiate",
    1: "in favour",
    2: "in favour, and a condition of any deal",
}


def statement_data(s: StatementView) -> list[object]:
    """A cell's statement as the page's script reads it from the JSON block:
    [basis, summary, speaker, source, quote, conditions], without trailing
    nulls. The cell itself has the rest (stance, date, party, issue). A source
    with a web address is a list of its parts, the odd ones the links."""
    source: str | list[str] | None = s.source
    parts = source_parts(s.source) if s.source else []
    if any(href for _, href in parts):
        source = []
        for text, href in parts:
            if (href is not None) != (len(source) % 2 == 1):
                source.append("")  # keep the links at the odd places
            source.append(text)
    data: list[object] = [s.basis, s.summary, s.speaker, source, s.quote, s.conditions]
    while data[-1] is None:
        data.pop()
    return data


def report(briefing: Briefing, inline_statements: int = INLINE_STATEMENTS) -> str:
    """The report page: header, stance matrix, timelines.

    With at most `inline_statements` stances, each cell carries its statement;
    with more, the statements go once into a JSON block for the script."""
    rep = briefing.report
    inline = len(rep.cells) <= inline_statements
    statements: dict[str, list[object]] = {}
    if not inline:
        for c in rep.cells:
            assert c.statement is not None, "the report's statements are loaded"
            statements[str(c.statement_id)] = statement_data(c.statement)
    scale = _scale(briefing.timelines)
    colours = {p.id: n for n, p in enumerate(rep.parties)}
    charts = [chart(t, scale, colours) for t in briefing.timelines] if scale else []
    by_pair = {(c.issue.id, c.party.id): c for c in rep.cells}
    rows = [(issue, [by_pair.get((issue.id, p.id)) for p in rep.parties]) for issue in rep.issues]
    return (
        _environment()
        .get_template("report.html")
        .render(
            b=briefing,
            rep=rep,
            rows=rows,
            charts=charts,
            scale=scale,
            inline=inline,
            statements=statements,
        )
    )


def diff(d: Diff) -> str:
    """The diff page: counts, the changes by kind, the spread of each issue."""
    groups = [(kind, [c for c in d.changes if c.change == kind]) for kind in CHANGE_ORDER]
    trends: dict[str, int] = {}
    for t in d.issues:
        if t.trend is not None:
            trends[t.trend] = trends.get(t.trend, 0) + 1
    return (
        _environment()
        .get_template("diff.html")
        .render(
            d=d,
            groups=[(kind, changes) for kind, changes in groups if changes],
            moves=[k for k in CHANGE_ORDER if k in MOVES],
            trends=trends,
        )
    )
