"""Merging the duplicates every team creates (`usa` and `united-states`).

FROM's statements move to INTO, and so does everything else of FROM's: its
aliases, its people's affiliations (parties), its keywords (issues), its
history. FROM's slug and name become aliases of INTO, and FROM is gone.
Afterwards every report, diff and history is what it would have been had
FROM's statements been logged under INTO.

The ledger itself lets a statement be re-pointed only to the record its own
party or issue is being merged into (`merged_into`, set here for the length
of the move); no other change to a statement is possible but its retraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.orm import Session

from tracker.core import revisions
from tracker.core.catalog import (
    flush_new,
    get_issue,
    get_party,
    issue_view,
    party_view,
)
from tracker.core.names import key
from tracker.core.records import IssueView, PartyView
from tracker.db.models import Issue, IssueAlias, Keyword, Party, PartyAlias
from tracker.db.schema import AFFILIATION, ISSUE, PARTY, STATEMENT
from tracker.errors import Invalid

View = TypeVar("View", PartyView, IssueView)


@dataclass(frozen=True, slots=True)
class Merged(Generic[View]):
    """What a merge did: the survivor as it is now, the slug of the record it
    absorbed, how many statements moved, and the names it gained."""

    into: View
    source: str
    statements: int
    names: tuple[str, ...]


def _moved(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _names_of(record: Party | Issue, display: str) -> list[str]:
    """The names a merged record leaves to its survivor: name, slug, aliases
    (its name first: "Polska" rather than its slug "polska", one name to the
    case-blind resolver)."""
    return [display, record.slug, *(a.alias for a in record.aliases)]


def merge_parties(
    session: Session, source: str, target: str, *, history: bool = True
) -> Merged[PartyView]:
    """Fold party `source` into `target`. With `history` false the merge is
    not recorded as new revisions: an import replays one recorded elsewhere."""
    old, into = get_party(session, source), get_party(session, target)
    if old.id == into.id:
        raise Invalid(f"{source!r} and {target!r} are the same party ({into.slug})")
    _lock(session, PARTY, old.id)
    moved = _leftover_names(into, _names_of(old, old.name), into.name)
    session.execute(update(PARTY).where(PARTY.c.id == old.id).values(merged_into=into.id))
    count = _moved(
        session.execute(
            update(STATEMENT).where(STATEMENT.c.party_id == old.id).values(party_id=into.id)
        )
    )
    session.execute(
        update(AFFILIATION).where(AFFILIATION.c.party_id == old.id).values(party_id=into.id)
    )
    slug = old.slug
    revisions.move(session, "party", old.id, into.id, slug)
    session.delete(old)
    session.flush()  # FROM's names are free before INTO takes them
    for alias in moved:
        into.aliases.append(PartyAlias(alias=alias, key=key(alias)))
    flush_new(session, {})
    changes = [(revisions.MERGED, slug, None), *((revisions.ALIAS, None, a) for a in moved)]
    if history:
        revisions.record(session, "party", into.id, changes)
    return Merged(party_view(into), slug, count, tuple(moved))


def merge_issues(
    session: Session, source: str, target: str, *, history: bool = True
) -> Merged[IssueView]:
    """Fold issue `source` into `target` (see `merge_parties`)."""
    old, into = get_issue(session, source), get_issue(session, target)
    if old.id == into.id:
        raise Invalid(f"{source!r} and {target!r} are the same issue ({into.slug})")
    _lock(session, ISSUE, old.id)
    moved = _leftover_names(into, _names_of(old, old.title), into.title)
    have = {k.key for k in into.keywords}
    keywords = [k.keyword for k in old.keywords if k.key not in have]
    session.execute(update(ISSUE).where(ISSUE.c.id == old.id).values(merged_into=into.id))
    count = _moved(
        session.execute(
            update(STATEMENT).where(STATEMENT.c.issue_id == old.id).values(issue_id=into.id)
        )
    )
    slug = old.slug
    revisions.move(session, "issue", old.id, into.id, slug)
    session.delete(old)
    session.flush()
    for alias in moved:
        into.aliases.append(IssueAlias(alias=alias, key=key(alias)))
    for keyword in keywords:
        into.keywords.append(Keyword(keyword=keyword, key=key(keyword)))
    flush_new(session, {})
    changes = [(revisions.MERGED, slug, None), *((revisions.ALIAS, None, a) for a in moved)]
    changes += [(revisions.KEYWORD, None, k) for k in keywords]
    if history:
        revisions.record(session, "issue", into.id, changes)
    return Merged(issue_view(into), slug, count, tuple(moved))


def _lock(session: Session, table: Table, record_id: int) -> None:
    """FROM, locked for the merge: a command adding a statement for it waits
    (its foreign key's check needs the row), and then finds it gone and runs
    again (`db.failures`); one that added a statement before the lock is
    waited for, and its statement moved. (SQLite: one writer at a time.)"""
    session.execute(select(table.c.id).where(table.c.id == record_id).with_for_update())


def _leftover_names(into: Party | Issue, names: list[str], display: str) -> list[str]:
    """Of `names`, those INTO does not already answer to, each once."""
    have = {into.slug, key(display), *(a.key for a in into.aliases)}
    found: list[str] = []
    for name in names:
        if key(name) not in have:
            have.add(key(name))
            found.append(name)
    return found
