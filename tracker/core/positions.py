"""Where everyone stands as of a date, and what moved between two dates.

SPEC's stance of party P on issue I as of D (as known at K): among P's
statements on I with stated_on <= D (and recorded_at <= K), leaving out the
retracted ones (retracted at or before K, when K is given), the one with the
greatest (stated_on, recorded_at, id).

It is computed in one statement for all pairs at once: for each (party,
issue) pair, a correlated subquery seeks the composite index
(party_id, issue_id, stated_on, recorded_at, id) backwards and takes the
first visible row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, cast, select, text, true
from sqlalchemy.orm import Session

from tracker.core import revisions
from tracker.core.names import resolve_issues, resolve_parties
from tracker.core.query import newest_first, statements_by_id, visible
from tracker.core.types import Cell, Change, Diff, IssueRef, IssueTrend, PartyRef, Report
from tracker.db.schema import ISSUE, PARTY, STANCE_INDEX_NAME, STATEMENT
from tracker.stance import CHANGES, MOVES, classify, spread, trend


def _pair_filters(
    table: Any, party_ids: Sequence[int] | None, issue_ids: Sequence[int] | None
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if party_ids is not None:
        filters.append(table.party_id.in_(party_ids))
    if issue_ids is not None:
        filters.append(table.issue_id.in_(issue_ids))
    return filters


def _pairs(party_ids: Sequence[int] | None, issue_ids: Sequence[int] | None) -> Any:
    """Every (party, issue) pair with a statement: a covering scan of the index."""
    return (
        select(STATEMENT.c.party_id, STATEMENT.c.issue_id)
        .where(*_pair_filters(STATEMENT.c, party_ids, issue_ids))
        .distinct()
        .subquery("pairs")
    )


Stance = tuple[int, int, dt.date]  # (statement id, score, stated_on)


def _stance_at(
    pairs: Any, as_of: dt.date, known_at: dt.datetime | None, lateral: bool, name: str
) -> tuple[list[Any], Any]:
    """The columns that give each pair's stance as of `as_of`, and the FROM
    clause to select them from: a seek of the stance index backwards, taking
    the first visible row. The index holds every column it reads
    (retracted_at and score included), so it never touches the table.

    With `lateral` (PostgreSQL) one LEFT JOIN LATERAL seek gives three
    columns: id, score, stated_on. Elsewhere (SQLite, and MariaDB, which has
    no LATERAL) it is one correlated scalar subquery whose one value packs
    the three as text, score + 2 (one digit), the ISO date (ten), the id (the
    rest): one seek per pair, not three (0.16 s against 0.29 s over 1M
    statements on SQLite). `_unpack` reads it."""
    s = STATEMENT.alias(f"s_{name}").c
    stance = (
        s.party_id == pairs.c.party_id,
        s.issue_id == pairs.c.issue_id,
        s.stated_on <= as_of,
        visible(s, known_at),
    )
    if lateral:
        found = (
            select(s.id, s.score, s.stated_on)
            .where(*stance)
            .order_by(*newest_first(s))
            .limit(1)
            .lateral(name)
        )
        return [found.c.id, found.c.score, found.c.stated_on], found
    packed = cast(s.score + 2, String) + cast(s.stated_on, String) + cast(s.id, String)
    seek = select(packed).where(*stance).order_by(*newest_first(s)).limit(1).correlate(pairs)
    # MariaDB and MySQL pick the seek's index by their statistics, and right
    # after a large import (before they are refreshed) they scanned the whole
    # index once per pair: 100,000 statements took minutes, not 0.2 s.
    alias = s.id.table
    for dialect in ("mysql", "mariadb"):
        seek = seek.with_hint(alias, f"FORCE INDEX ({STANCE_INDEX_NAME})", dialect_name=dialect)
    return [seek.scalar_subquery()], None


# Where `_stance_at` puts each part of a packed stance.
_SCORE, _DAY, _ID = 0, slice(1, 11), slice(11, None)


def _unpack(packed: str) -> Stance:
    return int(packed[_ID]), int(packed[_SCORE]) - 2, dt.date.fromisoformat(packed[_DAY])


def _packed_score(packed: str) -> int:
    return int(packed[_SCORE]) - 2


class _Reader(NamedTuple):
    """How to read one stance value of `_stance_rows`: its score and its date
    cheaply (for every pair), its whole Stance (for the pairs shown). `day`
    gives the ISO text of a packed value, the date itself of a LATERAL one."""

    score: Callable[[Any], int]
    day: Callable[[Any], Any]
    whole: Callable[[Any], Stance]


_PACKED = _Reader(_packed_score, itemgetter(_DAY), _unpack)
_COLUMNS = _Reader(itemgetter(1), itemgetter(2), lambda stance: stance)


def _stance_rows(
    session: Session, query: Any, dates: int, lateral: bool
) -> tuple[Sequence[Any], _Reader]:
    """The rows of `query` as (party_id, issue_id, a value per date (None: no
    stance then), extra...), and how to read a value."""
    rows = session.execute(query).all()  # fetchall: a tenth of the cost of row by row
    if not lateral:
        return rows, _PACKED
    tail = 2 + 3 * dates
    stances = [
        (
            row[0],
            row[1],
            *[None if row[n] is None else tuple(row[n : n + 3]) for n in range(2, tail, 3)],
            *row[tail:],
        )
        for row in rows
    ]
    return stances, _COLUMNS


def _cell(party: PartyRef, issue: IssueRef, stance: Stance) -> Cell:
    statement_id, score, stated_on = stance
    return Cell(party, issue, score, stated_on, statement_id)


def _select_stances(
    session: Session, pairs: Any, dates: Sequence[dt.date], known_at: dt.datetime | None
) -> tuple[list[Any], Any, bool]:
    """The stance columns at each date, the FROM clause that gives them, and
    whether they are LATERAL's three columns (else one packed column)."""
    lateral = session.get_bind().dialect.name == "postgresql"
    if lateral:
        # Just-in-time compilation (~0.1 s) costs more than it saves on a plan
        # of index seeks, and PostgreSQL's cost estimate would switch it on.
        session.execute(text("SET LOCAL jit = off"))
    columns: list[Any] = []
    source = pairs
    for n, day in enumerate(dates):
        found, joined = _stance_at(pairs, day, known_at, lateral, f"at{n}")
        columns += found
        if joined is not None:
            source = source.outerjoin(joined, true())
    return columns, source, lateral


