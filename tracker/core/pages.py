"""What `party show` and `issue show` print: the record, what the ledger holds
of it (how many statements, over which dates, the stances as of a date), its
wordings, and its history."""

from __future__ import annotations

import datetime as dt
from operator import itemgetter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.core import revisions
from tracker.core.catalog import get_issue, get_party, issue_view, party_view
from tracker.core.positions import latest
from tracker.core.records import Activity, Held, IssuePage, PartyPage
from tracker.db.schema import AFFILIATION, ISSUE, PARTY, PERSON, STATEMENT


def _activity(session: Session, column: str, record_id: int, as_of: dt.date) -> Activity:
    s = STATEMENT.c
    count, first, last = session.execute(
        select(func.count(), func.min(s.stated_on), func.max(s.stated_on)).where(
            s[column] == record_id
        )
    ).one()
    # latest()'s rows: (party_id, issue_id, statement_id, score, stated_on).
    if column == "party_id":
        found = latest(session, as_of, party_ids=[record_id])
        other, at = ISSUE, 1
    else:
        found = latest(session, as_of, issue_ids=[record_id])
        other, at = PARTY, 0
    slugs = {row.id: row.slug for row in session.execute(select(other.c.id, other.c.slug))}
    found.sort(key=itemgetter(at))
    stances = tuple(Held(slugs[row[at]], row[3], row[4]) for row in found)
    return Activity(int(count), first, last, stances, as_of)


def party_page(session: Session, name: str, as_of: dt.date, history: bool = False) -> PartyPage:
    party = get_party(session, name)
    people = session.scalars(
        select(PERSON.c.name)
        .join(AFFILIATION, AFFILIATION.c.person_id == PERSON.c.id)
        .where(AFFILIATION.c.party_id == party.id)
        .distinct()
        .order_by(PERSON.c.name)
    ).all()
    return PartyPage(
        party_view(party),
        tuple(people),
        _activity(session, "party_id", party.id, as_of),
        revisions.history(session, "party", party.id) if history else None,
    )


def issue_page(session: Session, name: str, as_of: dt.date, history: bool = False) -> IssuePage:
    issue = get_issue(session, name)
    changes = revisions.history(session, "issue", issue.id)
    return IssuePage(
        issue_view(issue),
        _activity(session, "issue_id", issue.id, as_of),
        revisions.wordings(changes, issue.proposition),
        changes if history else None,
    )
