"""Statements: logging, retracting and reading them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, insert, select, update
from sqlalchemy.orm import Session

from tracker.core.names import resolve_issue, resolve_party, resolve_speaker
from tracker.core.query import newest_first, oldest_first, stance_of, statement_select, to_view
from tracker.core.types import Added, History, HistoryEntry, Retracted, StatementView
from tracker.core.values import (
    check_basis,
    clean_text,
    fingerprint_input,
    fingerprint_of,
    recorder,
)
from tracker.dates import check_statement_date, utcnow
from tracker.db import search_index
from tracker.db.schema import STATEMENT
from tracker.errors import Invalid, NotFound, TrackerError
from tracker.stance import classify

# --- reading ---------------------------------------------------------------


def get_statement(session: Session, statement_id: int) -> StatementView:
    row = session.execute(statement_select().where(STATEMENT.c.id == statement_id)).first()
    if row is None:
        raise NotFound(f"no statement #{statement_id}")
    return to_view(row)


def log(
    session: Session,
    party: str | None = None,
    issue: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
    recorded_by: str | None = None,
) -> Iterator[StatementView]:
    """Statements newest first (by stated_on, then recorded_at, then id)."""
    query = statement_select()
    if party is not None:
        on = until or dt.date.today()
        query = query.where(STATEMENT.c.party_id == resolve_party(session, party, on).id)
    if issue is not None:
        query = query.where(STATEMENT.c.issue_id == resolve_issue(session, issue).id)
    if since is not None:
        query = query.where(STATEMENT.c.stated_on >= since)
    if until is not None:
        query = query.where(STATEMENT.c.stated_on <= until)
    if recorded_by is not None:
        # Exact on every backend: MySQL/MariaDB's PAD SPACE collations call
        # 'w' and 'w ' equal, but not their lengths.
        column = STATEMENT.c.recorded_by
        query = query.where(column == recorded_by, func.length(column) == func.length(recorded_by))
    query = query.order_by(*newest_first(STATEMENT.c))
    if limit is not None:
        query = query.limit(limit)
    for row in session.execute(query):
        yield to_view(row)


def history(session: Session, party: str, issue: str) -> History:
    """One party on one issue, oldest first, each statement with the change it made."""
    p = resolve_party(session, party)
    i = resolve_issue(session, issue)
    rows = session.execute(
        statement_select()
        .where(STATEMENT.c.party_id == p.id, STATEMENT.c.issue_id == i.id)
        .order_by(*oldest_first(STATEMENT.c))
    )
    entries: list[HistoryEntry] = []
    current: int | None = None
    for row in rows:
        view = to_view(row)
        if view.retracted:
            entries.append(HistoryEntry(view, None))
            continue
        entries.append(HistoryEntry(view, classify(current, view.score, activity=True)))
        current = view.score
    # Here, not at the top: the catalog's records cost `add` 4 ms to load.
    from tracker.core import revisions

    logged = ((e.statement.id, i.slug, e.statement.recorded_at) for e in entries)
    return History(p, i, tuple(entries), revisions.earlier_wordings(session, logged))


def stated_range(session: Session) -> tuple[dt.date, dt.date]:
    """The first and the last date statements were made on; NotFound if none."""
    first, last = session.execute(
        select(func.min(STATEMENT.c.stated_on), func.max(STATEMENT.c.stated_on))
    ).one()
    if first is None:
        raise NotFound("there are no statements yet")
    return first, last


# --- writing ---------------------------------------------------------------


def add_statement(
    session: Session,
    party: str,
    issue: str,
    score: int,
    summary: str,
    stated_on: dt.date,
    quote: str | None = None,
    speaker: str | None = None,
    source: str | None = None,
    basis: str | None = None,
    conditions: str | None = None,
) -> Added:
    summary_text = clean_text(summary, "summary")
    if summary_text is None:
        raise Invalid("summary must not be empty")
    try:
        check_statement_date(stated_on)
    except ValueError as err:
        raise Invalid(str(err)) from None
    if score not in (-2, -1, 0, 1, 2):
        raise Invalid(f"score {score} is outside -2..2")
    p, person = resolve_speaker(session, party, stated_on)
    i = resolve_issue(session, issue)
    if person is not None and (speaker is None or not speaker.strip()):
        speaker = person.name  # a person named as the party is the speaker
    values: dict[str, Any] = {
        "summary": summary_text,
        "quote": clean_text(quote, "quote"),
        "speaker": clean_text(speaker, "speaker"),
        "source": clean_text(source, "source"),
        "conditions": clean_text(conditions, "conditions"),
        "basis": check_basis(basis),
    }
    # Logged under a name of an issue merged into this one with --negate: as
    # if logged under that issue and then merged, its stance turned around
    # (its fingerprint, of the content as logged, keeps the stance given).
    fp = fingerprint_of(fingerprint_input(
        score, stated_on.isoformat(), values["summary"], values["quote"], values["speaker"],
        values["source"], values["basis"], values["conditions"],
    ))  # fmt: skip
    if i.negated:
        score = -score
    before = stance_of(session, p, i, stated_on)
    recorded_at, recorded_by = utcnow(), recorder()
    inserted = session.execute(
        insert(STATEMENT).values(
            party_id=p.id,
            issue_id=i.id,
            score=score,
            stated_on=stated_on,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
            fingerprint=fp,
            negated=i.negated,
            **values,
        )
    )
    new_id = cast(CursorResult[Any], inserted).inserted_primary_key
    if new_id is None:
        raise TrackerError("the database did not return the new statement's id")
    search_index.index_added(session.connection(), [int(new_id[0])])
    # Everything stored is known here; no need to read it back.
    statement = StatementView(
        id=int(new_id[0]),
        party=p.slug,
        issue=i.slug,
        score=score,
        stated_on=stated_on,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        retracted_at=None,
        retraction_reason=None,
        negated=i.negated,
        **values,
    )
    current = stance_of(session, p, i, max(stated_on, dt.date.today()))
    later = current if current is not None and current.id != statement.id else None
    change = classify(before.score if before else None, score, activity=True)
    negated_by = issue if i.negated else None
    if person is None:
        return Added(statement, before, change, later, negated_by=negated_by)
    return Added(statement, before, change, later, person.name, p.name, negated_by)


def retract(session: Session, statement_id: int, reason: str) -> Retracted:
    reason_text = clean_text(reason, "reason")
    if reason_text is None:
        raise Invalid("a retraction needs a reason")
    existing = get_statement(session, statement_id)
    if existing.retracted_at is not None:
        raise TrackerError(
            f"statement #{statement_id} was already retracted on "
            f"{existing.retracted_at:%Y-%m-%d %H:%M} UTC ({existing.retraction_reason})"
        )
    # Never before it was recorded (by a computer whose clock was ahead):
    # a report as known at a moment past would change.
    when = max(utcnow(), existing.recorded_at)
    done = session.execute(
        update(STATEMENT)
        .where(and_(STATEMENT.c.id == statement_id, STATEMENT.c.retracted_at.is_(None)))
        .values(retracted_at=when, retraction_reason=reason_text)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise TrackerError(f"statement #{statement_id} was retracted by someone else just now")
    statement = get_statement(session, statement_id)
    p = resolve_party(session, statement.party)
    i = resolve_issue(session, statement.issue)
    current = stance_of(session, p, i, max(statement.stated_on, dt.date.today()))
    return Retracted(statement, current)
