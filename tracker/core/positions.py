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
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, text, true
from sqlalchemy.orm import Session

from tracker.core.names import resolve_issues, resolve_parties
from tracker.core.statements import statement_select, to_view
from tracker.core.types import (
    Cell,
    Change,
    Diff,
    IssueRef,
    IssueTrend,
    PartyRef,
    Report,
    StatementView,
)
from tracker.schema import ISSUE, PARTY, STATEMENT
from tracker.stance import CHANGES, MOVES, classify, spread, trend

ID_BATCH = 500


def visible(table: Any, known_at: dt.datetime | None) -> ColumnElement[bool]:
    """Statements that count at knowledge time `known_at` (None: now)."""
    if known_at is None:
        current: ColumnElement[bool] = table.retracted_at.is_(None)
        return current
    return and_(
        table.recorded_at <= known_at,
        or_(table.retracted_at.is_(None), table.retracted_at > known_at),
    )


def newest_first(columns: Any) -> tuple[ColumnElement[Any], ...]:
    """SPEC's total order of statements, (stated_on, recorded_at, id), descending."""
    return (columns.stated_on.desc(), columns.recorded_at.desc(), columns.id.desc())


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


def _stance_at(
    pairs: Any, as_of: dt.date, known_at: dt.datetime | None, lateral: bool, name: str
) -> tuple[list[Any], Any]:
    """Columns (statement id, score, stated_on) of each pair's stance as of
    `as_of`, and the FROM clause to select them from: seeks of the stance
    index backwards, taking the first visible row. The index holds every
    column they read (retracted_at and score included), so they never touch
    the table.

    With `lateral` (PostgreSQL) one LEFT JOIN LATERAL seek gives all three
    columns; elsewhere (SQLite, and MariaDB, which has no LATERAL) each
    column is a correlated scalar subquery, three seeks on the same index."""
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

    def first(column: Any) -> Any:
        return (
            select(column)
            .where(*stance)
            .order_by(*newest_first(s))
            .limit(1)
            .correlate(pairs)
            .scalar_subquery()
        )

    return [first(s.id), first(s.score), first(s.stated_on)], None


def _select_stances(
    session: Session, pairs: Any, dates: Sequence[dt.date], known_at: dt.datetime | None
) -> tuple[list[Any], Any]:
    """The stance columns at each date, and the FROM clause that gives them."""
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
    return columns, source


def latest(
    session: Session,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    party_ids: Sequence[int] | None = None,
    issue_ids: Sequence[int] | None = None,
) -> list[tuple[int, int, int, int, dt.date]]:
    """(party_id, issue_id, statement_id, score, stated_on) of the statement that
    sets each pair's stance as of `as_of`; pairs with no stance are absent.
    One statement, three index-only seeks per pair."""
    pairs = _pairs(party_ids, issue_ids)
    columns, source = _select_stances(session, pairs, [as_of], known_at)
    query = select(pairs.c.party_id, pairs.c.issue_id, *columns).select_from(source)
    return [
        (party_id, issue_id, statement_id, score, stated_on)
        for party_id, issue_id, statement_id, score, stated_on in session.execute(query)
        if statement_id is not None
    ]


def statements_by_id(session: Session, ids: Iterable[int]) -> dict[int, StatementView]:
    """The statements with these ids, a few hundred to a query."""
    wanted = sorted(set(ids))
    found: dict[int, StatementView] = {}
    for start in range(0, len(wanted), ID_BATCH):
        batch = wanted[start : start + ID_BATCH]
        for row in session.execute(statement_select().where(STATEMENT.c.id.in_(batch))):
            view = to_view(row)
            found[view.id] = view
    return found


def stance_of(
    session: Session,
    party: PartyRef,
    issue: IssueRef,
    as_of: dt.date,
    known_at: dt.datetime | None = None,
) -> StatementView | None:
    """One pair's stance: a single index seek."""
    row = session.execute(
        statement_select()
        .where(
            STATEMENT.c.party_id == party.id,
            STATEMENT.c.issue_id == issue.id,
            STATEMENT.c.stated_on <= as_of,
            visible(STATEMENT.c, known_at),
        )
        .order_by(*newest_first(STATEMENT.c))
        .limit(1)
    ).first()
    return None if row is None else to_view(row)


def _ids(refs: Sequence[PartyRef] | Sequence[IssueRef] | None) -> list[int] | None:
    return None if refs is None else [r.id for r in refs]


def _ordered(refs: Any, wanted: Any) -> tuple[Any, ...]:
    """The parties (or issues) to show: those asked for, else those with a stance."""
    if wanted is not None:
        return tuple(wanted)
    return tuple(sorted(set(refs), key=lambda r: r.id))


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
    wanted_parties = resolve_parties(session, parties)
    wanted_issues = resolve_issues(session, issues)
    found = latest(session, as_of, known_at, _ids(wanted_parties), _ids(wanted_issues))
    party_refs, issue_refs = _refs(session, wanted_parties, wanted_issues)
    found.sort(key=lambda f: (f[1], f[0]))
    cells = tuple(
        Cell(party_refs[p], issue_refs[i], score, day, sid) for p, i, sid, score, day in found
    )
    rep = Report(
        as_of=as_of,
        known_at=known_at,
        parties=_ordered((c.party for c in cells), wanted_parties),
        issues=_ordered((c.issue for c in cells), wanted_issues),
        cells=cells,
    )
    return with_statements(session, rep) if statements else rep


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
    return replace(rep, cells=cells)


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
    wanted_parties = resolve_parties(session, parties)
    wanted_issues = resolve_issues(session, issues)
    party_refs, issue_refs = _refs(session, wanted_parties, wanted_issues)
    # One statement: each pair's stance at FROM and at TO, and whether any
    # visible statement on it is dated in (FROM, TO] (an index-only probe).
    pairs = _pairs(_ids(wanted_parties), _ids(wanted_issues))
    s = STATEMENT.alias("s").c
    active = (
        select(s.id)
        .where(
            s.party_id == pairs.c.party_id,
            s.issue_id == pairs.c.issue_id,
            s.stated_on > start,
            s.stated_on <= end,
            visible(s, known_at),
        )
        .correlate(pairs)
        .exists()
    )
    columns, source = _select_stances(session, pairs, [start, end], known_at)
    query = select(pairs.c.party_id, pairs.c.issue_id, *columns, active).select_from(source)
    counts = dict.fromkeys(CHANGES, 0)
    scores_from: dict[int, list[int]] = {}
    scores_to: dict[int, list[int]] = {}
    moved: list[tuple[Cell | None, Cell, str]] = []
    rows: Iterable[Any] = session.execute(query)
    for p, i, from_id, from_score, from_day, to_id, to_score, to_day, acted in rows:
        if to_id is None:  # no stance at TO, so none at FROM either
            continue
        if from_id is not None:
            scores_from.setdefault(i, []).append(from_score)
        scores_to.setdefault(i, []).append(to_score)
        kind = classify(from_score if from_id is not None else None, to_score, bool(acted))
        counts[kind] += 1
        if include_all or kind in MOVES:
            party, issue = party_refs[p], issue_refs[i]
            old = None if from_id is None else Cell(party, issue, from_score, from_day, from_id)
            moved.append((old, Cell(party, issue, to_score, to_day, to_id), kind))
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
