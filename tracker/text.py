"""Text made safe for where it is going: a terminal, a spreadsheet, a one-line
message. Stored text is kept verbatim; it is escaped on the way out, here.

Every layer uses this module (the database's error messages, the core's
import and export, the renderer, the command line), so it imports nothing
of tracker's."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

# Unicode's format characters (category Cf) but the two joiners some scripts
# and emoji are written with (U+200C, U+200D): bidi controls (U+202E makes
# what follows read right to left), zero-width spaces, soft hyphens, tags.
# They change how a line reads without showing, so a terminal sees them
# escaped. Written out, not computed at start-up (a test checks it against
# the `unicodedata` of the Python running it).
FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
# C0 and C1 controls, DEL and format characters: never written raw to a terminal.
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{FORMAT}]")


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_text(value: Any) -> str:
    """A value as it may reach a terminal: control characters made visible,
    line breaks folded to a space (a table cell, or a message, is one line)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(_escape_control, text)


# The same less line breaks and tabs: what a multi-line text (CSV, a page)
# may keep on a terminal.
_CONTROL_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{FORMAT}]")


def terminal_lines(text: str) -> str:
    """Text of several lines as it may reach a terminal: every control
    character but the line break and the tab made visible (\\x1b), so that
    stored text cannot move the cursor, clear the screen or retitle the
    window. Files keep the text verbatim."""
    return _CONTROL_IN_LINES.sub(_escape_control, text)


class TerminalWriter:
    """A text stream for a terminal: what is written passes `terminal_lines`."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(terminal_lines(text))


_C1 = re.compile(r"[\x80-\x9f]")


def json_c1(text: str) -> str:
    """JSON text with C1 controls written as \\u escapes. JSON allows them raw
    in strings (and only there can they occur), json.dumps escapes only C0;
    tracker's JSON escapes both, in files too, since it reaches terminals."""
    if text.isascii():  # the common case, at C speed
        return text
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` characters, the last one an ellipsis if it was cut."""
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP,
# "CSV injection"). Text cells that do, after any apostrophes, get one more
# apostrophe in front; reading a CSV takes exactly one off such a cell again.
# The two are inverse, so every text survives export and import unchanged.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
_FIRST = frozenset("'=+-@\t\r")


def escape_formula(text: str) -> str:
    # The set test first: the regular expression is for the rare cell it lets by.
    return "'" + text if text[:1] in _FIRST and _FORMULA.match(text) else text


def unescape_formula(text: str) -> str:
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def _same(text: str) -> str:
    return text


def write_csv(
    stream: IO[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    escape_formulas: bool = True,
) -> int:
    """Streams rows (None as empty); returns how many were written. Text cells
    that a spreadsheet would run as a formula are escaped unless told not to;
    numbers (a score of -2) are never touched."""
    writer = csv.writer(stream, lineterminator="\n")
    # The writer quotes a field with a line break only if the break is in its
    # line terminator ("\n"): a row with a carriage return is quoted whole, or
    # the CR would end the record when the file is read back.
    quoting = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    count = 0
    escape = escape_formula if escape_formulas else _same
    for row in rows:
        cells = ["" if v is None else escape(v) if type(v) is str else v for v in row]
        if "\r" in "".join([v for v in cells if type(v) is str]):
            quoting.writerow(cells)
        else:
            writer.writerow(cells)
        count += 1
    return count
