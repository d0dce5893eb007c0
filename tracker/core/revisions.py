"""The catalog's memory: every change to a party, an issue or a person is a
revision (field, old, new, when, by whom), so nothing is overwritten without
a trace. An issue's wordings, the propositions it has had and when each was
in force, are read off its revisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.core.records import Revision, Wording
from tracker.core.values import recorder
from tracker.dates import utcnow
from tracker.db.schema import ISSUE, NAME_LENGTH, REVISION

# The fields a revision can name, besides a record's own columns.
CREATED = "created"  # new: the slug (a person's name) the record was made with
ALIAS = "alias"  # new: an alias added; old: one removed
KEYWORD = "keyword"  # likewise, an issue's keyword
AFFILIATION = "affiliation"  # a person's: old and new as "party|role|from|until"
MERGED = "merged"  # old: the slug of the record merged into this one
NEGATED = "negated"  # a merge's new: its statements' stances changed sign

Change = tuple[str, str | None, str | None]  # (field, old, new)
FIELD_LENGTH = NAME_LENGTH


def record(
    session: Session,
    kind: str,
    record_id: int,
    changes: Iterable[Change],
    at: dt.datetime | None = None,
) -> int:
    """Keep `changes` to one record, all at one moment (now, or `at`); a
    change that changes nothing is left out. Returns how many were kept."""
    when, who = at or utcnow(), recorder()
    rows = [
        {
            "kind": kind,
            "record_id": record_id,
            "field": field,
            "old": old,
            "new": new,
            "recorded_at": when,
            "recorded_by": who,
        }
        for field, old, new in changes
        if old != new
    ]
    if rows:
        session.execute(insert(REVISION), rows)
    return len(rows)


def history(session: Session, kind: str, record_id: int) -> tuple[Revision, ...]:
    """A record's revisions, oldest first."""
    r = REVISION.c
    rows = session.execute(
        select(r.field, r.old, r.new, r.recorded_at, r.recorded_by)
        .where(r.kind == kind, r.record_id == record_id)
        .order_by(r.recorded_at, r.id)
    )
    return tuple(Revision(*row) for row in rows)


def as_merged(revision: Revision, from_slug: str) -> Revision:
    """A revision of a record merged into another, as the survivor keeps it:
    aliases and keywords as they are (they become the survivor's); any other
    field named as the merged record's ("truce: proposition")."""
    if revision.field in (ALIAS, KEYWORD):
        return revision
    named = _merged_field(from_slug, revision.field)
    return Revision(named, revision.old, revision.new, revision.recorded_at, revision.recorded_by)


def _merged_field(from_slug: str, field: str) -> str:
    return f"{from_slug}: {field}"[:FIELD_LENGTH]


def move(session: Session, kind: str, from_id: int, into_id: int, from_slug: str) -> None:
    """A merged record's history joins its survivor's. Its aliases and keywords
    become the survivor's, and so do their revisions; every other field is
    named as the merged record's ("truce: proposition"), kept but never read
    as a change to the survivor's own."""
    r = REVISION.c
    rows = session.execute(
        select(r.id, r.field).where(
            r.kind == kind, r.record_id == from_id, r.field.not_in((ALIAS, KEYWORD))
        )
    ).all()
    if rows:
        named = [{"row": n, "named": _merged_field(from_slug, field)} for n, field in rows]
        session.execute(
            update(REVISION).where(r.id == bindparam("row")).values(field=bindparam("named")),
            named,
        )
    session.execute(
        update(REVISION).where(r.kind == kind, r.record_id == from_id).values(record_id=into_id)
    )


def forget(session: Session, kind: str, record_id: int) -> None:
    """A removed record's history goes with it."""
    r = REVISION.c
    session.execute(delete(REVISION).where(r.kind == kind, r.record_id == record_id))


def wordings(revisions: Sequence[Revision], current: str | None) -> tuple[Wording, ...]:
    """The propositions an issue has had, oldest first, each with the moments
    it came into force and went out of it (None: before the history begins,
    or still in force). `current` is the proposition today."""
    created = next((r.recorded_at for r in revisions if r.field == CREATED), None)
    changes = [r for r in revisions if r.field == "proposition"]
    text = changes[0].old if changes else current
    start = created
    found: list[Wording] = []
    for change in changes:
        found.append(Wording(text, start, change.recorded_at))
        text, start = change.new, change.recorded_at
    found.append(Wording(text, start, None))
    # A proposition given when the issue was made was never in force without it.
    return tuple(w for w in found if w.start is None or w.start != w.end)


def wording_at(wordings_of_issue: Sequence[Wording], moment: dt.datetime) -> Wording | None:
    return next((w for w in wordings_of_issue if w.covers(moment)), None)


def issue_wordings(
    session: Session, issues: dict[int, str | None]
) -> dict[int, tuple[Wording, ...]]:
    """The wordings of these issues (id: its proposition today), in one query."""
    if not issues:
        return {}
    r = REVISION.c
    rows = session.execute(
        select(r.record_id, r.field, r.old, r.new, r.recorded_at, r.recorded_by)
        .where(
            r.kind == "issue",
            r.record_id.in_(list(issues)),
            r.field.in_((CREATED, "proposition")),
        )
        .order_by(r.recorded_at, r.id)
    )
    by_issue: dict[int, list[Revision]] = {}
    for row in rows:
        by_issue.setdefault(row[0], []).append(Revision(*row[1:]))
    return {i: wordings(by_issue.get(i, []), current) for i, current in issues.items()}


def earlier_wordings(
    session: Session, statements: Iterable[tuple[int, str, dt.datetime]]
) -> dict[int, str | None]:
    """Of these statements (id, issue slug, recorded_at), those logged while
    their issue's proposition read otherwise than it does today, each with
    the wording it was logged against (None: the issue had none then)."""
    wanted = list(statements)
    if not wanted:
        return {}
    slugs = {slug for _, slug, _ in wanted}
    rows = session.execute(
        select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.proposition).where(ISSUE.c.slug.in_(slugs))
    ).all()
    ids = {row.slug: row.id for row in rows}
    found = issue_wordings(session, {row.id: row.proposition for row in rows})
    current = {row.id: row.proposition for row in rows}
    earlier: dict[int, str | None] = {}
    for statement_id, slug, recorded_at in wanted:
        issue_id = ids[slug]
        if len(found[issue_id]) < 2:
            continue  # one wording: it is today's
        then = wording_at(found[issue_id], recorded_at)
        if then is not None and then.proposition != current[issue_id]:
            earlier[statement_id] = then.proposition
    return earlier
