"""Which point of one version is which point of the next (SPEC, "Pairing"):
by content, never by number, since a plan revised from 28 points to 19
renumbers most of them.

Points whose texts are equal but for case, punctuation and whitespace pair
first (`unchanged`). Among the rest, two points may pair only if at least
half of the words of the shorter appear in the other; of the pairs that
may, the most similar are taken first (`reworded`), each point in one pair
at most. Similarity is the normalized Indel similarity of the two word
sequences (twice their longest common subsequence of words, over the words
of both), computed by rapidfuzz. Ties are broken by the texts themselves,
never by the points' places, so reordering or renumbering a version
changes no pair. What is left is `removed` (FROM's) or `added` (TO's).
docs/architecture.md says why rapidfuzz and not difflib.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.core.draft_text import Point, key, words
from tracker.core.draft_types import ADDED, REMOVED, REWORDED, UNCHANGED


@dataclass(frozen=True, slots=True)
class Pair:
    """A point of FROM and its point in TO (None for an added or a removed one)."""

    change: str
    old: Point | None
    new: Point | None


def _may_pair(a: Counter[str], a_len: int, b: Counter[str], b_len: int, shared: set[str]) -> bool:
    """At least half of the words of the shorter text (`a_len`, `b_len`: how
    many words each has; `shared`: the words both hold) appear in the other."""
    short, total = (a, a_len) if a_len <= b_len else (b, b_len)
    if total == 0:
        return False
    if 2 * len(shared) >= total:  # each shared word counts once at least
        return True
    return 2 * sum(map(short.__getitem__, shared)) >= total


def _exact(
    old: Sequence[Point], new: Sequence[Point]
) -> tuple[dict[int, int], list[Point], list[Point]]:
    """Points with equal keys, paired in their order: {old position: new
    position}, and the points of each side left over."""
    waiting: dict[str, list[Point]] = {}
    for p in new:
        waiting.setdefault(key(p.text), []).append(p)
    pairs: dict[int, int] = {}
    left_old: list[Point] = []
    for p in old:
        same = waiting.get(key(p.text))
        if same:
            pairs[p.position] = same.pop(0).position
        else:
            left_old.append(p)
    taken = set(pairs.values())
    return pairs, left_old, [p for p in new if p.position not in taken]


def _reworded(old: Sequence[Point], new: Sequence[Point]) -> dict[int, int]:
    """The most similar pairs first, among those that may pair."""
    from rapidfuzz.distance import Indel

    if not old or not new:
        return {}
    old_words = [words(p.text) for p in old]
    new_words = [words(p.text) for p in new]
    old_counts = [Counter(w) for w in old_words]
    new_counts = [Counter(w) for w in new_words]
    old_keys = [key(p.text) for p in old]
    new_keys = [key(p.text) for p in new]
    # Which new points share a word with each old one: the only candidates.
    holding: dict[str, set[int]] = {}
    for j, counts in enumerate(new_counts):
        for word in counts:
            holding.setdefault(word, set()).add(j)
    new_sets = [set(c) for c in new_counts]
    new_lens = [len(w) for w in new_words]
    candidates: list[tuple[float, str, str, int, int]] = []
    similarity = Indel.normalized_similarity
    for i, counts in enumerate(old_counts):
        mine, size = set(counts), len(old_words[i])
        near = set().union(*(holding[w] for w in mine if w in holding))
        for j in near:
            if _may_pair(counts, size, new_counts[j], new_lens[j], mine & new_sets[j]):
                score = similarity(old_words[i], new_words[j])
                candidates.append((-score, old_keys[i], new_keys[j], i, j))
    candidates.sort(key=lambda c: c[:3])
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, _, _, i, j in candidates:
        if old[i].position in pairs or j in used:
            continue
        pairs[old[i].position] = new[j].position
        used.add(j)
    return pairs


def pair(old: Sequence[Point], new: Sequence[Point]) -> list[Pair]:
    """The points of `old` (FROM) and `new` (TO) paired, in TO's order, each
    removed point after the point that preceded it in FROM (SPEC's order)."""
    exact, left_old, left_new = _exact(old, new)
    reworded = _reworded(left_old, left_new)
    matched = {**exact, **reworded}
    by_old = {p.position: p for p in old}
    new_to_old = {n: o for o, n in matched.items()}
    return ordered(
        old,
        [
            (
                Pair(UNCHANGED if o in exact else REWORDED, by_old[o], p)
                if (o := new_to_old.get(p.position)) is not None
                else Pair(ADDED, None, p)
            )
            for p in new
        ],
        matched,
    )


def ordered(old: Sequence[Point], kept: list[Pair], matched: dict[int, int]) -> list[Pair]:
    """`kept` (the pairs of TO's points, in TO's order) with FROM's points
    that went (`matched` holds those that stayed) each placed after the
    point that preceded it in FROM: after the pair of the nearest earlier
    FROM point that stayed, in FROM's order; at the top if none did."""
    after: dict[int | None, list[Pair]] = {}
    anchor: int | None = None  # the TO position of the last FROM point that stayed
    for p in old:
        if p.position in matched:
            anchor = matched[p.position]
        else:
            after.setdefault(anchor, []).append(Pair(REMOVED, p, None))
    out = list(after.get(None, []))
    for item in kept:
        out.append(item)
        assert item.new is not None
        out += after.get(item.new.position, [])
    return out
