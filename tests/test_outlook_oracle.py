"""Property tests: `outlook` and `align` against an oracle written from
SPEC's words alone ("Outlook and alignment"), over random histories of
stances, retractions and known-at cut-offs (the time semantics' histories),
on every backend."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import (
    BASE_DAY,
    BASE_TIME,
    Fact,
    RawStatement,
    day,
    examples,
    finish,
    known_at,
    load,
    oracle_stance,
    raw_statement,
    rolled_back,
)
from tracker.core import agreement as outlook
from tracker.db import Database

PARTIES = ("p0", "p1", "p2", "p3", "p4")
ISSUES = ("i0", "i1", "i2")
history = st.lists(raw_statement(PARTIES, ISSUES), max_size=30)
compare = st.none() | day
threshold = st.sampled_from(
    [Fraction(0), Fraction(1, 2), Fraction(3, 4), Fraction(5, 6), Fraction(7, 8), Fraction(1)]
)

Scores = dict[tuple[str, str], int]


def stances(facts: list[Fact], d: dt.date, k: dt.datetime | None) -> Scores:
    """Every (party, issue) with a stance as of `d`, known at `k`: its score."""
    found = {}
    for p, i in itertools.product(PARTIES, ISSUES):
        fact = oracle_stance(facts, p, i, d, k)
        if fact is not None:
            found[p, i] = fact.score
    return found


# --- outlook, from SPEC's words ----------------------------------------------------

ORDER = ["agreed", "within reach", "contested", "deadlocked"]


def spec_class(scores: list[int]) -> str:
    """The first rule that applies."""
    if all(s >= 1 for s in scores) or all(s <= -1 for s in scores):
        return "agreed"
    if -2 in scores and 2 in scores:
        return "deadlocked"
    if max(scores) - min(scores) <= 1:
        return "within reach"
    return "contested"


def spec_outlook(now: Scores, then: Scores | None) -> list[dict[str, Any]]:
    found = []
    for issue in ISSUES:
        holders = {p: s for (p, i), s in now.items() if i == issue}
        if len(holders) < 2:  # "each issue where at least two parties hold a stance"
            continue
        scores = list(holders.values())
        kind = spec_class(scores)
        side = None
        if kind == "agreed":
            side = "for" if all(s >= 1 for s in scores) else "against"
        n_for = len([s for s in scores if s >= 1])
        n_against = len([s for s in scores if s <= -1])
        if n_for > n_against:
            holdouts = [p for p, s in holders.items() if s <= -1]
        elif n_for < n_against:
            holdouts = [p for p, s in holders.items() if s >= 1]
        else:
            holdouts = []
        compare_class = None
        if then is not None:
            before = [s for (p, i), s in then.items() if i == issue]
            compare_class = spec_class(before) if len(before) >= 2 else None
        found.append(
            {
                "issue": issue,
                "class": kind,
                "side": side,
                "spread": max(scores) - min(scores),
                "holders": len(holders),
                "low": sorted(p for p, s in holders.items() if s == min(scores)),
                "high": sorted(p for p, s in holders.items() if s == max(scores)),
                "holdouts": sorted(holdouts),
                "undecided": sorted(p for p, s in holders.items() if s == 0),
                "compare_class": compare_class,
            }
        )
    # "ordered agreed, within reach, contested, deadlocked, then by spread, then by slug"
    return sorted(found, key=lambda i: (ORDER.index(i["class"]), i["spread"], i["issue"]))


# --- alignment, from SPEC's words ---------------------------------------------------


def spec_agreements(scores: Scores) -> dict[tuple[str, str], tuple[int, Fraction]]:
    """Each pair (a < b by slug) with a shared issue: (shared, agreement)."""
    found = {}
    for a, b in itertools.combinations(sorted(PARTIES), 2):
        shared = [i for i in ISSUES if (a, i) in scores and (b, i) in scores]
        if not shared:
            continue
        distance = Fraction(sum(abs(scores[a, i] - scores[b, i]) for i in shared), len(shared))
        found[a, b] = (len(shared), 1 - distance / 4)
    return found


def spec_blocs(
    pairs: dict[tuple[str, str], tuple[int, Fraction]], threshold: Fraction
) -> list[list[str]]:
    """Connected groups of two or more, joined by pairs at or above the threshold."""
    edges = {pair for pair, (_, agreement) in pairs.items() if agreement >= threshold}
    groups: list[set[str]] = []
    for a, b in edges:
        touching = [g for g in groups if a in g or b in g]
        merged = {a, b}.union(*touching)
        groups = [g for g in groups if g not in touching] + [merged]
    blocs = [sorted(g) for g in groups]
    return sorted(blocs, key=lambda bloc: (-len(bloc), bloc[0]))


def check(
    database: Database,
    rows: list[RawStatement],
    d: dt.date,
    c: dt.date | None,
    k: dt.datetime | None,
    t: Fraction,
) -> None:
    session = rolled_back(database)
    try:
        facts = load(session, rows, PARTIES, ISSUES)
        now = stances(facts, d, k)
        then = stances(facts, c, k) if c is not None else None

        got = outlook.outlook(session, d, k, compare=c).to_json()
        assert got["issues"] == spec_outlook(now, then)
        assert got["compare"] == (c.isoformat() if c else None)

        aligned = outlook.align(session, d, k, compare=c, threshold=t)
        want = spec_agreements(now)
        before = spec_agreements(then) if then is not None else {}
        exact = {(p.a.slug, p.b.slug): p for p in aligned.pairs}
        assert set(exact) == set(want)
        for key, (shared, agreement) in want.items():
            pair = exact[key]
            assert (pair.shared, pair.agreement) == (shared, agreement)
            old = before[key][1] if key in before else None
            assert pair.compare_agreement == old
            change = agreement - old if old is not None else None
            printed = pair.to_json()
            assert printed["agreement"] == float(round(agreement, 3))
            assert printed["change"] == (None if change is None else float(round(change, 3)))
        assert aligned.to_json()["blocs"] == spec_blocs(want, t)
        # Pairs by slugs; with a compare date, the most moved first (cli.md).
        order = [
            (c is None, -abs(c) if c is not None else 0, p.a.slug, p.b.slug)
            for p in aligned.pairs
            for c in [p.change if then is not None else None]
        ]
        assert order == sorted(order)
    finally:
        finish(session)


@pytest.mark.slow  # 200 random histories on SQLite, 40 on each server
def test_outlook_and_align_match_the_oracle(database: Database, backend: str) -> None:
    @settings(
        max_examples=examples(backend), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(rows=history, d=day, c=compare, k=known_at, t=threshold)
    # p0 rejects, p1 demands, p2 open: deadlocked, p2 undecided; p0 and p2 agree 0.5.
    @example(
        rows=[("p0", "i0", -2, 0, 0, None), ("p1", "i0", 2, 0, 0, None), ("p2", "i0", 0, 0, 0, None)],
        d=BASE_DAY, c=None, k=None, t=Fraction(1, 2),
    )  # fmt: skip
    # Three for, one against: the one against holds out (known at hour 1, before it
    # was retracted).
    @example(
        rows=[
            ("p0", "i0", 1, 0, 0, None), ("p1", "i0", 2, 0, 0, None),
            ("p2", "i0", 1, 0, 0, None), ("p3", "i0", -1, 0, 1, 1),
        ],
        d=BASE_DAY, c=BASE_DAY, k=BASE_TIME + dt.timedelta(hours=1), t=Fraction(3, 4),
    )  # fmt: skip
    # A chain: p0~p1 and p1~p2 at the threshold, p0 and p2 sharing nothing: one bloc.
    @example(
        rows=[
            ("p0", "i0", 1, 0, 0, None), ("p1", "i0", 2, 0, 0, None),
            ("p1", "i1", -1, 0, 0, None), ("p2", "i1", -2, 0, 0, None),
        ],
        d=BASE_DAY, c=None, k=None, t=Fraction(3, 4),
    )  # fmt: skip
    def run(
        rows: list[RawStatement],
        d: dt.date,
        c: dt.date | None,
        k: dt.datetime | None,
        t: Fraction,
    ) -> None:
        check(database, rows, d, c, k, t)

    run()
