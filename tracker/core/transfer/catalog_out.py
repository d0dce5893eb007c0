"""The catalog as an export writes it: every party, issue and person with its
history, in an order two databases holding the same catalog agree on (by
slug, people by name), whatever order each made them in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core import catalog, people
from tracker.core.records import Revision
from tracker.db.models import Issue, Party, Person
from tracker.db.schema import REVISION


def _histories(session: Session) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Every record's revisions, oldest first, in one query."""
    r = REVISION.c
    rows = session.execute(
        select(r.kind, r.record_id, r.field, r.old, r.new, r.recorded_at, r.recorded_by).order_by(
            r.recorded_at, r.id
        )
    )
    found: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for kind, record_id, *revision in rows:
        found.setdefault((kind, record_id), []).append(Revision(*revision).to_json())
    return found


def catalog_documents(
    session: Session,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(parties, issues, people) in SPEC's JSON shapes, each with "history"."""
    history = _histories(session)
    parties = [
        catalog.party_view(p).to_json() | {"history": history.get(("party", p.id), [])}
        for p in session.scalars(select(Party).order_by(Party.slug))
    ]
    issues = [
        catalog.issue_view(i).to_json() | {"history": history.get(("issue", i.id), [])}
        for i in session.scalars(select(Issue).order_by(Issue.slug))
    ]
    persons = [
        people.person_view(p).to_json() | {"history": history.get(("person", p.id), [])}
        for p in session.scalars(select(Person).order_by(Person.key))
    ]
    return parties, issues, persons
