"""Reading statements: the one select they are read through, SPEC's order of
statements, which statements count as known at a moment, and one pair's
stance. `statements` (logging, history) and `positions` (report, diff) both
build on these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from tracker.core.types import VIEW_FIELDS, IssueRef, PartyRef, StatementView
from tracker.db.schema import ISSUE, PARTY, STATEMENT

# SPEC's total order of statements: the stance as of a date is the greatest
# visible statement by these columns.
ORDER = ("stated_on", "recorded_at", "id")
# A few hundred ids to a query: every backend takes an IN list of that size.
ID_BATCH = 500


def oldest_first(columns: Any) -> tuple[ColumnElement[Any], ...]:
    """SPEC's order, ascending, over a table's columns (`STATEMENT.c`, an alias's)."""
    return tuple(columns[name].asc() for name in ORDER)


def newest_first(columns: Any) -> tuple[ColumnElement[Any], ...]:
    """SPEC's order, descending."""
    return tuple(columns[name].desc() for name in ORDER)


def visible(columns: Any, known_at: dt.datetime | None) -> ColumnElement[bool]:
    """Statements that count at knowledge time `known_at` (None: now): logged
    by then, and not retracted by then."""
    if known_at is None:
        current: ColumnElement[bool] = columns.retracted_at.is_(None)
        return current
    return and_(
        columns.recorded_at <= known_at,
        or_(columns.retracted_at.is_(None), columns.retracted_at > known_at),
    )


# The statement's columns in StatementView's field order, party and issue as slugs.
_SLUGS = {"party": PARTY.c.slug.label("party"), "issue": ISSUE.c.slug.label("issue")}
STATEMENT_COLUMNS = tuple(
    _SLUGS[name] if name in _SLUGS else STATEMENT.c[name] for name in VIEW_FIELDS
)
VIEW_WIDTH = len(STATEMENT_COLUMNS)


def statement_select() -> Select[*tuple[Any, ...]]:
    """Statements with their party and issue slugs: the one place views are
    read. More columns may be added after these."""
    return (
        select(*STATEMENT_COLUMNS)
        .select_from(STATEMENT)
        .join(PARTY, PARTY.c.id == STATEMENT.c.party_id)
        .join(ISSUE, ISSUE.c.id == STATEMENT.c.issue_id)
    )


def to_view(row: Row[Any]) -> StatementView:
    # STATEMENT_COLUMNS come first, in StatementView's field order, so they
    # are the view's arguments: cheaper than by name.
    return StatementView(*row[:VIEW_WIDTH])


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
    """One pair's stance as of `as_of`: the statement that sets it (a single
    index seek), or None."""
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
