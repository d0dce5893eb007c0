"""The words search reads: one rule, in Python, for what a statement's text
is indexed under and for what a query looks for, so that every backend
sees the same words (docs/data-model.md, "How text becomes words").

1. The text is normalised: NFKC (ligatures, full-width forms), case-folded
   (ß is ss, İ is i with a dot), its accents taken off (the combining
   marks U+0300 to U+036F, after decomposing), then composed again (NFC).
2. A word is a run of letters, marks and digits; everything else (spaces,
   punctuation, `_`, `-`, `.`, symbols) separates words.
3. A word is cut to its first MAX_WORD characters.

A statement's fields make one sequence of places: its words, with a gap
between two fields (a phrase never spans two) and in place of a word's
occurrences after its MAX_REPEATS-th. The sequence ends after MAX_PLACES
places, or before a new word that would take the distinct words past
MAX_BYTES: what PostgreSQL can hold in one document (a tsvector), applied on
every backend alike."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, overload

MAX_WORD = 60  # characters; under InnoDB's longest indexed word (84)
MAX_PLACES = 16_383  # PostgreSQL's last word position
MAX_REPEATS = 256  # the places of one word PostgreSQL keeps
MAX_BYTES = 1_000_000  # UTF-8 bytes of distinct words; a tsvector holds under 1 MiB

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_ASCII_SPAN = re.compile(r"[A-Za-z0-9]+")
_ASCII_LONG = re.compile(rf"[a-z0-9]{{{MAX_WORD + 1}}}")
_ACCENTS = re.compile("[\u0300-\u036f]+")
_word: re.Pattern[str] | None = None


def _word_pattern() -> re.Pattern[str]:
    """Letters, digits and marks. Python's `\\w` has the first two (and `_`,
    which the caller replaces); the marks (Unicode categories M*) are
    listed once, the first time a text is not plain ASCII."""
    global _word
    if _word is None:
        marks: list[str] = []
        start = None
        # Marks are in planes 0, 1 and 14 (variation selectors).
        for code in (*range(0x20000), *range(0xE0000, 0xE1000), 0x110000):
            mark = code < 0x110000 and unicodedata.category(chr(code))[0] == "M"
            if mark and start is None:
                start = code
            elif not mark and start is not None:
                marks.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
                start = None
        _word = re.compile(r"[\w" + "".join(marks) + "]+")
    return _word


def normalise(text: str) -> str:
    """Step 1: the text as search compares it."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", _ACCENTS.sub("", folded))


def words(text: str) -> list[str]:
    """Steps 1 to 3: the words of a text, in order."""
    if text.isascii():
        lowered = text.lower()
        found = _ASCII_WORD.findall(lowered)
        if not _ASCII_LONG.search(lowered):
            return found
    else:
        found = _word_pattern().findall(normalise(text).replace("_", " "))
    return [w if len(w) <= MAX_WORD else w[:MAX_WORD] for w in found]


@overload
def places(fields: Sequence[str | None]) -> list[str | None]: ...
@overload
def places(fields: Sequence[str | None], gap: str) -> list[str]: ...


def places(fields: Sequence[str | None], gap: str | None = None) -> list[Any]:
    """A statement's places, from its fields in order: each a word, or `gap`
    for a gap; within the limits above."""
    found = [words(f) for f in fields if f]
    count = sum(map(len, found)) + len(found) - 1
    if (
        count <= MAX_PLACES
        and sum(len(f) for f in fields if f) <= MAX_BYTES // 4  # 4 bytes a character at most
        and (count <= MAX_REPEATS or max(Counter(chain(*found)).values()) <= MAX_REPEATS)
    ):
        out: list[str | None] = []
        for listed in found:
            if out:
                out.append(gap)
            out += listed
        return out
    return _places(fields, gap)


def _places(fields: Iterable[str | None], gap: str | None) -> list[str | None]:
    out: list[str | None] = []
    seen: dict[str, int] = {}
    size = 0
    for field in fields:
        if not field:
            continue
        if out:
            if len(out) >= MAX_PLACES:
                return out
            out.append(gap)
        for word in words(field):
            if len(out) >= MAX_PLACES:
                return out
            count = seen.get(word, 0)
            if not count:
                size += len(word.encode("utf-8"))
                if size > MAX_BYTES:
                    return out
            seen[word] = count + 1
            out.append(word if count < MAX_REPEATS else gap)
    return out


def spans(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """Where the words of `text` stand in it: (start, end, the words there),
    for highlighting what a search found."""
    pattern = _ASCII_SPAN if text.isascii() else _word_pattern()
    for match in pattern.finditer(text.replace("_", " ")):
        found = words(match.group())
        if found:
            yield match.start(), match.end(), found


def matches(found: Sequence[str], wanted: Sequence[tuple[str, bool]]) -> bool:
    """Whether any of `found` is one of `wanted` (a word, and whether it is a prefix)."""
    return any(
        w == want or (prefix and w.startswith(want)) for w in found for want, prefix in wanted
    )
