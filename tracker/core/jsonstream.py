"""A JSON import read as a stream: the top-level object's members one at a
time, and the elements of its `statements` array one at a time, so a file
of a million statements takes no more memory than one of a thousand.

Every value is decoded by the standard library's own decoder
(`json.JSONDecoder.raw_decode`); this module only walks the punctuation
between values and reads more of the file when a value runs past what has
been read. A syntax error is reported where `json.load` would report it:
the same message, line and column of the whole file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

CHUNK_CHARS = 1 << 20
_LOOKAHEAD = 64
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members, refused if a key appears twice (json keeps the last)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"key {key!r} appears twice in an object")
            seen.add(key)
    return found


class DuplicateKey(ValueError):
    pass


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


class Reader:
    """The text of `stream`, read a chunk at a time. `pos` indexes `text`;
    what lies before the chunk that holds it has been let go, and is
    remembered only as how many lines (and columns of the last one) it was,
    for error positions."""

    def __init__(self, stream: IO[str], chunk: int = CHUNK_CHARS) -> None:
        self.stream = stream
        self.chunk = chunk
        self.text = ""
        self.pos = 0
        self.eof = False
        self._lines = 0  # line breaks in the text let go
        self._column = 0  # characters after the last of them
        self.mark: int | None = None  # a position in `text` to keep while set

    def more(self, size: int = 0) -> bool:
        """Read another chunk (at least `size` characters), letting go of the
        text before `pos`; False at the end of the file."""
        if self.eof:
            return False
        data = self.stream.read(max(size, self.chunk))
        if not data:
            self.eof = True
            return False  # and `pos` still indexes the same text
        self._forget(self.pos if self.mark is None else min(self.pos, self.mark))
        self.text += data
        return True

    def _forget(self, upto: int) -> None:
        gone = self.text[:upto]
        breaks = gone.count("\n")
        if breaks:
            self._lines += breaks
            self._column = len(gone) - gone.rfind("\n") - 1
        else:
            self._column += len(gone)
        self.text = self.text[upto:]
        self.pos -= upto
        if self.mark is not None:
            self.mark -= upto

    def skip_space(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            space = _WHITESPACE.match(self.text, self.pos)
            assert space is not None  # "*" matches the empty string too
            self.pos = space.end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self) -> Any:
        """Decode the JSON value at `pos` and step past it."""
        while True:
            try:
                found, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as err:
                # Read on only if the value may just be cut off by the end of
                # what is read; reading as much again as the value has so far
                # keeps a long value linear, not quadratic, in its length.
                if _cut_off(err, len(self.text)) and self.more(len(self.text) - self.pos):
                    continue
                raise self.error(err.msg, err.pos) from None
            except DuplicateKey as err:
                raise self.error(str(err), self.pos) from None
            except ValueError:  # an integer of more digits than Python allows
                raise self.error("number out of range", self.pos) from None
            except RecursionError:
                raise self.error("nested too deeply", self.pos) from None
            # A number may go on in text not yet read ("12" of "12.5"), so a
            # value is only done when a few characters after it are here.
            if end + _LOOKAHEAD < len(self.text) or not self.more():
                self.pos = end
                return found

    def expect(self, char: str, what: str) -> None:
        if self.skip_space() != char:
            raise self.error(what, self.pos)
        self.pos += 1

    def error(self, msg: str, pos: int) -> json.JSONDecodeError:
        """`msg` at `pos` of `text`, as a JSONDecodeError whose `lineno` and
        `colno` are in the whole file (its `pos` and `doc` are the chunk's)."""
        before = self.text[:pos]
        breaks = before.count("\n")
        err = json.JSONDecodeError(msg, self.text, pos)
        err.lineno = self._lines + breaks + 1
        err.colno = pos - before.rfind("\n") if breaks else self._column + pos + 1
        return err


def _cut_off(err: json.JSONDecodeError, end: int) -> bool:
    """Whether the decoder may have failed only for want of more text: a
    string ran to the end, or the failure is within reach of the end (the
    longest token a cut could leave looking wrong is "-Infinit")."""
    return err.msg.startswith("Unterminated string") or err.pos >= end - 9


def _trailing_comma(snippet: str, comma: int) -> tuple[str, bool]:
    """What this Python's json says of a comma before a closing bracket, and
    whether it says it at the comma (3.13 and later) or at the bracket."""
    try:
        json.loads(snippet)
    except json.JSONDecodeError as err:
        return err.msg, err.pos == comma
    raise AssertionError(f"json accepts {snippet!r}")


_OBJECT_COMMA = _trailing_comma('{"a":1,}', 6)
_ARRAY_COMMA = _trailing_comma("[1,]", 2)


def _closing_after_comma(reader: Reader, bracket: str) -> None:
    """Refuse the comma just read if `bracket` follows it, as json does."""
    reader.mark = reader.pos - 1  # the comma, which an error may point to
    try:
        if reader.skip_space() == bracket:
            msg, at_comma = _OBJECT_COMMA if bracket == "}" else _ARRAY_COMMA
            raise reader.error(msg, reader.mark if at_comma else reader.pos)
    finally:
        reader.mark = None


def members(
    reader: Reader, array: Callable[[str], bool]
) -> Iterator[tuple[str, Any | Iterator[Any]]]:
    """The members of the top-level object as (key, value). For a key that
    `array` names and whose value is an array, the value is an iterator
    over the array's elements, to be used up before the next member is
    read; any other value is decoded whole. JSON syntax errors are raised as
    `json.JSONDecodeError`, with the line and column in the file."""
    first = reader.skip_space()
    if first != "{":
        if not first:
            raise reader.error("Expecting value", reader.pos)
        reader.value()  # so a file that is not JSON at all is called bad JSON
        if reader.skip_space():
            raise reader.error("Extra data", reader.pos)
        raise NotAnObject
    reader.pos += 1
    if reader.skip_space() == "}":
        reader.pos += 1
    else:
        while True:
            if reader.skip_space() != '"':
                raise reader.error("Expecting property name enclosed in double quotes", reader.pos)
            key = reader.value()
            reader.expect(":", "Expecting ':' delimiter")
            if array(key) and reader.skip_space() == "[":
                reader.pos += 1
                elements = _elements(reader)
                yield key, elements
                for _ in elements:  # whatever the caller left unread
                    pass
            else:
                reader.skip_space()
                yield key, reader.value()
            if _at_end(reader, "}"):
                break
    if reader.skip_space():
        raise reader.error("Extra data", reader.pos)


def _elements(reader: Reader) -> Iterator[Any]:
    if reader.skip_space() == "]":
        reader.pos += 1
        return
    while True:
        reader.skip_space()
        yield reader.value()
        if _at_end(reader, "]"):
            return


def _at_end(reader: Reader, closing: str) -> bool:
    """After a member or an element: step past the comma that says another
    follows (False) or the `closing` bracket (True)."""
    after = reader.skip_space()
    reader.pos += 1
    if after == closing:
        return True
    if after != ",":
        raise reader.error("Expecting ',' delimiter", reader.pos - 1)
    _closing_after_comma(reader, closing)
    return False


class NotAnObject(Exception):
    """The file holds one JSON value, and it is not an object."""
