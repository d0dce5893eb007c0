"""Who "we", "I" and "they" are: the authors a statement's title names
("Joint Statement from the United States, Egypt, and Qatar", "Remarks by
President Biden"), the speaker a
transcript's label names ("THE PRESIDENT:"), and the group of parties last
named together ("The United States and Ukraine agreed ... They will ...",
"the two leaders", "both sides")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.read.mentions import Mention
from tracker.read.sentences import Sentence

# What a title names its authors after: "Joint Statement from ...", "Remarks by ...".
_TITLE = re.compile(
    r"(?i)^(?:joint\s+)?(?:statement|declaration|communiqu[eé]|readout|remarks|outcomes|"
    r"letter|message|press conference|news conference|briefing)s?\b[^.]*?\b(?:from|by|of)\s+"
)
_TITLE_END = re.compile(
    r"(?i)\s(?:on|announcing|regarding|about|at|in|following|marking|to|before|after|with)\s"
)
_LABEL = re.compile(r"^([A-Z][A-Z .’'-]{1,60}):\s")
_FIRST = re.compile(r"(?<![\w’'])(?:we|our|us|i|my|me)(?![\w’'])", re.IGNORECASE)
_GROUP = re.compile(
    r"(?i)(?<!\w)(?:they|both (?:sides|parties|leaders|governments|countries|nations|presidents)|"
    r"the (?:two|three|four) (?:sides|parties|leaders|governments|countries|nations|presidents|"
    r"delegations)|the (?:parties|presidents|leaders))(?!\w)"
)
# "it" as a party's pronoun: before a verb ("It argued", "it would withdraw"); not
# "it would be against European interests to ...", which holds nobody.
_IT = re.compile(
    r"(?<![\w’'])[Ii]t(?=\s+(?:(?:would|will|could|did|does|had|has)\s+(?:not\s+|never\s+)?"
    r"(?!be\b|been\b)[a-z]+|"
    r"(?:also\s+|then\s+|later\s+|instead\s+|repeatedly\s+|publicly\s+)?[a-z]+(?:ed|es))(?!\w))"
)
_OPENING = re.compile(r"^(?:[^,]{0,60},\s*)?(?:the\s+)?$", re.IGNORECASE)
_COORDINATED = re.compile(r"^\W*(?:,|and|or|as well as|together with|,? and)?\s*(?:the\s+)?$")


def _parties(mentions: list[Mention]) -> list[Mention]:
    """One mention a party, the person's where there is one."""
    by_party: dict[str, Mention] = {}
    for m in mentions:
        if m.party is not None and (m.party not in by_party or m.person):
            by_party[m.party] = m
    return list(by_party.values())


def group(text: str, actors: list[Mention]) -> list[Mention]:
    """The first group of two parties or more named together ("Israel and
    Lebanon", "President Trump and President Zelenskyy")."""
    for n, first in enumerate(actors):
        run = [first]
        for m in actors[n + 1 :]:
            if _COORDINATED.match(text[run[-1].end : m.start]) or text[run[-1].end : m.start] == "":
                run.append(m)
            else:
                break
        parties = _parties(run)
        if len(parties) >= 2:
            return parties
    return []


@dataclass
class Voices:
    """The text's authors, the current speaker, and the last group named."""

    authors: list[Mention] = field(default_factory=list)
    speaker: list[Mention] | None = None  # a transcript's labelled speaker, once known
    labelled: bool = False
    last_group: list[Mention] = field(default_factory=list)
    group_paragraph: int = -1
    subject: Mention | None = None  # the party the last sentence was about

    def first(self, s: Sentence, mentions: list[Mention]) -> None:
        """Learn the authors from the text's first sentence (its title)."""
        m = _TITLE.match(s.text)
        if m is not None:
            end = _TITLE_END.search(s.text, m.end())
            stop = end.start() if end else len(s.text)
            self.authors = _parties([x for x in mentions if m.end() <= x.start < stop])

    def paragraph(self, s: Sentence, mentions: list[Mention]) -> None:
        """At a paragraph's first sentence: a speaker's label ("THE PRESIDENT:")."""
        label = _LABEL.match(s.text)
        if label is None:
            return
        self.labelled = True
        named = [m for m in mentions if m.start < label.end() and m.person]
        if named:
            self.speaker = named[:1]
        elif "PRESIDENT" in label.group(1):
            self.speaker = [a for a in self.authors if a.person][:1] or None
        else:
            self.speaker = None  # a moderator, a reporter, an official not named

    def mentions(self, s: Sentence, found: list[Mention]) -> list[Mention]:
        """Mentions for "we", "our", "I" and for "they", "the two leaders"."""
        taken = [(m.start, m.end) for m in found]
        out: list[Mention] = []
        voice = self.speaker if self.labelled else self.authors
        for m in _FIRST.finditer(s.text):
            if any(a <= m.start() < b for a, b in taken) or s.in_quote(m.start()):
                continue
            for who in voice or ():
                out.append(self._at(who, m.start(), m.end(), "voice"))
        for m in _IT.finditer(s.text):
            mine = [x for x in found if x.actor and x.party and x.end <= m.start()]
            opening = [x for x in mine if _OPENING.match(s.text[: x.start])]
            it = opening[0] if opening else self.subject
            if it is not None and not any(a <= m.start() < b for a, b in taken):
                out.append(self._at(it, m.start(), m.end(), "group"))
        if self.last_group and s.paragraph - self.group_paragraph <= 2:
            for m in _GROUP.finditer(s.text):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                for who in self.last_group:
                    out.append(self._at(who, m.start(), m.end(), "group"))
        return out

    def remember(self, s: Sentence, actors: list[Mention]) -> None:
        """The group a sentence names, for its own "they" and the next sentences'."""
        named = group(s.text, [m for m in actors if m.kind not in ("voice", "group")])
        if named:
            self.last_group = named
            self.group_paragraph = s.paragraph

    def about(self, s: Sentence, actors: list[Mention]) -> None:
        """The party a sentence opens with, for the next sentence's "it"."""
        opening = [m for m in actors if m.person is None and _OPENING.match(s.text[: m.start])]
        self.subject = opening[0] if opening else None

    @staticmethod
    def _at(who: Mention, start: int, end: int, kind: str) -> Mention:
        return Mention(start, end, who.text, kind, who.party, who.person, True, who.role)