def latest(
    session: Session,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    party_ids: Sequence[int] | None = None,
    issue_ids: Sequence[int] | None = None,
) -> list[tuple[int, int, int, int, dt.date]]:
    """(party_id, issue_id, statement_id, score, stated_on) of the statement that
    sets each pair's stance as of `as_of`; pairs with no stance are absent.
    One statement, one index-only seek per pair."""
    pairs = _pairs(party_ids, issue_ids)
    columns, source, lateral = _select_stances(session, pairs, [as_of], known_at)
    query = select(pairs.c.party_id, pairs.c.issue_id, *columns).select_from(source)
    rows, read = _stance_rows(session, query, 1, lateral)
    whole = read.whole
    return [(p, i, *whole(v)) for p, i, v in rows if v is not None]


def _ids(refs: Sequence[PartyRef] | Sequence[IssueRef] | None) -> list[int] | None:
    return None if refs is None else [r.id for r in refs]


def _ordered(refs: dict[int, Any], present: Iterable[int], wanted: Any) -> tuple[Any, ...]:
    """The parties (or issues) to show: those asked for, else those with a stance."""
    if wanted is not None:
        return tuple(wanted)
    return tuple(refs[n] for n in sorted(set(present)))


def report(
    session: Session,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    statements: bool = False,
) -> Report:
    """Everyone's stance as of `as_of`. With `statements`, each cell carries the
    whole statement behind it (for output that shows it)."""
    wanted_parties = resolve_parties(session, parties, as_of)
    wanted_issues = resolve_issues(session, issues)
    found = latest(session, as_of, known_at, _ids(wanted_parties), _ids(wanted_issues))
    party_refs, issue_refs = _refs(session, wanted_parties, wanted_issues)
    rep = _report(as_of, known_at, found, party_refs, issue_refs, wanted_parties, wanted_issues)
    return with_statements(session, rep) if statements else rep


def _report(
    as_of: dt.date,
    known_at: dt.datetime | None,
    found: list[tuple[int, int, int, int, dt.date]],
    party_refs: dict[int, PartyRef],
    issue_refs: dict[int, IssueRef],
    wanted_parties: Sequence[PartyRef] | None,
    wanted_issues: Sequence[IssueRef] | None,
) -> Report:
    """The report of `latest`'s rows: its cells by issue, then party."""
    found.sort(key=itemgetter(1, 0))
    cells = tuple(
        Cell(party_refs[p], issue_refs[i], score, day, sid) for p, i, sid, score, day in found
    )
    return Report(
        as_of=as_of,
        known_at=known_at,
        parties=_ordered(party_refs, (f[0] for f in found), wanted_parties),
        issues=_ordered(issue_refs, (f[1] for f in found), wanted_issues),
        cells=cells,
    )


