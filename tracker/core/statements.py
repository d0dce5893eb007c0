"""Statements: logging, retracting and reading them back."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Select, and_, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from tracker.core.names import resolve_issue, resolve_party
from tracker.core.types import IssueRef, PartyRef, StatementView
from tracker.dates import check_statement_date, utcnow
from tracker.errors import Invalid, NotFound, TrackerError
from tracker.schema import ISSUE, NAME_LENGTH, PARTY, STATEMENT
from tracker.stance import BASES, classify

# A statement's text fields are capped: a megabyte "summary" is a paste gone wrong.
TEXT_LIMIT = 100_000
TEXT_FIELDS = ("summary", "quote", "speaker", "source", "conditions")


def recorder() -> str:
    """Who is logging: $TRACKER_USER, else the login name."""
    user = os.environ.get("TRACKER_USER", "").strip()
    if user:
        return user[:NAME_LENGTH]
    try:
        return getpass.getuser()[:NAME_LENGTH]
    except (OSError, KeyError):
        return "unknown"


def fingerprint_input(
    party: str,
    issue: str,
    score: int,
    stated_on: str,
    summary: str,
    quote: str | None,
    speaker: str | None,
    source: str | None,
    basis: str,
    conditions: str | None,
) -> str:
    """The text a fingerprint hashes: the fields joined by NUL, None as "".

    Stored text never holds NUL and is never "" (absent is None), so this is
    one-to-one. Raises ValueError if a field holds NUL (see `clean_text`)."""
    raw = (
        f"{party}\0{issue}\0{score}\0{stated_on}\0{summary}\0{quote or ''}\0"
        f"{speaker or ''}\0{source or ''}\0{basis}\0{conditions or ''}"
    )
    if raw.count("\0") != 9:
        raise ValueError("a field holds a NUL character")
    return raw


def fingerprint_of(raw: str) -> str:
    """The hash of `fingerprint_input`'s text; UnicodeEncodeError (a ValueError)
    on a lone surrogate."""
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def clean_text(value: str | None, field: str) -> str | None:
    """Stored verbatim; only blank means absent. Raises Invalid past the cap or on
    characters no database can store (NUL, lone surrogates)."""
    if value is None:
        return None
    if not isinstance(value, str):  # from a JSON file
        raise Invalid(f"{field} must be text, not {type(value).__name__}")
    if not value.strip():
        return None
    if len(value) > TEXT_LIMIT:
        raise Invalid(
            f"{field} is {len(value):,} characters long; at most {TEXT_LIMIT:,} are allowed"
        )
    if "\x00" in value:
        raise Invalid(f"{field} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{field} is not valid Unicode text (lone surrogate)") from None
    return value


def check_basis(basis: str | None) -> str:
    basis = (basis or "stated").strip().lower()
    if basis not in BASES:
        raise Invalid(f"unknown basis {basis!r}; use one of {', '.join(BASES)}")
    return basis


# --- reading ---------------------------------------------------------------


STATEMENT_COLUMNS = (
    STATEMENT.c.id,
    PARTY.c.slug.label("party"),
    ISSUE.c.slug.label("issue"),
    STATEMENT.c.score,
    STATEMENT.c.stated_on,
    STATEMENT.c.summary,
    STATEMENT.c.quote,
    STATEMENT.c.speaker,
    STATEMENT.c.source,
    STATEMENT.c.basis,
    STATEMENT.c.conditions,
    STATEMENT.c.recorded_at,
    STATEMENT.c.recorded_by,
    STATEMENT.c.retracted_at,
    STATEMENT.c.retraction_reason,
)


VIEW_WIDTH = len(STATEMENT_COLUMNS)


def statement_select() -> Select[*tuple[Any, ...]]:
    """Statements with their party and issue slugs: the one place views are read."""
    return (
        select(*STATEMENT_COLUMNS)
        .select_from(STATEMENT)
        .join(PARTY, PARTY.c.id == STATEMENT.c.party_id)
        .join(ISSUE, ISSUE.c.id == STATEMENT.c.issue_id)
    )


def to_view(row: Row[Any]) -> StatementView:
    # STATEMENT_COLUMNS come first, in StatementView's field order (a test
    # checks), so they are the view's arguments: cheaper than by name.
    return StatementView(*row[:VIEW_WIDTH])


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
        query = query.where(STATEMENT.c.party_id == resolve_party(session, party).id)
    if issue is not None:
        query = query.where(STATEMENT.c.issue_id == resolve_issue(session, issue).id)
    if since is not None:
        query = query.where(STATEMENT.c.stated_on >= since)
    if until is not None:
        query = query.where(STATEMENT.c.stated_on <= until)
    if recorded_by is not None:
        query = query.where(STATEMENT.c.recorded_by == recorded_by)
    query = query.order_by(
        STATEMENT.c.stated_on.desc(), STATEMENT.c.recorded_at.desc(), STATEMENT.c.id.desc()
    )
    if limit is not None:
        query = query.limit(limit)
    for row in session.execute(query):
        yield to_view(row)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    statement: StatementView
    change: str | None  # None for a retracted statement: it moved nothing


def history(
    session: Session, party: str, issue: str
) -> tuple[PartyRef, IssueRef, list[HistoryEntry]]:
    """One party on one issue, oldest first, each statement with the change it made."""
    p = resolve_party(session, party)
    i = resolve_issue(session, issue)
    rows = session.execute(
        statement_select()
        .where(STATEMENT.c.party_id == p.id, STATEMENT.c.issue_id == i.id)
        .order_by(STATEMENT.c.stated_on, STATEMENT.c.recorded_at, STATEMENT.c.id)
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
    return p, i, entries


# --- writing ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Added:
    """A new statement and what it changed: the stance of its pair as of its
    date before and after, and a later statement that still sets the current
    stance when the new one is back-dated."""

    statement: StatementView
    before: StatementView | None
    change: str
    superseded_by: StatementView | None


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
    from tracker.core.positions import stance_of

    summary_text = clean_text(summary, "summary")
    if summary_text is None:
        raise Invalid("summary must not be empty")
    try:
        check_statement_date(stated_on)
    except ValueError as err:
        raise Invalid(str(err)) from None
    if score not in (-2, -1, 0, 1, 2):
        raise Invalid(f"score {score} is outside -2..2")
    p = resolve_party(session, party)
    i = resolve_issue(session, issue)
    values: dict[str, Any] = {
        "summary": summary_text,
        "quote": clean_text(quote, "quote"),
        "speaker": clean_text(speaker, "speaker"),
        "source": clean_text(source, "source"),
        "conditions": clean_text(conditions, "conditions"),
        "basis": check_basis(basis),
    }
    before = stance_of(session, p, i, stated_on)
    recorded_at, recorded_by = utcnow(), recorder()
    fp = fingerprint_of(fingerprint_input(
        p.slug, i.slug, score, stated_on.isoformat(), values["summary"], values["quote"],
        values["speaker"], values["source"], values["basis"], values["conditions"],
    ))  # fmt: skip
    inserted = session.execute(
        insert(STATEMENT).values(
            party_id=p.id,
            issue_id=i.id,
            score=score,
            stated_on=stated_on,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
            fingerprint=fp,
            **values,
        )
    )
    new_id = cast(CursorResult[Any], inserted).inserted_primary_key
    if new_id is None:
        raise TrackerError("the database did not return the new statement's id")
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
        **values,
    )
    current = stance_of(session, p, i, max(stated_on, dt.date.today()))
    later = current if current is not None and current.id != statement.id else None
    change = classify(before.score if before else None, score, activity=True)
    return Added(statement, before, change, later)


@dataclass(frozen=True, slots=True)
class Retracted:
    """A retracted statement, and the stance of its pair now that it is gone."""

    statement: StatementView
    current: StatementView | None


def retract(session: Session, statement_id: int, reason: str) -> Retracted:
    from tracker.core.positions import stance_of

    reason_text = clean_text(reason, "reason")
    if reason_text is None:
        raise Invalid("a retraction needs a reason")
    existing = get_statement(session, statement_id)
    if existing.retracted_at is not None:
        raise TrackerError(
            f"statement #{statement_id} was already retracted on "
            f"{existing.retracted_at:%Y-%m-%d %H:%M} UTC ({existing.retraction_reason})"
        )
    done = session.execute(
        update(STATEMENT)
        .where(and_(STATEMENT.c.id == statement_id, STATEMENT.c.retracted_at.is_(None)))
        .values(retracted_at=utcnow(), retraction_reason=reason_text)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise TrackerError(f"statement #{statement_id} was retracted by someone else just now")
    statement = get_statement(session, statement_id)
    p = resolve_party(session, statement.party)
    i = resolve_issue(session, statement.issue)
    current = stance_of(session, p, i, max(statement.stated_on, dt.date.today()))
    return Retracted(statement, current)
