"""What the text formats (table, markdown) share: escaping for Markdown,
terminal colour, wrapping, and tabulate, which is imported only when a table
is drawn."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any

from tracker import tokens
from tracker.text import terminal_text

DEFAULT_TABLEFMT = "simple"

# Terminal colours for the stances, red (rejects) to green (demands), 256-colour.
_COLOURS = {-2: 160, -1: 209, 0: 250, 1: 114, 2: 34}
_MD_SPECIAL = re.compile(r"([\\|`*_\[\]<>#])")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def markdown_text(value: Any) -> str:
    """A value inside a Markdown table: one line, characters with a meaning in
    Markdown (or HTML) escaped so the text reads as written."""
    text = terminal_text(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")


def paint(score: int, text: str, colour: bool) -> str:
    """`text` in the colour of stance `score`, when `colour` is on."""
    if not colour:
        return text
    return f"\x1b[38;5;{_COLOURS[score]}m{text}\x1b[0m"


def strip_colour(text: str) -> str:
    return _SGR.sub("", text)


def wrap(text: str, width: int) -> str:
    """`text` over lines of at most `width`, breaking only between words."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def check_tablefmt(tablefmt: str | None) -> str:
    """A tabulate table style, the default for None; ValueError if unknown."""
    from tabulate import tabulate_formats

    fmt = tablefmt or DEFAULT_TABLEFMT
    if fmt not in tabulate_formats:
        raise ValueError(f"unknown table style {fmt!r}; use one of {', '.join(tabulate_formats)}")
    return fmt


def tabulate(headers: Sequence[str], rows: Sequence[Sequence[Any]], tablefmt: str) -> str:
    """Cells as they are: tabulate's number parsing would realign "-2"."""
    from tabulate import tabulate as draw

    return draw(rows, headers=list(headers), tablefmt=tablefmt, disable_numparse=True)


def highlight(text: str, words: Sequence[tuple[str, bool]], start: str, end: str) -> str:
    """`text` with each word search found in it (one of `words`, read as
    search reads text, `tracker.tokens`: `Außenminister` for `aussenminister`;
    with True, as the start of a word) between `start` and `end`."""
    if not words:
        return text
    out: list[str] = []
    at = 0
    for first, last, found in tokens.spans(text):
        if tokens.matches(found, words):
            out += [text[at:first], start, text[first:last], end]
            at = last
    return "".join(out) + text[at:]
