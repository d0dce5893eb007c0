"""A text as sentences, by syntok (a rule-based segmenter that knows
abbreviations, initials, numbers and quotations, and keeps each token's
offset), with what the reader needs to know of each: its paragraph, whether
it is a heading, and which of its words stand inside quotation marks."""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING = '“‘«"'
CLOSING = {"“": "”", "‘": "’", "«": "»", '"': '"'}
# Characters: a "sentence" longer than this (a table or a list pasted as
# text, with no full stop) is read in pieces of at most this much, cut at a
# space, so that reading time grows with the text, not with the square of
# its longest sentence. No sentence of prose comes near it.
LONGEST = 3_000


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text, its place (paragraph, index in the text), and
    the spans of `text` inside quotation marks. A heading is a paragraph
    of one short sentence without a final stop."""

    text: str
    index: int
    paragraph: int
    heading: bool
    quoted: tuple[tuple[int, int], ...]
    # The quotation this sentence ends, if a quotation runs into it from an
    # earlier sentence ("...strictly speaking. It can only be ...," he said).
    continues: bool = False

    def in_quote(self, at: int) -> bool:
        return any(start <= at < end for start, end in self.quoted)

    def quote_text(self) -> str | None:
        parts = [self.text[s:e].strip(" ,") for s, e in self.quoted if e - s > 12]
        return " ".join(parts) if parts else None


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """The spans inside quotation marks: curly ones paired, straight ones in
    turn. An apostrophe (’ between letters) is not a quotation mark."""
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()  # marks with no closing one after them: not looked for again
    n = 0
    while n < len(paragraph):
        ch = paragraph[n]
        if (
            ch in OPENING
            and ch not in unclosed
            and not (ch == "‘" and n > 0 and paragraph[n - 1].isalpha())
        ):
            close = CLOSING[ch]
            end = n + 1
            while end < len(paragraph):
                c = paragraph[end]
                is_apostrophe = (
                    c == "’"
                    and end + 1 < len(paragraph)
                    and paragraph[end - 1].isalpha()
                    and paragraph[end + 1].isalpha()
                )
                if c == close and not is_apostrophe:
                    break
                end += 1
            if end < len(paragraph) and end - n > 2:
                spans.append((n + 1, end))
                n = end + 1
                continue
            if end == len(paragraph):
                unclosed.add(ch)
        n += 1
    return spans


def _pieces(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence's bounds, or those of its pieces of at most LONGEST
    characters, each cut at the last space before that length."""
    pieces: list[tuple[int, int]] = []
    while end - start > LONGEST:
        cut = paragraph.rfind(" ", start + 1, start + LONGEST + 1)
        cut = cut if cut > start else start + LONGEST
        pieces.append((start, cut))
        start = cut
        while start < end and paragraph[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


_FINAL = re.compile(r"[.!?:;…\"”’)]\s*$")


def split(text: str) -> list[Sentence]:
    """The sentences of a plain text whose paragraphs are separated by blank
    lines (see `tracker.read.source.plain`)."""
    from syntok import segmenter

    out: list[Sentence] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    for number, paragraph in enumerate(paragraphs):
        spans = _quote_spans(paragraph)
        bounds: list[tuple[int, int]] = []
        for para in segmenter.analyze(paragraph):
            for tokens in para:
                if tokens:
                    last = tokens[-1]
                    bounds += _pieces(paragraph, tokens[0].offset, last.offset + len(last.value))
        heading = len(bounds) == 1 and len(paragraph.split()) <= 16 and not _FINAL.search(paragraph)
        for start, end in bounds:
            # Closing quotation marks syntok left to the next sentence belong here.
            while end < len(paragraph) and paragraph[end] in '”’"':
                end += 1
            quoted = tuple(
                (max(s, start) - start, min(e, end) - start)
                for s, e in spans
                if s < end and e > start
            )
            continues = any(s < start < e for s, e in spans)
            out.append(Sentence(paragraph[start:end], len(out), number, heading, quoted, continues))
    return out
