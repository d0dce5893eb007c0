"""A draft's text as points, and what comparing two points sees (SPEC,
"Drafts: the texts under negotiation"). Pure functions of text: no database.

- `split`: a version's text into its preamble and its points. A point starts
  at a line whose first word is a number followed by `.` or `)` (`7.`,
  `12)`), or `Point N` / `Article N` (any case, an optional `:` or `.` after
  N), and runs to the next such line, its sub-items included: a numbered
  line indented deeper than the text's first point is a sub-item too. A
  text with no such line has a point per paragraph, numbered from 1.
- `key`: a point's text as comparison sees it: no case, no punctuation, no
  whitespace. Two points are `unchanged` when their keys are equal.
- `words`: its words, for pairing (`draft_pairing`).
- `word_diff`: what a reworded point lost and gained, word by word (the
  longest common subsequence of their words, by rapidfuzz).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tracker.core.draft_types import ADDED, REMOVED, SAME, Segment

# A point's marker at the start of a line: "7." or "12)" (a number followed
# by a blank or the line's end, so "1.5 million" is none), or "Point 7",
# "ARTICLE 7:" ...
_MARKER = re.compile(
    r"(?P<indent>[ \t]*)(?:(?P<bare>\d+)[.)]|(?:point|article)[ \t]+(?P<named>\d+)[ \t]*[:.]?)"
    r"(?=\s|$)",
    re.IGNORECASE,
)
# What `key` leaves out: all but letters and digits (what str.isalnum keeps).
_NOT_ALNUM = re.compile(r"[\W_]+")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
# A word: a number with its separators ("600,000", "1.5"), or letters and
# digits with an apostrophe inside ("Ukraine's").
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a version: its place among the version's points (from 1),
    its number as written (N of `7.` or `Article N`; in a text of paragraphs,
    the paragraph's place), and its text without the marker, verbatim."""

    position: int
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Split:
    preamble: str | None
    points: tuple[Point, ...]


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _markers(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    """The lines that start a point: (line number, the marker's match). A
    numbered line indented deeper than the first point's marker is a
    sub-item of the point it is in."""
    found = [(n, m) for n, line in enumerate(lines) if (m := _MARKER.match(line))]
    if not found:
        return []
    outer = len(found[0][1]["indent"].expandtabs(4))
    return [(n, m) for n, m in found if len(m["indent"].expandtabs(4)) <= outer]


def _trimmed(lines: list[str]) -> str:
    """Lines joined, blank lines at either end dropped, trailing blanks off."""
    return "\n".join(lines).strip("\n").rstrip()


def split(text: str) -> Split:
    """The preamble (None when there is none) and the points of a version."""
    lines = _lines(text)
    markers = _markers(lines)
    if not markers:
        paragraphs = [p.strip() for p in _PARAGRAPHS.split("\n".join(lines))]
        kept = [p for p in paragraphs if p]
        return Split(None, tuple(Point(n, n, p) for n, p in enumerate(kept, start=1)))
    preamble = _trimmed(lines[: markers[0][0]]) or None
    points = []
    ends = [n for n, _ in markers[1:]] + [len(lines)]
    for position, ((start, match), end) in enumerate(zip(markers, ends, strict=True), start=1):
        first = lines[start][match.end() :].lstrip()
        body = _trimmed([first, *lines[start + 1 : end]])
        number = int(match["bare"] or match["named"])
        points.append(Point(position, number, body))
    return Split(preamble, tuple(points))


def key(text: str) -> str:
    """What `unchanged` compares: the text without case, punctuation or
    whitespace (only its letters and digits, case-folded)."""
    return _NOT_ALNUM.sub("", text.casefold())


def words(text: str) -> list[str]:
    """A text's words, case-folded, as pairing counts them."""
    return _WORD.findall(text.casefold())


# --- what a reworded point lost and gained --------------------------------------


def _pieces(text: str) -> tuple[list[str], list[str]]:
    """A text cut before each word: its pieces (a word and what follows it up
    to the next word; the first piece also holds what precedes the first
    word) and each piece's word, case-folded."""
    starts = [m.start() for m in _WORD.finditer(text)]
    if not starts:
        return ([text] if text else []), ([""] if text else [])
    bounds = [0, *starts[1:], len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    keys = [m.group().casefold() for m in _WORD.finditer(text)]
    return pieces, keys


def word_diff(old: str, new: str) -> list[Segment]:
    """`new` as segments: words both hold (as `new` writes them), words only
    `old` held (removed) and words only `new` holds (added), in reading
    order. Case and punctuation alone do not count as a change."""
    from rapidfuzz.distance import Indel

    old_pieces, old_keys = _pieces(old)
    new_pieces, new_keys = _pieces(new)
    segments: list[Segment] = []

    def put(kind: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1][0] == kind:
            segments[-1] = (kind, segments[-1][1] + text)
        else:
            segments.append((kind, text))

    # A longest common subsequence of the words; each run between two equal
    # stretches is written as what went, then what came.
    gone: list[str] = []
    came: list[str] = []
    for op in Indel.opcodes(old_keys, new_keys):
        if op.tag != "equal":
            gone += old_pieces[op.src_start : op.src_end]
            came += new_pieces[op.dest_start : op.dest_end]
            continue
        put(REMOVED, "".join(gone))
        put(ADDED, "".join(came))
        gone, came = [], []
        put(SAME, "".join(new_pieces[op.dest_start : op.dest_end]))
    put(REMOVED, "".join(gone))
    put(ADDED, "".join(came))
    return segments
