"""Property tests: `report` and `diff` against a brute-force oracle written
straight from SPEC's definitions, over random histories (same-day statements,
ties in recorded_at, back-dating, retractions, known-at cut-offs)."""

from __future__ import annotations

import datetime as dt

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
from tracker.core import positions
from tracker.db import Database

PARTIES = ("p0", "p1", "p2")
ISSUES = ("i0", "i1")
history = st.lists(raw_statement(PARTIES, ISSUES), max_size=25)


# --- the oracle: SPEC, word for word -----------------------------------------


def oracle_report(
    facts: list[Fact], d: dt.date, k: dt.datetime | None
) -> dict[tuple[str, str], int]:
    cells = {}
    for p in PARTIES:
        for i in ISSUES:
            found = oracle_stance(facts, p, i, d, k)
            if found is not None:
                cells[(p, i)] = found.id
    return cells


def oracle_change(
    facts: list[Fact],
    p: str,
    i: str,
    a: int | None,
    b: int,
    start: dt.date,
    end: dt.date,
    k: dt.datetime | None,
) -> str:
    if a is None:
        return "new"
    if a != 0 and b != 0 and (a > 0) != (b > 0):
        return "reversed"
    if abs(b) > abs(a):
        return "hardened"
    if abs(b) < abs(a):
        return "softened"
    # "some statement on the pair has FROM < stated_on <= TO" (that counts at K)
    active = any(
        f.party == p
        and f.issue == i
        and start < f.stated_on <= end
        and (k is None or f.recorded_at <= k)
        and not (f.retracted_at is not None and (k is None or f.retracted_at <= k))
        for f in facts
    )
    return "reaffirmed" if active else "unchanged"


Spread = tuple[int | None, int | None, str | None]


def oracle_diff(
    facts: list[Fact], start: dt.date, end: dt.date, k: dt.datetime | None
) -> tuple[dict[tuple[str, str], str], dict[str, Spread]]:
    by_id = {f.id: f for f in facts}
    before = {pair: by_id[sid].score for pair, sid in oracle_report(facts, start, k).items()}
    after = {pair: by_id[sid].score for pair, sid in oracle_report(facts, end, k).items()}
    changes = {
        (p, i): oracle_change(facts, p, i, before.get((p, i)), b, start, end, k)
        for (p, i), b in after.items()
    }
    spreads: dict[str, Spread] = {}
    for issue in ISSUES:
        s_from = [s for (p, i), s in before.items() if i == issue]
        s_to = [s for (p, i), s in after.items() if i == issue]
        if not s_from and not s_to:
            continue
        sf = max(s_from) - min(s_from) if len(s_from) >= 2 else None
        stt = max(s_to) - min(s_to) if len(s_to) >= 2 else None
        if sf is None or stt is None:
            tr = None
        else:
            tr = "converging" if stt < sf else "diverging" if stt > sf else "steady"
        spreads[issue] = (sf, stt, tr)
    return changes, spreads


@pytest.mark.slow  # 200 random histories on SQLite, 40 on each server
def test_report_matches_the_oracle(database: Database, backend: str) -> None:
    @settings(
        max_examples=examples(backend), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(rows=history, d=day, k=known_at)
    # Same day: the later-recorded statement wins, even with the smaller id.
    @example(rows=[("p0", "i0", 1, 0, 3, None), ("p0", "i0", -1, 0, 1, None)], d=BASE_DAY, k=None)
    # Same day, same recorded_at: the greater id wins.
    @example(rows=[("p0", "i0", 1, 0, 1, None), ("p0", "i0", -1, 0, 1, None)], d=BASE_DAY, k=None)
    # Back-dated and logged late: unknown before it was recorded.
    @example(
        rows=[("p0", "i0", 1, 2, 0, None), ("p0", "i0", -2, 1, 4, None)],
        d=BASE_DAY + dt.timedelta(days=3),
        k=BASE_TIME + dt.timedelta(hours=2),
    )
    # Retracted after K: still counts as known at K; retracted at K: does not.
    @example(
        rows=[("p0", "i0", 1, 0, 0, None), ("p0", "i0", 2, 1, 1, 2)],
        d=BASE_DAY + dt.timedelta(days=2),
        k=BASE_TIME + dt.timedelta(hours=2),
    )
    @example(
        rows=[("p0", "i0", 1, 0, 0, None), ("p0", "i0", 2, 1, 1, 2)],
        d=BASE_DAY + dt.timedelta(days=2),
        k=BASE_TIME + dt.timedelta(hours=3),
    )
    def check(rows: list[RawStatement], d: dt.date, k: dt.datetime | None) -> None:
        session = rolled_back(database)
        try:
            facts = load(session, rows, PARTIES, ISSUES)
            rep = positions.report(session, d, k)
            got = {(c.party.slug, c.issue.slug): c.statement_id for c in rep.cells}
            assert got == oracle_report(facts, d, k)
        finally:
            finish(session)

    check()


@pytest.mark.slow  # 200 random histories on SQLite, 40 on each server
def test_diff_matches_the_oracle(database: Database, backend: str) -> None:
    @settings(
        max_examples=examples(backend), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(rows=history, a=day, b=day, k=known_at)
    def check(rows: list[RawStatement], a: dt.date, b: dt.date, k: dt.datetime | None) -> None:
        start, end = min(a, b), max(a, b)
        session = rolled_back(database)
        try:
            facts = load(session, rows, PARTIES, ISSUES)
            d = positions.diff(session, start, end, k, include_all=True)
            got = {(c.party.slug, c.issue.slug): c.change for c in d.changes}
            want_changes, want_spreads = oracle_diff(facts, start, end, k)
            assert got == want_changes
            got_spreads = {t.issue.slug: (t.spread_from, t.spread_to, t.trend) for t in d.issues}
            assert got_spreads == want_spreads
            moves = positions.diff(session, start, end, k)
            assert {(c.party.slug, c.issue.slug) for c in moves.changes} == {
                pair
                for pair, kind in want_changes.items()
                if kind in ("new", "reversed", "hardened", "softened")
            }
        finally:
            finish(session)

    check()
