"""Whose draft a sentence quotes the provisions of: the authors a sentence
names ("the US plan", "a plan drafted by Washington", "France and Germany
tabled a proposal", "an agreement between Israel and Lebanon"), else those
named last, else the one party that works on plans in the text and neither
pushes back against them nor is their target."""

from __future__ import annotations

import re
from collections import Counter

from tracker.read import clauses, cues
from tracker.read.analysis import Analysis
from tracker.read.holders import _subject, holders

AUTHORING = re.compile(
    r"(?<!\w)(?:tabled|tables|drafted|drafts|drew up|put forward|puts forward|proposed|proposes|"
    r"presented|presents|circulated|circulates|unveiled|unveils|submitted|submits|offered|"
    r"offers|made|makes)(?!\w)",
    re.IGNORECASE,
)
# The parties of an agreement: "an agreement between A and B", "A and B signed a treaty".
_BETWEEN = re.compile(
    r"\s+(?:\w+\s+){0,3}?(?:between|among|amongst|involving|with|by)\s+(?:the\s+)?", re.I
)
_CONCLUDING = re.compile(
    r"(?i)(?<!\w)(?:signed|signs|concluded|concludes|reached|reach|initial(?:l)?ed|agreed on|"
    r"agreed to|negotiated|struck)(?!\w)"
)
# How long a draft named stays the one "it" refers to, in sentences.
RECENT = 6


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
            part = clauses.at(a.parts, verbs[-1].start())
            group = _subject(a, part.start, verbs[-1].start()) or _subject(a, 0, verbs[-1].start())
            if group:
                return [m.party for m in group if m.party]
    return []


def _agreement_parties(a: Analysis) -> list[str]:
    """The parties a sentence names as an agreement's: "an agreement involving
    the two Koreas, the United States, and Japan", "Egypt and Israel signed
    a treaty"."""
    for deal in cues.AGREEMENTS.finditer(a.text):
        between = _BETWEEN.match(a.text, deal.end())
        if between is not None:
            group = _subject(a, between.end(), between.end() + 200)
            if group and group[0].start <= between.end() + 30:
                return [m.party for m in group if m.party]
        verbs = list(_CONCLUDING.finditer(a.text, 0, deal.start()))
        if verbs and len(a.text[verbs[-1].end() : deal.start()].split()) <= 5:
            group = _subject(a, 0, verbs[-1].start())
            if len(group) >= 2:
                return [m.party for m in group if m.party]
    return []


def plan_authors(analyses: list[Analysis]) -> list[list[str]]:
    """For each sentence, the parties whose draft it quotes: those it names;
    else those named last before it; else the one party that works on plans
    in the text and neither pushes back against them nor is the target of
    their provisions. A draft referred to again ("It required ...") is one
    named in the sentences just before, or none."""
    fallback = _eliminated(analyses)
    current = [fallback] if fallback else []
    named_at = last = -RECENT - 1
    out: list[list[str]] = []
    for n, a in enumerate(analyses):
        drafters = [] if a.sentence.heading else _named_authors(a)
        parties = [] if a.sentence.heading or drafters else _agreement_parties(a)
        if drafters or parties:
            current, named_at = drafters or parties, n
        # A draft's description goes on ("Aid would surge ...") just after it, with no subject.
        continued = a.plan_kind == cues.CONTINUED and (
            n - last > 2
            or n - named_at > 4 * RECENT
            or any(m.start < a.text.find("would") for m in a.actors())
        )
        if (
            (a.plan_kind == cues.AGAIN and n - named_at > RECENT)
            or (a.plan_kind == cues.AGREEMENT and not parties)
            or continued
        ):
            a.plan_at = None  # no draft named of late, or an agreement whose parties are not named
        if a.plan_at is not None:
            last = n
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
