"""Who holds the stance a cue carries: the speaker of a quotation or of a
speech verb, the subject of the cue's clause with the parties coordinated
with it, the agent of a passive ("was rejected by Israel"), the noun a
relative clause follows; nobody for a condition ("if Hamas agrees")."""

from __future__ import annotations

import re

from tracker.read import clauses, cues
from tracker.read.analysis import COORDINATION, Analysis
from tracker.read.mentions import Mention
from tracker.read.words import ROLE_WORDS


def holders(a: Analysis, cue: cues.Cue) -> list[Mention]:
    """Who holds the stance a cue carries: the speaker, for a cue inside a
    quotation or after a speech verb; else the subject of the cue's clause,
    with the parties coordinated with it ("France, Germany and the UK
    backed ..."); else the sentence's subject ("X welcomed the talks but
    criticised ...")."""
    part = clauses.at(a.parts, cue.start)
    if part.kind == clauses.CONDITION:
        return []  # "if Hamas agrees to ...": nobody's position yet
    if a.speaker is not None and (a.sentence.in_quote(cue.start) or a.sentence.continues):
        return [a.speaker]
    if part.kind == clauses.RELATIVE:
        # ", which had opposed ...": the noun the clause follows holds it.
        before = [m for m in a.actors() if part.start - 2 <= m.end <= part.start]
        return before[-1:]
    agent = _agent(a, cue) or _owner(a, cue)
    if agent:
        return agent
    own = _subject(a, max(part.start, a.said_at), cue.start)
    if a.speaker is not None and a.speaker.end <= cue.start:
        # "X said Y rejected it" is Y's; "X said Y must ..." is X's demand.
        if own and own[0].start >= a.said_at and not cues.MODAL.match(cue.text):
            return own
        return [a.speaker]
    if own:
        return own
    mains = [c for c in a.parts if c.kind == clauses.MAIN and c.start < cue.start]
    for c in mains:
        found = _subject(a, c.start, min(c.end, cue.start))
        if found:
            return found
    return []


_NOUNS = re.compile(
    r"(?i)(?:concerns?|refusals?|rejection|acceptance|insistence|opposition|objections?|"
    r"reservations|commitments?|willingness|readiness|intention|displeasure|dissatisfaction)\b"
)
# Words that are nouns of a stance after "'s" or an adjective, and verbs after a subject.
_EITHER = re.compile(r"(?i)(?:support|demands?|offers?|proposals?|pledges?|threats?)\b")


def _owner(a: Analysis, cue: cues.Cue) -> list[Mention]:
    """The party a noun of a stance belongs to: "U.S. concerns regarding",
    "Iran's refusal to", "Israeli objections to", "Egypt's demand"."""
    noun = _NOUNS.match(cue.text) is not None
    if not noun and _EITHER.match(cue.text) is None:
        return []
    right = [
        m
        for m in a.actors()
        if 0 <= cue.start - m.end <= 3
        and (noun or m.kind == "adjective" or a.text[m.end : cue.start].strip() in ("’s", "'s"))
    ]
    return right[-1:]


def _agent(a: Analysis, cue: cues.Cue) -> list[Mention]:
    """The agent of a passive stance ("was rejected by the Israelis")."""
    if not re.search(
        r"(?i)(?<!\w)(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", a.text[: cue.start]
    ):
        return []
    by = re.match(r"\s+by\s+(?:the\s+)?", a.text[cue.end :])
    if by is None:
        return []
    at = cue.end + by.end()
    return _subject(a, at, at + 60)[:1] if any(m.start == at for m in a.actors()) else []


_TITLED = re.compile(r"^\W*(?:,|and|or|,? and)\s+(?:the\s+)?((?:[\w.’'-]+\s+){1,4})$")


def _coordinated(between: str, m: Mention) -> bool:
    """Whether the words between two names coordinate them: "and", a comma,
    and before a person the words of their title ("Nixon and Soviet General
    Secretary Leonid Brezhnev")."""
    if COORDINATION.match(between):
        return True
    titled = _TITLED.match(between)
    if titled is None or m.person is None:
        return False
    return all(w[:1].isupper() or w.lower() in ROLE_WORDS for w in titled.group(1).split())


def _subject(a: Analysis, start: int, end: int) -> list[Mention]:
    """The first actor between start and end, and those coordinated with it."""
    before = [m for m in a.actors() if start <= m.start and m.end <= end]
    if not before:
        return []
    group = [before[0]]
    for m in before[1:]:
        between = a.text[group[-1].end : m.start]
        if _coordinated(between, m) or (m.person and m.party == group[-1].party):
            group.append(m)
        else:
            break
    # A party named with its person ("EU foreign policy chief Kaja Kallas") is one holder.
    by_party: dict[str, Mention] = {}
    for m in group:
        assert m.party is not None
        if m.party not in by_party or (m.person and not by_party[m.party].person):
            by_party[m.party] = m
    return list(by_party.values())
