"""What the HTML report shows beyond the stance matrix: each issue's
proposition, and how each party's stance on an issue moved up to the
report's date (the timelines).

Two queries in all, whatever the size: one for the propositions, one for the
statements of every timeline, with the cap on timelines applied in SQL (the
first `limit` of the report's issues). Never a query per issue, party or pair.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from tracker.core.positions import with_statements
from tracker.core.query import oldest_first, statement_select, to_view, visible
from tracker.core.types import Briefing, Report, StatementView, Timeline, TimelineLine
from tracker.db.schema import ISSUE, STATEMENT

# Timelines drawn by default: a page of hundreds of charts is not one anybody reads.
DEFAULT_TIMELINES = 20


def briefing(
    session: Session,
    rep: Report,
    limit: int | None = DEFAULT_TIMELINES,
    show_retracted: bool = False,
) -> Briefing:
    """`rep` with the whole statement behind each of its cells, its issues'
    propositions, and their timelines.

    A timeline holds the statements of the report's parties on one of the
    report's first `limit` issues (None: all), dated up to its as-of date and
    logged by its known-at time. Retracted statements are left out, or kept
    when `show_retracted`, marked retracted only if they were by known-at."""
    rep = with_statements(session, rep)
    propositions: dict[int, str] = {}
    if rep.issues:
        rows = session.execute(
            select(ISSUE.c.id, ISSUE.c.proposition).where(
                ISSUE.c.id.in_([i.id for i in rep.issues]), ISSUE.c.proposition.is_not(None)
            )
        )
        propositions = {row.id: row.proposition for row in rows}
    issues = rep.issues if limit is None else rep.issues[:limit]
    found = _statements(session, rep, [i.id for i in issues], show_retracted)
    drawn = tuple(
        Timeline(
            issue,
            tuple(
                TimelineLine(party, tuple(found[issue.id, party.id]))
                for party in rep.parties
                if (issue.id, party.id) in found
            ),
        )
        for issue in issues
    )
    return Briefing(rep, propositions, drawn, limit, show_retracted)


def _statements(
    session: Session, rep: Report, issue_ids: list[int], show_retracted: bool
) -> dict[tuple[int, int], list[StatementView]]:
    """The timelines' statements by (issue id, party id), oldest first: one query."""
    if not issue_ids or not rep.parties:
        return {}
    s = STATEMENT.c
    counts: ColumnElement[bool]
    if not show_retracted:
        counts = visible(s, rep.known_at)
    elif rep.known_at is not None:
        counts = s.recorded_at <= rep.known_at
    else:
        counts = true()
    rows = session.execute(
        statement_select()
        .add_columns(s.party_id, s.issue_id)
        .where(
            s.issue_id.in_(issue_ids),
            s.party_id.in_([p.id for p in rep.parties]),
            s.stated_on <= rep.as_of,
            counts,
        )
        .order_by(s.issue_id, s.party_id, *oldest_first(s))
    )
    found: dict[tuple[int, int], list[StatementView]] = {}
    for row in rows:
        view = to_view(row)
        retracted_at = view.retracted_at
        if rep.known_at is not None and retracted_at is not None and retracted_at > rep.known_at:
            # Retracted only after known-at: as known then, it still stood.
            view = dataclasses.replace(view, retracted_at=None, retraction_reason=None)
        found.setdefault((row.issue_id, row.party_id), []).append(view)
    return found
