"""What the two text formats (table, markdown) share for `outlook` and
`align`: the heading lines, the outlook's rows, the alignment's matrix and
its list of pairs. `text` escapes a value for the format at hand
(`terminal_text` for a terminal, `markdown_text` for Markdown)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from tracker.core.agreement_types import Alignment, IssueOutlook, Outlook, PairAlignment, rounded
from tracker.core.types import PartyRef
from tracker.stance import label

Escape = Callable[[Any], str]

# A list of parties in a cell names this many, then says how many more.
NAMES_SHOWN = 6
NO_ISSUES = "No issue has two or more parties with a stance."
NO_PAIRS = "No two parties hold a stance on the same issue."
MATRIX_LEGEND = (
    "Each cell: agreement (shared issues), from 1 (the same stances) to 0 (opposite red lines)."
)


def _as_known(known_at: Any) -> str:
    return "" if known_at is None else f", as known at {known_at:%Y-%m-%d %H:%M:%S} UTC"


def _compared(compare: Any) -> str:
    return "" if compare is None else f", compared with {compare.isoformat()}"


def names(parties: Sequence[PartyRef], text: Escape, limit: int = NAMES_SHOWN) -> str:
    """ "France, United States", or the first `limit` names and "and N more"."""
    shown = [text(p.name) for p in parties[:limit]]
    if len(parties) > limit:
        shown.append(f"and {len(parties) - limit} more")
    return ", ".join(shown)


def number(value: Fraction | None, sign: bool = False) -> str:
    """An exact agreement (or change) as printed: 3 decimals."""
    found = rounded(value)
    if found is None:
        return ""
    return f"{found:+.3f}" if sign else f"{found:.3f}"


# --- outlook -----------------------------------------------------------------


def outlook_header(o: Outlook) -> str:
    return f"Outlook as of {o.as_of.isoformat()}{_as_known(o.known_at)}{_compared(o.compare)}"


def counts_line(o: Outlook) -> str:
    counts = ", ".join(f"{n} {kind}" for kind, n in o.counts().items())
    return f"Issues: {counts}."


def class_text(item: IssueOutlook) -> str:
    return f"{item.kind} ({item.side})" if item.side else item.kind


def _end(parties: Sequence[PartyRef], score: int, text: Escape) -> str:
    return f"{names(parties, text)} ({label(score)})"


def outlook_rows(o: Outlook, text: Escape) -> tuple[list[str], list[list[str]]]:
    """A row per issue: title, class, spread, holders, the parties at each
    end, holdouts, undecided; with a compare date, the class then and
    whether it moved (closer to a deal, or further)."""
    headers = ["issue", "class", "spread", "holders", "low", "high", "holdouts", "undecided"]
    if o.compare is not None:
        headers += [f"at {o.compare.isoformat()}", "moved"]
    rows = []
    for item in o.issues:
        row = [
            text(item.issue.title),
            class_text(item),
            str(item.spread),
            str(item.holders),
            _end(item.low, item.low_score, text),
            _end(item.high, item.high_score, text),
            names(item.holdouts, text),
            names(item.undecided, text),
        ]
        if o.compare is not None:
            row += [item.compare_class or "—", item.moved or ""]
        rows.append(row)
    return headers, rows


# --- alignment -------------------------------------------------------------------


def align_header(a: Alignment) -> str:
    return f"Alignment as of {a.as_of.isoformat()}{_as_known(a.known_at)}{_compared(a.compare)}"


def threshold_text(a: Alignment) -> str:
    return f"{float(a.threshold):g}"


def blocs_line(a: Alignment, text: Escape) -> str:
    """`Blocs at agreement >= 0.75: (1) European Union, France; (2) ...`"""
    if not a.blocs:
        return f"No blocs at agreement >= {threshold_text(a)}."
    listed = "; ".join(
        f"({n}) {names(bloc, text, len(bloc))}" for n, bloc in enumerate(a.blocs, start=1)
    )
    return f"Blocs at agreement >= {threshold_text(a)}: {listed}."


def pair_text(pair: PairAlignment) -> str:
    return f"{number(pair.agreement)} ({pair.shared})"


def matrix(a: Alignment) -> tuple[list[PartyRef], list[list[str]]]:
    """The party x party matrix in the alignment's order (each bloc together):
    the parties, and each cell's text (empty: no shared issue)."""
    found = {}
    for pair in a.pairs:
        found[pair.a.id, pair.b.id] = found[pair.b.id, pair.a.id] = pair_text(pair)
    parties = list(a.parties)
    cells = [
        ["—" if row.id == col.id else found.get((row.id, col.id), "") for col in parties]
        for row in parties
    ]
    return parties, cells


def pair_rows(a: Alignment, text: Escape) -> tuple[list[str], list[list[str]]]:
    """The pairs in the alignment's order (with a compare date, those that
    moved most first), with their agreement then and the change."""
    assert a.compare is not None
    headers = ["party", "and", "shared", "agreement", f"at {a.compare.isoformat()}", "change"]
    rows = [
        [
            text(p.a.name),
            text(p.b.name),
            str(p.shared),
            number(p.agreement),
            number(p.compare_agreement) or "—",
            number(p.change, sign=True),
        ]
        for p in a.pairs
    ]
    return headers, rows