def reports(
    session: Session,
    dates: Sequence[dt.date],
    known_at: dt.datetime | None = None,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
) -> list[Report]:
    """The report as of each of `dates` (as `report` gives it, without the
    statements), from one statement: each pair's stance at every date, as
    `diff` reads its two."""
    wanted_parties = resolve_parties(session, parties)
    wanted_issues = resolve_issues(session, issues)
    party_refs, issue_refs = _refs(session, wanted_parties, wanted_issues)
    pairs = _pairs(_ids(wanted_parties), _ids(wanted_issues))
    columns, source, lateral = _select_stances(session, pairs, dates, known_at)
    query = select(pairs.c.party_id, pairs.c.issue_id, *columns).select_from(source)
    rows, read = _stance_rows(session, query, len(dates), lateral)
    whole = read.whole
    found: list[list[tuple[int, int, int, int, dt.date]]] = [[] for _ in dates]
    for p, i, *stances in rows:
        for n, stance in enumerate(stances):
            if stance is not None:
                found[n].append((p, i, *whole(stance)))
    return [
        _report(day, known_at, rows_at, party_refs, issue_refs, wanted_parties, wanted_issues)
        for day, rows_at in zip(dates, found, strict=True)
    ]


def with_statements(session: Session, rep: Report) -> Report:
    """`rep` with the whole statement behind each cell (read if not yet)."""
    missing = [c.statement_id for c in rep.cells if c.statement is None]
    if not missing:
        return rep
    views = statements_by_id(session, missing)
    cells = tuple(
        c if c.statement is not None else replace(c, statement=views[c.statement_id])
        for c in rep.cells
    )
    logged = ((v.id, v.issue, v.recorded_at) for v in views.values())
    return replace(rep, cells=cells, wordings=revisions.earlier_wordings(session, logged))


def _refs(
    session: Session,
    wanted_parties: Sequence[PartyRef] | None,
    wanted_issues: Sequence[IssueRef] | None,
) -> tuple[dict[int, PartyRef], dict[int, IssueRef]]:
    if wanted_parties is not None:
        party_refs = {p.id: p for p in wanted_parties}
    else:
        rows = session.execute(select(PARTY.c.id, PARTY.c.slug, PARTY.c.name))
        party_refs = {r.id: PartyRef(r.id, r.slug, r.name) for r in rows}
    if wanted_issues is not None:
        issue_refs = {i.id: i for i in wanted_issues}
    else:
        rows = session.execute(select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title))
        issue_refs = {r.id: IssueRef(r.id, r.slug, r.title) for r in rows}
    return party_refs, issue_refs


def diff(
    session: Session,
    start: dt.date,
    end: dt.date,
    known_at: dt.datetime | None = None,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    include_all: bool = False,
) -> Diff:
    """What moved between `start` and `end`: the same report at both dates,
    compared pair by pair (SPEC's diff)."""
    if end < start:
        raise ValueError(f"TO ({end.isoformat()}) is before FROM ({start.isoformat()})")
    wanted_parties = resolve_parties(session, parties, end)
    wanted_issues = resolve_issues(session, issues)
    party_refs, issue_refs = _refs(session, wanted_parties, wanted_issues)
    # One statement: each pair's stance at FROM and at TO. Whether the pair
    # has a visible statement dated in (FROM, TO] needs no query of its own:
    # it has one exactly when its stance at TO is dated after FROM.
    pairs = _pairs(_ids(wanted_parties), _ids(wanted_issues))
    columns, source, lateral = _select_stances(session, pairs, [start, end], known_at)
    query = select(pairs.c.party_id, pairs.c.issue_id, *columns).select_from(source)
    counts = dict.fromkeys(CHANGES, 0)
    scores_from: dict[int, list[int]] = {}
    scores_to: dict[int, list[int]] = {}
    moved: list[tuple[Cell | None, Cell, str]] = []
    rows, read = _stance_rows(session, query, 2, lateral)
    after = start if lateral else start.isoformat()  # what read.day compares with
    for p, i, at_from, at_to in rows:
        if at_to is None:  # no stance at TO, so none at FROM either
            continue
        to_score = read.score(at_to)
        from_score = None if at_from is None else read.score(at_from)
        if from_score is not None:
            scores_from.setdefault(i, []).append(from_score)
        scores_to.setdefault(i, []).append(to_score)
        kind = classify(from_score, to_score, read.day(at_to) > after)
        counts[kind] += 1
        if include_all or kind in MOVES:
            party, issue = party_refs[p], issue_refs[i]
            old = None if at_from is None else _cell(party, issue, read.whole(at_from))
            moved.append((old, _cell(party, issue, read.whole(at_to)), kind))
    # Only the statements behind the changes are read in full.
    views = statements_by_id(session, (cell.statement_id for _, cell, _ in moved))
    rank = {name: n for n, name in enumerate(CHANGES)}
    changes = sorted(
        (
            Change(cell.party, cell.issue, old, cell, kind, views[cell.statement_id])
            for old, cell, kind in moved
        ),
        key=lambda c: (rank[c.change], c.issue.id, c.party.id),
    )
    trends = []
    for issue_id in sorted(scores_to):
        s_from = spread(scores_from.get(issue_id, []))
        s_to = spread(scores_to[issue_id])
        trends.append(IssueTrend(issue_refs[issue_id], s_from, s_to, trend(s_from, s_to)))
    return Diff(start, end, known_at, tuple(changes), tuple(trends), counts)
