"""Who a sentence speaks of: catalog parties by slug, name, alias and their
usual forms ("Ukrainian negotiators", "the Kremlin"); catalog people (with
their party on the statement's date); people the text introduces with a
party and a role ("French President Emmanuel Macron"), known from then on
by their surname; and "he", "she" or "the president" for the person last
named as a subject. Each mention says whether it can hold a stance there
(an actor), or is a place ("talks in Moscow"), a possession ("Ukraine's
sovereignty") or an adjective of a thing ("Russian forces")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tracker.read import forms
from tracker.read.known import Known, KnownPerson
from tracker.read.words import (
    ACTOR_NOUNS,
    LOCATIVE,
    NOT_NAMES,
    PRONOUNS,
    ROLE_WORDS,
    STANCE_NOUNS,
    THINGS,
    TITLES,
    is_capitalised,
    tokens,
)


@dataclass(frozen=True, slots=True)
class Target:
    kind: str  # "name", "adjective", "seat", "person", "other" (a party the catalog lacks)
    party: str | None = None
    person: KnownPerson | None = None
    other: forms.Entry | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    kind: str  # a Target's kind, or "local" (a person the text introduced), "pronoun"
    party: str | None
    person: str | None = None
    actor: bool = True
    role: str | None = None


def _short_caps(form: str) -> bool:
    """ "US", "EU", "NATO", "U.S.": matched only as written."""
    letters = form.replace(".", "")
    return letters.isupper() and len(letters) <= 5


class Names:
    """The names of the catalog (and of the parties it lacks), compiled once
    for a text."""

    def __init__(self, known: Known, day: dt.date) -> None:
        self.day = day
        self.targets: dict[str, Target] = {}
        self.exact: dict[str, Target] = {}
        party_names: set[str] = set()
        for p in known.parties:
            own = [p.name, *p.aliases, p.slug.replace("-", " ")]
            party_names |= {n.casefold() for n in own}
            entry = forms.entry_for((*own, p.slug))
            for name in own:
                self._add(name, Target("name", p.slug))
            if entry is not None:
                for name in entry.names:
                    self._add(name, Target("name", p.slug))
                for adjective in entry.adjectives:
                    self._add(adjective, Target("adjective", p.slug))
                    if adjective.endswith(("an", "i")):
                        # "the Syrians insisted", "the Israelis refused"
                        self._add(adjective + "s", Target("name", p.slug))
                for seat in entry.seats:
                    self._add(seat, Target("seat", p.slug))
        for person in known.people:
            for name in (person.name, *person.aliases):
                self._add(name, Target("person", person=person))
            surname = person.name.split()[-1]
            if len(surname) >= 4:
                self._add(surname, Target("person", person=person))
        for entry in forms.entries():
            if not {n.casefold() for n in entry.names} & party_names:
                for name in entry.names:
                    self._add(name, Target("other", other=entry))
        self.pattern = self._compile()
        # Every word of every name ("European" of "European Union"): no issue's own term.
        self.words = {w.casefold() for form in [*self.exact, *self.targets] for w in form.split()}

    def _add(self, form: str, target: Target) -> None:
        form = " ".join(form.split())
        if len(form) < 2:
            return
        table = self.exact if _short_caps(form) else self.targets
        # "People's Republic" is written with either apostrophe.
        for variant in {form, form.replace("'", "’"), form.replace("’", "'")}:
            table.setdefault(variant if table is self.exact else variant.casefold(), target)

    def _compile(self) -> re.Pattern[str]:
        # Longest first, so that "United States of America" wins over "United States".
        forms = [(f, re.escape(f)) for f in self.exact]
        forms += [(f, f"(?i:{re.escape(f)})") for f in self.targets]
        alternatives = [pattern for _, pattern in sorted(forms, key=lambda f: -len(f[0]))]
        if not alternatives:
            return re.compile(r"(?!x)x")
        return re.compile(r"(?<![\w.])(?:" + "|".join(alternatives) + r")(?![\w])")

    def target(self, text: str) -> Target | None:
        return self.exact.get(text) or self.targets.get(text.casefold())

    def find(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        toks = tokens(text)
        for m in self.pattern.finditer(text):
            form = m.group()
            target = self.target(form)
            if target is None or (not form[:1].isupper() and form.casefold() != form):
                continue
            if not form[:1].isupper() and target.kind != "name":
                continue
            party = target.party
            person = None
            kind = target.kind
            if target.person is not None:
                person = target.person.name
                party = target.person.party_on(self.day)
            actor = kind in ("name", "seat", "person", "adjective") and _is_actor(
                text, toks, m.start(), m.end(), kind
            )
            found.append(Mention(m.start(), m.end(), form, kind, party, person, actor))
        return found


def _is_actor(text: str, toks: list[tuple[int, int, str]], start: int, end: int, kind: str) -> bool:
    before = [t for t in toks if t[1] <= start]
    after = [t for t in toks if t[0] >= end]
    prev = before[-1][2].lower() if before else ""
    if prev == "the" and len(before) > 1:
        prev2 = before[-2][2].lower()
        prev = prev2 if prev2 in LOCATIVE else prev
    if end < len(text) and text[end] in "-‑‐" and end + 1 < len(text) and text[end + 1].isalpha():
        return False  # "Russia-backed"
    if kind == "person":
        return True
    if prev in LOCATIVE:
        return False
    following = [t[2].lower() for t in after[:4]]
    if kind == "adjective":
        if following[:1] and following[0] in STANCE_NOUNS:
            return True  # "Israeli objections", "the U.S. proposal"
        for word in following[:3]:
            if word in ACTOR_NOUNS:
                return True
            if not (word in ("and", ",", "or") or word.isalpha() or word in ROLE_WORDS):
                return False
        return False
    if following[:1] in (["’s"], ["'s"], ["’"], ["'"]) or text[end : end + 2] in ("’s", "'s"):
        rest = [w for w in following if w not in ("’s", "'s", "’", "'")]
        # "Kyiv's delegation", and "Iran's refusal", "Israel's withdrawal"
        return any(w in ROLE_WORDS for w in rest[:2]) or rest[:1] in ([w] for w in STANCE_NOUNS)
    return True


@dataclass
class People:
    """The people a text introduces, learned as it is read, and the person a
    pronoun stands for."""

    names: Names
    learned: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)
    last_subject: Mention | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def read(self, text: str, heading: bool, found: list[Mention]) -> list[Mention]:
        """`found` with the people learned or recalled here, and pronouns."""
        toks = tokens(text)
        taken = [(m.start, m.end) for m in found]
        extra: list[Mention] = []
        if not heading:
            for start, end, name, role in _name_runs(text, toks, self.names):
                if any(s < end and start < e for s, e in taken):
                    continue
                party = _party_near(found, toks, start, end)
                known = self.learned.get(name)
                if known is None:
                    self.learned[name] = (party, role)
                    self.surnames.setdefault(name.split()[-1], name)
                elif known[0] is None and party is not None:
                    self.learned[name] = (party, role or known[1])
                self.counts[name] = self.counts.get(name, 0) + 1
                extra.append(Mention(start, end, name, "local", self.learned[name][0], name))
                taken.append((start, end))
        for start, end, tok in toks:
            full = self.surnames.get(tok)
            if full and not any(s < end and start < e for s, e in taken):
                party, role = self.learned[full]
                extra.append(Mention(start, end, tok, "local", party, full, True, role))
                taken.append((start, end))
        mentions = sorted(found + extra, key=lambda m: m.start)
        mentions = self._pronouns(text, toks, mentions)
        people = [m for m in mentions if m.person and m.kind != "pronoun"]
        if people and not heading:
            self.last_subject = people[0]
        return mentions

    def _pronouns(
        self, text: str, toks: list[tuple[int, int, str]], mentions: list[Mention]
    ) -> list[Mention]:
        out = list(mentions)
        for n, (start, end, tok) in enumerate(toks):
            word = tok.lower()
            the_role = word == "the" and n + 1 < len(toks) and toks[n + 1][2].lower() in (
                "president", "chancellor", "minister", "envoy", "premier",
            )  # fmt: skip
            if word not in PRONOUNS and not the_role:
                continue
            earlier = [m for m in out if m.person and m.end <= start and m.kind != "pronoun"]
            ref = earlier[0] if earlier else self.last_subject
            if ref is None:
                continue
            stop = toks[n + 1][1] if the_role else end
            out.append(
                Mention(start, stop, text[start:stop], "pronoun", ref.party, ref.person, True)
            )
        return sorted(out, key=lambda m: m.start)


_PARTICLES = frozenset(
    ["von", "van", "der", "de", "da", "al", "bin", "el", "di", "du", "le", "la", "ibn"]
)


def _name_runs(
    text: str, toks: list[tuple[int, int, str]], names: Names
) -> list[tuple[int, int, str, str | None]]:
    """Runs of two to four capitalised words that name a person no catalog
    knows: (start, end, name, the role words before it)."""
    runs: list[tuple[int, int, str, str | None]] = []
    n = 0
    while n < len(toks):
        run: list[tuple[int, int, str]] = []
        k = n
        while k < len(toks):
            tok = toks[k][2]
            if (
                is_capitalised(tok) and tok not in TITLES and tok.rstrip("’'s") not in NOT_NAMES
            ) or (
                tok in _PARTICLES and run and k + 1 < len(toks) and is_capitalised(toks[k + 1][2])
            ):
                run.append(toks[k])
            else:
                break
            k += 1
        if (
            2 <= len(run) <= 4
            and not any(_word(t[2]) in THINGS for t in run)
            and not any(names.target(t[2]) for t in run)
            and not (n == 0 and run[0][2] in NOT_NAMES)
        ):
            role = _role_before(toks, n)
            name = re.sub(r"[’']s$", "", text[run[0][0] : run[-1][1]])  # "Donald Trump’s"
            runs.append((run[0][0], run[0][0] + len(name), name, role))
        n = max(k, n + 1)
    return runs


def _word(token: str) -> str:
    return re.sub(r"[’']s$", "", token)


_NOT_ROLE = frozenset({"the", "a", "its", "his", "her", "their", "led", "by", "new", "former"})
_HONORIFICS = frozenset({"Sir", "Dame", "Dr", "Mr", "Mrs", "Ms", "Lord", "Lady"})


def _role_before(toks: list[tuple[int, int, str]], n: int) -> str | None:
    """The words of a role just before a name ("foreign policy chief")."""
    words: list[str] = []
    k = n - 1
    while k >= 0 and (toks[k][2] in TITLES or toks[k][2].lower() in ROLE_WORDS):
        if toks[k][2].lower() in _NOT_ROLE:
            break
        if toks[k][2] not in _HONORIFICS:
            words.insert(0, toks[k][2])
        k -= 1
    return " ".join(words) or None


_ALLOWED_BETWEEN = ROLE_WORDS | frozenset({",", "’s", "'s", "’", "'", "and"})


def _party_near(
    mentions: list[Mention], toks: list[tuple[int, int, str]], start: int, end: int
) -> str | None:
    """The party of a person named at start..end: one named just before it
    through words of a role ("UK Labour leader Sir Keir Starmer"), or just
    after it in apposition ("Volodymyr Zelensky, Ukraine's president")."""
    index = {t[0]: i for i, t in enumerate(toks)}
    first = index.get(start)
    if first is None:
        return None
    k = first - 1
    walked = 0
    while k >= 0 and walked < 8:
        tok = toks[k][2]
        owner = next((m for m in mentions if m.start <= toks[k][0] < m.end), None)
        if owner is not None and owner.party and owner.kind in ("name", "adjective", "seat"):
            return owner.party
        if not (tok in TITLES or tok.lower() in _ALLOWED_BETWEEN or is_capitalised(tok)):
            break
        k -= 1
        walked += 1
    last = next((i for i, t in enumerate(toks) if t[1] == end), None)
    if last is not None and last + 1 < len(toks) and toks[last + 1][2] == ",":
        for m in mentions:
            if m.start > end and m.party and m.kind in ("name", "adjective", "seat"):
                between = [t[2].lower() for t in toks if end < t[0] < m.start]
                if all(w in _ALLOWED_BETWEEN for w in between):
                    return m.party
                break
    return None
