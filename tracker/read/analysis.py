"""A sentence taken apart: its mentions, the issues it touches, its cues, the
draft it quotes the provisions of, and who speaks in it; and, over the whole
text, who a draft's author is and who each quotation's speaker is."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tracker.read import cues
from tracker.read.issues import Issues, Term
from tracker.read.mentions import Mention, Names, People
from tracker.read.sentences import Sentence

SPEECH = re.compile(
    r"(?<!\w)(?:said|says|say|told|tells|warned|warns|added|adds|stated|states|argued|argues|"
    r"insisted|insists|emphasi[sz]ed|emphasi[sz]es|stressed|stresses|noted|declared|announced|"
    r"wrote|repeated|cautioned|explained|replied|asserted|maintained|acknowledged|conceded|"
    r"reiterated|signalled|signaled|made clear|underlined|confirmed|told reporters)(?!\w)",
    re.IGNORECASE,
)
REPORTED = re.compile(
    r"(?<!\w)(?:officials?|sources?|according to|reportedly|critics|diplomats|people familiar|"
    r"is said to|are said to|aides?|analysts)(?!\w)",
    re.IGNORECASE,
)
BOUNDARY = re.compile(r";| — | – |(?<!\w)(?:while|whereas|but|although|though|because)(?!\w)")
CLAUSE_END = re.compile(r";|(?<!\w)(?:while|whereas|but|although|though|because)(?!\w)")
# Where a new clause, with a subject of its own, may begin.
CLAUSE = re.compile(BOUNDARY.pattern + r"|, and |, but ")
COORDINATION = re.compile(
    r"^\W*(?:,|and|or|as well as|together with|along with|,? and)?\s*(?:the\s+)?$"
)


@dataclass
class Analysis:
    sentence: Sentence
    mentions: list[Mention]
    terms: list[Term]
    cues: list[cues.Cue]
    plan_at: int | None
    speaker: Mention | None = None  # who speaks the sentence, if anyone does

    @property
    def text(self) -> str:
        return self.sentence.text

    def actors(self) -> list[Mention]:
        """Mentions that can hold a stance: actors, not inside an issue's term
        ("EU" in "EU accession"), with a party."""
        return [
            m
            for m in self.mentions
            if m.actor
            and m.party is not None
            and not any(t.start <= m.start < t.end and t.weight >= 1 for t in self.terms)
        ]


def analyse(
    sentences: list[Sentence], names: Names, issues: Issues
) -> tuple[list[Analysis], People]:
    """Each sentence taken apart, and the people the text introduced."""
    people = People(names)
    out: list[Analysis] = []
    for s in sentences:
        mentions = people.read(s.text, s.heading, names.find(s.text))
        terms = [] if s.heading else issues.find(s.text)
        found = cues.find(s.text) if terms else []
        out.append(Analysis(s, mentions, terms, found, _plan_at(s.text)))
    _speakers(out)
    return out, people


def _plan_at(text: str) -> int | None:
    """Where a draft is named as the subject of what follows ("a plan that
    would limit ..."): the first plan noun with a provision verb after it."""
    for m in cues.PLANS.finditer(text):
        after = text[m.end() : m.end() + 120]
        provision = cues.PROVISIONS.search(after)
        if provision is not None and not CLAUSE_END.search(after[: provision.start()]):
            return m.start()
    return None


def speech_subject(a: Analysis, before: int | None = None) -> Mention | None:
    """The person or party who "said", "warned", "told" in the sentence:
    named just before the verb, or just after it ("said Macron")."""
    for verb in SPEECH.finditer(a.text):
        if before is not None and verb.start() > before:
            break
        if a.sentence.in_quote(verb.start()):
            continue
        candidates = [m for m in a.actors() if m.end <= verb.start()]
        if candidates:
            last = candidates[-1]
            between = a.text[last.end : verb.start()]
            if len(between.split()) <= 6 and not BOUNDARY.search(between):
                return _group_head(a, last)
        after = [m for m in a.actors() if m.start >= verb.end()]
        if after and len(a.text[verb.end() : after[0].start].split()) <= 1:
            return after[0]
    return None


def _group_head(a: Analysis, last: Mention) -> Mention:
    """The person of a subject named with their party ("EU foreign policy chief
    Kaja Kallas"): the person, who says it, rather than the party's word."""
    if last.person is not None:
        return last
    people = [m for m in a.actors() if m.person and m.party == last.party and m.start > last.end]
    return people[0] if people else last


def _speakers(analyses: list[Analysis]) -> None:
    """Who speaks each sentence: the subject of its speech verb; for a
    sentence inside a quotation that another sentence of the paragraph
    attributes ("... strictly speaking. It can only be ...," Macron said),
    that speaker; after "he warned:", the one who warned."""
    for a in analyses:
        a.speaker = speech_subject(a)
    for n, a in enumerate(analyses):
        if a.speaker is not None or not a.sentence.quoted:
            continue
        for b in analyses[n + 1 : n + 4]:
            if b.sentence.paragraph != a.sentence.paragraph or not b.sentence.continues:
                break
            if b.speaker is not None:
                a.speaker = b.speaker
                break


def holders(a: Analysis, cue: cues.Cue) -> list[Mention]:
    """Who holds the stance a cue carries: the speaker, for a cue inside a
    quotation or after a speech verb; else the subject of the cue's clause,
    with the parties coordinated with it ("France, Germany and the UK
    backed ..."); else the sentence's subject ("X welcomed the talks but
    criticised ...")."""
    if a.speaker is not None and (
        a.sentence.in_quote(cue.start) or a.speaker.end <= cue.start or a.sentence.continues
    ):
        return [a.speaker]
    start = max((m.end() for m in CLAUSE.finditer(a.text, 0, cue.start)), default=0)
    return _subject(a, start, cue.start) or _subject(a, 0, cue.start)


def _subject(a: Analysis, start: int, end: int) -> list[Mention]:
    """The first actor between start and end, and those coordinated with it."""
    before = [m for m in a.actors() if start <= m.start and m.end <= end]
    if not before:
        return []
    group = [before[0]]
    for m in before[1:]:
        between = a.text[group[-1].end : m.start]
        if COORDINATION.match(between) or (m.person and m.party == group[-1].party):
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


AUTHORING = re.compile(
    r"(?<!\w)(?:tabled|tables|drafted|drafts|drew up|put forward|puts forward|proposed|proposes|"
    r"presented|presents|circulated|circulates|unveiled|unveils|submitted|submits)(?!\w)",
    re.IGNORECASE,
)


def _named_authors(a: Analysis) -> list[str]:
    """The parties a sentence names as a draft's authors: "the US plan",
    "a plan drafted by Washington", "France and Germany tabled a proposal"."""
    for plan in cues.PLANS.finditer(a.text):
        for m in a.mentions:
            gap = a.text[m.end : plan.start()]
            if (
                m.party
                and m.end <= plan.start()
                and re.fullmatch(r"(?:’s|'s)?\s+(?:[\w‑-]+\s+){0,2}", gap)
            ):
                return [m.party]
            after = a.text[plan.end() : m.start]
            if (
                m.party
                and m.start >= plan.end()
                and re.fullmatch(
                    r"\s+(?:drafted|proposed|written|put forward|presented|tabled|circulated)"
                    r"\s+by\s+(?:the\s+)?",
                    after,
                )
            ):
                return [m.party]
        # "a proposed framework": an adjective, not who proposed it.
        verbs = [
            v
            for v in AUTHORING.finditer(a.text, 0, plan.start())
            if not re.search(r"(?i)(?<!\w)(?:a|an|the|its|their)\s+$", a.text[: v.start()])
        ]
        if verbs and len(a.text[verbs[-1].end() : plan.start()].split()) <= 4:
            group = _subject(a, 0, verbs[-1].start())
            if group:
                return [m.party for m in group if m.party]
    return []


def plan_authors(analyses: list[Analysis]) -> list[list[str]]:
    """For each sentence, the parties whose draft it quotes: those it names;
    else those named last before it; else the one party that works on plans
    in the text and neither pushes back against them nor is the target of
    their provisions."""
    fallback = _eliminated(analyses)
    current = [fallback] if fallback else []
    out: list[list[str]] = []
    for a in analyses:
        named = [] if a.sentence.heading else _named_authors(a)
        if named:
            current = named
        out.append(current)
    return out


def _eliminated(analyses: list[Analysis]) -> str | None:
    near: Counter[str] = Counter()
    excluded: set[str] = set()
    for a in analyses:
        if a.sentence.heading or not cues.PLANS.search(a.text):
            continue
        for m in a.actors():
            near[m.party or ""] += 1
        for cue in a.cues:
            if cue.effective < 0:
                for m in holders(a, cue):
                    excluded.add(m.party or "")
        for p in cues.PROVISIONS.finditer(a.text):
            for m in a.mentions:
                if m.party and 0 <= m.start - p.end() <= 12:
                    excluded.add(m.party)
    left = [(n, party) for party, n in near.items() if party and party not in excluded]
    return max(left)[1] if left else None
