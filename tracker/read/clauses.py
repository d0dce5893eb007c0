"""A sentence cut into clauses, so that a stance word governs the issues of
its own clause and is held by that clause's subject.

A clause ends at a semicolon or a dash, before a conjunction that opens a
clause of its own ("but", "while", "although", "because", "whereas"), and
before ", and" or ", but" when a subject of its own follows ("Israel
accepted the PLO, and the PLO renounced terrorism"); a list of verbs
("halt its activities, allow monitors in, and dismantle the facility")
stays one clause. Two kinds of clause hold no stance of the sentence's
subject: a condition ("if Hamas agrees to ..."), whose stance word is
nobody's position yet, and a relative clause (", which had opposed ..."),
whose stance is held by the noun it follows."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAIN, CONDITION, RELATIVE = "main", "condition", "relative"

# Where a clause with a subject of its own begins.
_OPENERS = re.compile(
    r";|\s[—–]\s|\s-\s|(?<!\w)(?:but|while|whereas|although|though|because)(?!\w)", re.IGNORECASE
)
_AND = re.compile(r",\s+(?:and|but|or)\s+", re.IGNORECASE)
_CONDITION = re.compile(
    r"(?<!\w)(?:if|unless|whether|provided that|as long as|so long as)(?!\w)", re.IGNORECASE
)
_RELATIVE = re.compile(r",\s+(?:which|who|whom|whose)(?!\w)", re.IGNORECASE)
_SUBJECT_WORDS = re.compile(
    r"\s*(?:the\s+)?(?:he|she|it|they|we|i|both|each|neither|either)(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int
    end: int
    kind: str = MAIN
    # For a relative clause: where the noun it follows ends.
    antecedent: int | None = None


def _own_subject(text: str, at: int, subjects: Sequence[tuple[int, int]]) -> bool:
    """Whether a subject (a name, or a pronoun) opens the text at `at`."""
    if _SUBJECT_WORDS.match(text, at):
        return True
    ahead = text[at : at + 40]
    return any(
        at <= start and re.fullmatch(r"\s*(?:the\s+)?", text[at:start]) is not None
        for start, _ in subjects
        if start < at + len(ahead)
    )


def _listed(text: str, comma: int, subjects: Sequence[tuple[int, int]]) -> bool:
    """Whether ", and" closes a list of names ("the United States, Japan, and
    South Korea would provide"): a name ends at the comma, itself after a comma."""
    for start, end in subjects:
        if end == comma:
            return re.search(r",\s*(?:the\s+)?$", text[:start]) is not None
    return False


_VERB_AFTER = re.compile(
    r"\s+(?:also\s+|then\s+|later\s+|quickly\s+|had\s+|has\s+|have\s+|would\s+|will\s+)?"
    r"[a-z]+(?:ed|es)(?!\w)"
)


def _spliced(text: str, subjects: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Commas that join two clauses, each with its own subject: "Zelenskyy
    asked for air defence, President Trump agreed to help"."""
    out = []
    for start, end in subjects:
        comma = re.search(r",\s+(?:[A-Z][\w.]*\s+){0,3}$", text[:start])
        if comma is None or _VERB_AFTER.match(text, end) is None:
            continue
        if re.search(r"(?:and|or)\s+$", text[:start]) or _listed(text, comma.start(), subjects):
            continue
        out.append((comma.start(), comma.end()))
    return out


def split(text: str, subjects: Sequence[tuple[int, int]] = ()) -> list[Clause]:
    """The clauses of a sentence, in order; `subjects` are the spans of the
    names that can open a clause (the sentence's actors)."""
    cuts: list[tuple[int, int]] = [(m.start(), m.end()) for m in _OPENERS.finditer(text)]
    cuts += [
        (m.start(), m.end())
        for m in _AND.finditer(text)
        if _own_subject(text, m.end(), subjects) and not _listed(text, m.start(), subjects)
    ]
    cuts += _spliced(text, subjects)
    special: list[tuple[int, int, str]] = []
    for m in _CONDITION.finditer(text):
        special.append((m.start(), m.end(), CONDITION))
    for m in _RELATIVE.finditer(text):
        special.append((m.start(), m.end(), RELATIVE))
    bounds = sorted({0, *(s for s, _ in cuts), *(s for s, _, _ in special), len(text)})
    out: list[Clause] = []
    for start, end in itertools.pairwise(bounds):
        kind = next((k for s, _, k in special if s == start), MAIN)
        if kind != MAIN:
            # A condition or a relative clause runs to the next comma.
            comma = text.find(",", start + 2, end)
            if comma > 0:
                out.append(Clause(start, comma, kind, start if kind == RELATIVE else None))
                out.append(Clause(comma, end, MAIN))
                continue
        out.append(Clause(start, end, kind, start if kind == RELATIVE else None))
    return [c for c in out if c.end > c.start]


def at(clauses: Sequence[Clause], offset: int) -> Clause:
    """The clause holding `offset`."""
    for c in clauses:
        if c.start <= offset < c.end:
            return c
    return clauses[-1] if clauses else Clause(0, offset + 1)
