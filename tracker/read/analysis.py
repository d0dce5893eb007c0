"""A sentence taken apart: its mentions, the issues it touches, its cues, the
draft it quotes the provisions of, and who speaks in it; and, over the whole
text, who a draft's author is and who each quotation's speaker is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.read import clauses, cues
from tracker.read.clauses import Clause
from tracker.read.cues import DRAFT
from tracker.read.issues import Issues, Term
from tracker.read.mentions import Mention, Names, People
from tracker.read.sentences import Sentence
from tracker.read.voices import Voices
from tracker.read.words import stem, tokens

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
    plan_kind: str = DRAFT  # a draft, an agreement, or one named before ("It required")
    speaker: Mention | None = None  # who speaks the sentence, if anyone does
    said_at: int = 0  # where the speech verb ends
    parts: tuple[Clause, ...] = ()

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
    voices = Voices()
    out: list[Analysis] = []
    for s in sentences:
        mentions = people.read(s.text, s.heading, names.find(s.text))
        if s.index == 0:
            voices.first(s, mentions)
        if s.index == 0 or s.paragraph != sentences[s.index - 1].paragraph:
            voices.paragraph(s, mentions)
        if not s.heading:
            actors = [m for m in mentions if m.actor and m.party]
            voices.remember(s, actors)
            mentions = sorted(mentions + voices.mentions(s, mentions), key=lambda m: m.start)
            voices.about(s, actors)
        terms = [] if s.heading else issues.find(s.text)
        found = cues.find(s.text) if terms else []
        a = Analysis(s, mentions, terms, found, *cues.plan_at(s.text))
        a.parts = tuple(clauses.split(s.text, [(m.start, m.end) for m in a.actors()]))
        a.cues = sorted(a.cues + _acts(a, issues), key=lambda c: c.start)
        out.append(a)
    _speakers(out)
    return out, people


# Words between a party and what it did: "Israel had finally withdrawn", "Egypt would reopen".
_AUX = frozenset(
    [
        "has",
        "have",
        "had",
        "would",
        "will",
        "also",
        "then",
        "finally",
        "quickly",
        "later",
        "eventually",
        "subsequently",
        "formally",
        "officially",
        "fully",
        "already",
        "to",
        "did",
        "does",
        "do",
        "not",
        "never",
        "itself",
        "’s",
        "'s",
    ]
)
_NOT = frozenset({"not", "never"})
_WILL = frozenset({"will", "would", "shall"})
_NOT_ACTS = frozenset({"be", "have", "not", "like", "need", "want", "say", "see", "take"})


def _acts(a: Analysis, issues: Issues) -> list[cues.Cue]:
    """A party doing what an issue's proposition says, in so many words: "the
    PLO renounced terrorism", "Egypt would reopen the canal", "Israel's
    withdrawal from Gaza" (a noun of the act after its party)."""
    touched = {t.issue for t in a.terms}
    if not touched:
        return []
    toks = tokens(a.text)
    taken = [(c.start, c.end) for c in a.cues]
    out: list[cues.Cue] = []
    for m in a.actors():
        after = [t for t in toks if t[0] >= m.end][:5]
        negated = False
        will: int | None = None
        prev = "’s" if a.text[m.end : m.end + 2] in ("’s", "'s") else ""
        for start, end, tok in after:
            word = tok.lower()
            if word in _NOT and prev in ("has", "have", "had"):
                break  # "had never established": a fact of the past, no stance
            if word in _AUX:
                negated = negated or word in _NOT
                if word in _WILL and will is None:
                    will = start
                prev = word
                continue
            if any(s <= start < e for s, e in taken):
                break
            # A verb ("renounced", "halts", "would reopen"), or a noun after "'s" ("Israel's withdrawal").
            verb = (word.endswith(("ed", "s")) and not word.endswith("ss")) or prev in _AUX
            acted = [i for i in touched if stem(tok) in issues.acts(i)] if verb else []
            for issue in acted:
                out.append(cues.Cue(start, end, tok, 1, negated, issue))
            if not acted and will is not None and tok.isalpha() and word not in _NOT_ACTS:
                # A commitment: "the United States will help restore ...", "Japan would provide"
                out.append(cues.Cue(will, end, a.text[will:end], 1, negated))
            break
    return out


def speech_subject(a: Analysis, before: int | None = None) -> Mention | None:
    """The person or party who "said", "warned", "told" in the sentence:
    named just before the verb, or just after it ("said Macron")."""
    found = _speech(a, before)
    return found[0] if found else None


def _speech(a: Analysis, before: int | None = None) -> tuple[Mention, int] | None:
    """The speaker and where their speech verb ends."""
    for verb in SPEECH.finditer(a.text):
        if before is not None and verb.start() > before:
            break
        if a.sentence.in_quote(verb.start()) or any(
            m.start <= verb.start() < m.end for m in a.mentions
        ):
            continue  # "States" of "the United States" says nothing
        candidates = [m for m in a.actors() if m.end <= verb.start()]
        if candidates:
            last = candidates[-1]
            between = a.text[last.end : verb.start()]
            if len(between.split()) <= 6 and not BOUNDARY.search(between):
                return _group_head(a, last), verb.end()
        after = [m for m in a.actors() if m.start >= verb.end()]
        if after and len(a.text[verb.end() : after[0].start].split()) <= 1:
            return after[0], after[0].end
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
        found = _speech(a)
        if found is not None:
            a.speaker, a.said_at = found
    for n, a in enumerate(analyses):
        if a.speaker is not None or not a.sentence.quoted:
            continue
        for b in analyses[n + 1 : n + 4]:
            if b.sentence.paragraph != a.sentence.paragraph or not b.sentence.continues:
                break
            if b.speaker is not None:
                a.speaker = b.speaker
                break
