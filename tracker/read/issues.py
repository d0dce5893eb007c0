"""Which issues a sentence touches: the issue's keywords, its slug, title and
aliases as phrases, pairs of its title's words, and its proposition's
terms, each with a weight; a sentence touches an issue when the weights of
the distinct terms it holds reach 1. `Issues.named` is the stricter
question a draft's point asks: which issues a text names, by one of those
names as a whole (`tracker draft`)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tracker.read.known import Known, KnownIssue
from tracker.read.mentions import Names
from tracker.read.words import NOT_NAMES, stem, tokens, words

STOP = words(
    """
    the a an of on in for to and or its it their his her is are be may can will would should
    with from by as at that this which who still subject after before receives receive join
    joins used use terms any all more most some other own than
    """
)

KEYWORD, PHRASE, PAIR, TITLE_WORD, PROPER, PROPOSITION_WORD = 1.0, 1.0, 1.0, 0.6, 1.0, 0.35
THRESHOLD = 1.0


@dataclass(frozen=True, slots=True)
class Term:
    issue: str
    start: int
    end: int
    text: str
    weight: float
    strength: float = 0.0  # how surely the sentence touches the issue: 1 at most


def _word(word: str) -> str:
    """A word and its other forms ("territory": "territories", "territorial")."""
    if len(word) < 5 or not word.isalpha():
        return re.escape(word)
    return re.escape(stem(word)) + r"\w*"


def _phrase(text: str) -> re.Pattern[str]:
    words = [_word(w) for w in re.findall(r"[\w]+", text)]
    return re.compile(r"(?<!\w)" + r"[\s\-‑’']+".join(words) + r"(?!\w)", re.IGNORECASE)


def _content(text: str, names: Names) -> list[tuple[str, bool]]:
    """The words of a title or proposition that say something: (word, whether
    it is a party's name)."""
    out = []
    for _, _, tok in tokens(text):
        if not tok[:1].isalnum() or tok.lower() in STOP or len(tok) < 3:
            continue
        bare = tok.removesuffix("’s").removesuffix("'s")  # "Ukraine's" is a party's name too
        out.append((tok, names.target(bare) is not None))
    return out


@dataclass
class _Matcher:
    issue: KnownIssue
    names: list[re.Pattern[str]]  # keywords, slug, title, aliases: each a whole name
    phrases: list[tuple[re.Pattern[str], float]]
    words: dict[str, float]  # stem -> weight
    acts: frozenset[str] = frozenset()  # stems of the proposition's words


class Issues:
    def __init__(self, known: Known, names: Names) -> None:
        # A proper name in several propositions ("Gaza" in four) tells none of them apart.
        shared: dict[str, int] = {}
        for issue in known.issues:
            for word in {stem(w) for w, _ in _content(issue.proposition or "", names)}:
                shared[word] = shared.get(word, 0) + 1
        common = frozenset(w for w, n in shared.items() if n > 1)
        self.matchers = [self._matcher(i, names, common) for i in known.issues]

    @staticmethod
    def _matcher(issue: KnownIssue, names: Names, common: frozenset[str]) -> _Matcher:
        phrases: list[tuple[re.Pattern[str], float]] = []
        for keyword in issue.keywords:
            if keyword.strip():
                phrases.append((_phrase(keyword), KEYWORD))
        if len(issue.slug) >= 4:
            phrases.append((_phrase(issue.slug.replace("-", " ")), PHRASE))
        phrases.append((_phrase(issue.title), PHRASE))
        for alias in issue.aliases:
            if len(alias.strip()) >= 4:
                phrases.append((_phrase(alias), PHRASE))
        whole = [pattern for pattern, _ in phrases]
        title = _content(issue.title, names)
        for (first, _), (second, _) in itertools.pairwise(title):
            pair = rf"(?<!\w){re.escape(first)}\W+(?:[\w’']+\W+){{0,2}}?{re.escape(second)}(?!\w)"
            phrases.append((re.compile(pair, re.IGNORECASE), PAIR))
        words: dict[str, float] = {}
        for word, is_party in title:
            if not is_party:
                words[stem(word)] = max(words.get(stem(word), 0), TITLE_WORD)
        proposition = issue.proposition or ""
        for word, is_party in _content(proposition, names):
            if is_party or word.casefold() in names.words:
                continue  # "United" of "The United States keeps ..." says nothing of the issue
            proper = (
                word[:1].isupper()
                and stem(word) not in common
                and not proposition.startswith(word)
                and word.casefold() not in names.words
                and word not in NOT_NAMES
            )
            weight = PROPER if proper else PROPOSITION_WORD if len(word) >= 5 else 0
            if weight:
                words[stem(word)] = max(words.get(stem(word), 0), weight)
        acts = frozenset(stem(w) for w, party in _content(proposition, names) if not party)
        return _Matcher(issue, whole, phrases, words, acts)

    def acts(self, slug: str) -> frozenset[str]:
        """The stems of an issue's proposition, what a party does to it."""
        return next((m.acts for m in self.matchers if m.issue.slug == slug), frozenset())

    def find(self, text: str) -> list[Term]:
        """The terms of each issue the sentence touches, in the text's order."""
        toks = tokens(text)
        stems = [(s, e, t, stem(t)) for s, e, t in toks if t[:1].isalnum()]
        found: list[Term] = []
        for matcher in self.matchers:
            terms: list[Term] = []
            for pattern, weight in matcher.phrases:
                for m in pattern.finditer(text):
                    terms.append(Term(matcher.issue.slug, m.start(), m.end(), m.group(), weight))
            seen: dict[str, float] = {}
            for s, e, t, st in stems:
                weight = matcher.words.get(st, 0)
                if weight:
                    terms.append(Term(matcher.issue.slug, s, e, t, weight))
                    seen[st] = weight
            phrase_weight = max(
                (t.weight for t in terms if " " in t.text or t.weight >= 1), default=0
            )
            total = max(phrase_weight, sum(seen.values()))
            if total >= THRESHOLD:
                strength = min(1.0, total)
                found += [Term(t.issue, t.start, t.end, t.text, t.weight, strength) for t in terms]
        return sorted(found, key=lambda t: t.start)

    def named(self, text: str) -> list[str]:
        """The slugs of the issues `text` names: one of an issue's keywords,
        its slug, its title or an alias, each as a whole (in its other
        forms: "territories" for "territory"), never one of its words alone."""
        return [m.issue.slug for m in self.matchers if any(p.search(text) for p in m.names)]
