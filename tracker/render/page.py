"""The HTML briefing's pages: `report --format html` and `diff --format html`.

One self-contained page: its CSS, its one small script and its charts (inline
SVG, laid out by `charts`) are in the file, and it asks for nothing over the
network. It is built from the same Report and Diff objects as the other
formats, through Jinja2 templates (`templates/`) with autoescaping on, so
every stored text reaches the page as text. Only HTML output imports this
module (and jinja2).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from tracker import __version__
from tracker.core.agreement_types import (
    CLASSES,
    Alignment,
    Outlook,
    PairAlignment,
    Standing,
    rounded,
)
from tracker.core.draft_types import DraftStanding
from tracker.core.types import Briefing, Diff, StatementView, Wordings
from tracker.render.charts import PLOT_LEFT, WIDTH, Scale, chart, day, scale_of
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


def long_day(value: dt.date) -> str:
    """`1 December 2025`."""
    return f"{value.day} {value:%B %Y}"


def instant(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


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
    env.filters.update(
        day=day, long_day=long_day, instant=instant, source_parts=source_parts, round3=rounded
    )
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
        heat_colours=HEAT_COLOURS,
        heat_labels=HEAT_LABELS,
        names_shown=NAMES_SHOWN,
        class_meanings=CLASS_MEANINGS,
        width=WIDTH,
        plot_left=PLOT_LEFT,
        site=None,  # a page served by `tracker serve` is given one (`tracker.render.site`)
    )
    return env


MEANINGS: Final[dict[int, str]] = {
    -2: "against, and a red line",
    -1: "against",
    0: "undecided or open to negotiate",
    1: "in favour",
    2: "in favour, and a condition of any deal",
}


def statement_data(s: StatementView, wordings: Wordings) -> list[object]:
    """A cell's statement as the page's script reads it from the JSON block:
    [basis, summary, speaker, source, quote, conditions, wording], without
    trailing nulls (wording: the proposition it was logged against, if not
    today's). The cell itself has the rest (stance, date, party, issue). A source
    with a web address is a list of its parts, the odd ones the links."""
    source: str | list[str] | None = s.source
    parts = source_parts(s.source) if s.source else []
    if any(href for _, href in parts):
        source = []
        for text, href in parts:
            if (href is not None) != (len(source) % 2 == 1):
                source.append("")  # keep the links at the odd places
            source.append(text)
    wording = (wordings[s.id] or "(no proposition)") if s.id in wordings else None
    data: list[object] = [s.basis, s.summary, s.speaker, source, s.quote, s.conditions, wording]
    while data[-1] is None:
        data.pop()
    return data


def report(
    briefing: Briefing,
    inline_statements: int = INLINE_STATEMENTS,
    standing: Standing | None = None,
    drafts: Sequence[DraftStanding] = (),
    site: Any = None,
) -> str:
    """The report page: header, stance matrix, the outlook and the alignment
    (`standing`, when given), the drafts on the table (`drafts`), timelines.

    With at most `inline_statements` stances, each cell carries its statement;
    with more, the statements go once into a JSON block for the script."""
    rep = briefing.report
    inline = len(rep.cells) <= inline_statements
    statements: dict[str, list[object]] = {}
    if not inline:
        for c in rep.cells:
            assert c.statement is not None, "the report's statements are loaded"
            statements[str(c.statement_id)] = statement_data(c.statement, rep.wordings)
    scale = scale_of(briefing.timelines)
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
            standing=standing,
            drafts=drafts,
            classes=CLASSES,
            **(_standing(standing) if standing else {}),
            **_served(site),
        )
    )


def _served(site: Any) -> dict[str, Any]:
    """A page `tracker serve` draws gets its `site` (`tracker.render.site.Site`):
    its assets by address, the navigation, the controls, the form token."""
    return {} if site is None else {"site": site}


def diff(d: Diff, site: Any = None) -> str:
    """The diff page: counts, the changes by kind, the spread of each issue."""
    groups = [(kind, [c for c in d.changes if c.change == kind]) for kind in CHANGE_ORDER]
    return (
        _environment()
        .get_template("diff.html")
        .render(
            d=d,
            groups=[(kind, changes) for kind, changes in groups if changes],
            moves=[k for k in CHANGE_ORDER if k in MOVES],
            trends=d.trend_counts(),
            **_served(site),
        )
    )


# --- where a deal is possible, who stands with whom -------------------------

# The agreement heatmap's five shades, from the lowest agreement each starts
# at: one hue, light to dark, so that the shades also read in greyscale; the
# figure is written in every cell, with text of a contrast of at least 4.5:1.
HEAT_COLOURS: Final[tuple[tuple[Fraction, str, str], ...]] = (
    (Fraction(0), "#f7fbff", "#1a1a1a"),
    (Fraction(1, 4), "#c6dbef", "#1a1a1a"),
    (Fraction(1, 2), "#6baed6", "#1a1a1a"),
    (Fraction(3, 4), "#2171b5", "#ffffff"),
    (Fraction(1), "#08306b", "#ffffff"),
)
HEAT_LABELS: Final = (
    "below 0.25",
    "0.25 to 0.5",
    "0.5 to 0.75",
    "0.75 to 1",
    "1: the same stances",
)
CLASS_MEANINGS: Final[dict[str, str]] = {
    "agreed": "Every party with a stance is on the same side of the proposition.",
    "within reach": "No party is more than one step from any other.",
    "contested": "Further apart, but no red line meets a demand.",
    "deadlocked": "One party rejects what another demands.",
}
# A page lists at most this many of the pairs that moved (the most moved first).
MOVED_PAIRS: Final = 100
# An issue of the outlook names at most this many parties in each list.
NAMES_SHOWN: Final = 12


def heat(agreement: Fraction) -> int:
    """The shade of an agreement: the last one whose start it reaches."""
    return max(n for n, (start, _, _) in enumerate(HEAT_COLOURS) if agreement >= start)


def _standing(standing: Standing) -> dict[str, Any]:
    return {**_outlook(standing.outlook), **_alignment(standing.alignment)}


def _outlook(o: Outlook) -> dict[str, Any]:
    groups = [(kind, [i for i in o.issues if i.kind == kind]) for kind in CLASSES]
    return {"o": o, "groups": [(kind, items) for kind, items in groups if items]}


def _alignment(a: Alignment) -> dict[str, Any]:
    """The heatmap, a row per party: (party, bloc number or None, cells), each
    cell (other party, pair or None, its shade, whether both are in a bloc)."""
    bloc_of = {p.id: n for n, bloc in enumerate(a.blocs, start=1) for p in bloc}
    pairs: dict[tuple[int, int], tuple[PairAlignment | None, int]] = {}
    for pair in a.pairs:
        pairs[pair.a.id, pair.b.id] = pairs[pair.b.id, pair.a.id] = (pair, heat(pair.agreement))
    nothing = (None, 0)
    grid = []
    for row in a.parties:
        bloc = bloc_of.get(row.id)
        cells = []
        for col in a.parties:
            found, shade = pairs.get((row.id, col.id), nothing)
            cells.append((col, found, shade, bloc is not None and bloc == bloc_of.get(col.id)))
        grid.append((row, bloc, cells))
    moved = [p for p in a.pairs if p.change]
    return {
        "a": a,
        "grid": grid,
        "bloc_of": bloc_of,
        "moved": moved[:MOVED_PAIRS],
        "moved_all": len(moved),
    }


def outlook(o: Outlook, site: Any = None) -> str:
    """The outlook page: each issue by class, with its holdouts and undecided."""
    return _environment().get_template("outlook.html").render(**_outlook(o), **_served(site))


def align(a: Alignment, site: Any = None) -> str:
    """The alignment page: the heatmap, the blocs, the pairs that moved most."""
    return _environment().get_template("align.html").render(**_alignment(a), **_served(site))


def environment() -> jinja2.Environment:
    """The one template environment, for the pages `tracker serve` adds."""
    return _environment()
