"""From a text to proposals: for each issue term a sentence holds, the cue
that governs it, who holds that stance, and how sure the reader is."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from tracker.read import clauses, cues, forms
from tracker.read.analysis import REPORTED, SPEECH, Analysis, analyse
from tracker.read.holders import holders
from tracker.read.issues import Issues, Term
from tracker.read.known import Known
from tracker.read.mentions import Mention, Names, People
from tracker.read.plans import plan_authors
from tracker.read.sentences import split
from tracker.read.source import Document
from tracker.read.types import Proposal, Reading, Unknown
from tracker.read.words import PROCESS_NOUNS
from tracker.slugs import slug_from

SUMMARY_WIDTH = 200
# How sure a proposal is, by who holds it; then lowered for what was uncertain.
BASE = {"person": 0.85, "party": 0.75, "reported": 0.6, "inferred": 0.55}


def read(
    doc: Document,
    known: Known,
    stated_on: dt.date,
    source: str | None,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
) -> Reading:
    """The proposals a document makes, given what the catalog knows; only
    for these parties and issues (slugs) if any are given."""
    names = Names(known, stated_on)
    analyses, people = analyse(split(doc.text), names, Issues(known, names))
    authors = plan_authors(analyses)
    # What an issue's support means: its proposition and its title.
    wording = {i.slug: f"{i.proposition or ''} {i.title}" for i in known.issues}
    found: list[Proposal] = []
    for a, drafters in zip(analyses, authors, strict=True):
        found += _sentence(a, drafters, wording, stated_on, source)
    if parties:
        found = [p for p in found if p.party in parties]
    if issues:
        found = [p for p in found if p.issue in issues]
    return Reading(doc.title, stated_on, source, _best(found), _unknown(analyses, people, known))


def _best(found: list[Proposal]) -> tuple[Proposal, ...]:
    """One proposal per party, issue and stance: the surest, in the text's order."""
    best: dict[tuple[str, str, int], Proposal] = {}
    order: list[tuple[str, str, int]] = []
    for p in found:
        k = (p.party, p.issue, p.score)
        if k not in best:
            order.append(k)
            best[k] = p
        elif p.confidence > best[k].confidence:
            best[k] = p
    return tuple(best[k] for k in order)


def _governing(a: Analysis, term: Term) -> cues.Cue | None:
    """The cue a term answers to, in the term's clause: the nearest before
    it, else the first after; in a clause with no cue nor subject of its own,
    the nearest before. A term in a condition ("if Russia accepts a
    ceasefire") answers to none."""
    part = clauses.at(a.parts, term.start)
    mine = [c for c in a.cues if c.issue in (None, term.issue)]
    if part.kind == clauses.CONDITION:
        return None
    inside = [c for c in mine if part.start <= c.start < part.end]
    # Before the term, or inside it ("renounced terrorism" is a term of its own issue).
    before = [c for c in inside if c.start < term.end and (c.end <= term.start or c.issue)]
    if before:
        return before[-1]
    after = [c for c in inside if c.start >= term.end]
    if after:
        return after[0]
    if any(part.start <= m.start < term.start for m in a.actors()):
        return None
    earlier = [c for c in mine if c.end <= part.start]
    return earlier[-1] if earlier else None


def _provision(a: Analysis, term: Term) -> re.Match[str] | None:
    """The draft's provision a term falls under ("would require Ukraine to cede")."""
    if a.plan_at is None or term.start < a.plan_at:
        return None
    found = list(cues.PROVISIONS.finditer(a.text, a.plan_at))
    before = [p for p in found if p.start() < term.start]
    if before:
        return before[-1]
    # The term as the provision's subject: "Humanitarian assistance would surge".
    part = clauses.at(a.parts, term.start)
    after = [p for p in found if term.end <= p.start() < part.end]
    return after[0] if after else None


def _sentence(
    a: Analysis, authors: list[str], wording: dict[str, str], day: dt.date, source: str | None
) -> list[Proposal]:
    out: list[Proposal] = []
    # An issue's surest term in each clause: "X withdrew from the Golan, but Y did not
    # withdraw from the Golan" holds two stances.
    by_issue: dict[tuple[str, int], list[Term]] = {}
    for term in a.terms:
        by_issue.setdefault((term.issue, clauses.at(a.parts, term.start).start), []).append(term)
    for (issue, _), terms in by_issue.items():
        term = max(terms, key=lambda t: (t.weight, -t.start))
        provision = _provision(a, term)
        plan_score: int | None = None
        if provision is not None:
            governed = cues.scope(a.text, provision.start(), term.start, term.end)
            turned = cues.turns(governed, wording[issue])
            plan_score = -1 if turned else 1
            said = cues.Cue(provision.start(), provision.end(), provision.group(), 1, False)
            for author in authors:
                out.append(
                    _make(
                        a,
                        author,
                        None,
                        issue,
                        plan_score,
                        "inferred",
                        said,
                        term,
                        day,
                        source,
                        None,
                    )
                )
        cue = _governing(a, term)
        if cue is None or (provision is not None and cue.start >= provision.start()):
            continue
        if plan_score is not None and a.plan_at is not None and cue.end <= a.plan_at:
            # Pushing back against a plan is opposing what it provides.
            score = cue.effective * plan_score
        else:
            score = cue.effective
            if cues.turns(cues.scope(a.text, cue.end, term.start, term.end), wording[issue]):
                score = -score
        conditions = None
        if score == 2:
            conditions = _process(a.text, cue, wording[issue])
            if conditions is not None:
                score = 0
        for holder in holders(a, cue):
            assert holder.party is not None
            basis, base = _basis(a, holder)
            p = _make(
                a, holder.party, holder, issue, score, basis, cue, term, day, source, conditions
            )
            out.append(_lowered(p, base, cue, term, holder))
    return out


def _process(text: str, cue: cues.Cue, issue_words: str) -> str | None:
    """A demand for a say rather than an outcome ("require European
    involvement"): the words of the demand, as the proposal's conditions."""
    after = text[cue.end : cue.end + 60]
    for m in re.finditer(r"[\w’']+", after):
        word = m.group().lower()
        if word in PROCESS_NOUNS and word not in issue_words.lower():
            return text[cue.start : cue.end + m.end()]
        if m.start() > 40:
            break
    return None


def _basis(a: Analysis, holder: Mention) -> tuple[str, float]:
    if holder.person is not None:
        return "stated", BASE["person"]
    if holder.kind == "voice":
        return "stated", BASE["party"]  # "we" of a statement its authors sign
    on_record = (
        a.speaker is holder or re.search(r"(?i)\bpublicly\b", a.text) or SPEECH.search(a.text)
    )
    if on_record and not REPORTED.search(a.text):
        return "stated", BASE["party"]
    return "reported", BASE["reported"]


def _summary(a: Analysis, cue: cues.Cue, term: Term) -> str:
    text = " ".join(a.text.split())
    if len(text) <= SUMMARY_WIDTH:
        return text
    start = max(0, min(cue.start, term.start) - 60)
    end = min(len(text), max(cue.end, term.end) + 60)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    cut = text.find(" ", end)
    end = len(text) if cut < 0 else cut
    piece = text[start:end].strip(" ,;")
    return ("…" if start else "") + piece + ("…" if end < len(text) else "")


def _make(
    a: Analysis,
    party: str,
    holder: Mention | None,
    issue: str,
    score: int,
    basis: str,
    cue: cues.Cue,
    term: Term,
    day: dt.date,
    source: str | None,
    conditions: str | None,
) -> Proposal:
    speaker = holder.person if holder is not None else None
    quote = a.sentence.quote_text() if holder is not None and a.speaker is holder else None
    confidence = BASE["inferred"] if basis == "inferred" else 0.0
    return Proposal(
        party, issue, score, day, _summary(a, cue, term), quote, speaker, source, basis,
        conditions, a.text, cue.text, (cue.start, cue.end), confidence,
    )  # fmt: skip


def _lowered(p: Proposal, base: float, cue: cues.Cue, term: Term, holder: Mention) -> Proposal:
    confidence = base * min(1.0, term.strength, term.weight + 0.4)
    if cue.negated:
        confidence -= 0.15
    if cue.start > term.start:
        confidence -= 0.1
    if holder.kind in ("pronoun", "group"):
        confidence -= 0.1
    if p.conditions is not None:
        confidence -= 0.05
    return Proposal(
        p.party, p.issue, p.score, p.stated_on, p.summary, p.quote, p.speaker, p.source,
        p.basis, p.conditions, p.evidence, p.cue, p.cue_at, round(max(0.05, confidence), 2),
    )  # fmt: skip


def slug_of(name: str) -> str:
    return slug_from(name) or "party"


def _quoted(text: str) -> str:
    return text if re.fullmatch(r"[\w.-]+", text) else '"' + text.replace('"', "'") + '"'


def _unknown(analyses: list[Analysis], people: People, known: Known) -> tuple[Unknown, ...]:
    """Parties and people the text names that the catalog lacks, most named first."""
    parties: dict[str, tuple[forms.Entry, int]] = {}
    named: dict[str, int] = {}  # people, by the mentions outside an issue's terms
    for a in analyses:
        if a.sentence.heading:
            continue
        for m in a.mentions:
            if any(t.start <= m.start < t.end for t in a.terms):
                continue  # "NATO" of "NATO membership", "Philadelphi" of "Philadelphi Corridor"
            if m.kind == "local" and m.person is not None:
                named[m.person] = named.get(m.person, 0) + 1
            if m.kind == "other":
                entry = forms.entry_for((m.text,))
                if entry is not None:
                    old = parties.get(entry.name, (entry, 0))
                    parties[entry.name] = (entry, old[1] + 1)
    found = [
        Unknown(
            name,
            "party",
            n,
            f"tracker party add {slug_of(name)} --name {_quoted(name)} --kind {entry.kind}",
        )
        for name, (entry, n) in parties.items()
    ]
    known_people = {p.name.casefold() for p in known.people}
    for name, n in people.counts.items():
        if name.casefold() in known_people or not named.get(name):
            continue
        party, role = people.learned[name]
        command = f"tracker person add {_quoted(name)} --party {party or 'PARTY'}"
        if role:
            command += f" --role {_quoted(role)}"
        found.append(Unknown(name, "person", n, command))
    return tuple(sorted(found, key=lambda u: (-u.mentions, u.kind, u.name)))
