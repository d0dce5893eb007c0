"""Merging the duplicates every team creates (`usa` and `united-states`).

FROM's statements move to INTO, and so does everything else of FROM's: its
aliases, its people's affiliations and the draft versions it put forward
(parties), its keywords and its links to draft points (issues), its history. FROM's slug and name become aliases of INTO, and FROM is gone.
Afterwards every report, diff and history is what it would have been had
FROM's statements been logged under INTO.

Two issues whose propositions differ merge only when told how they relate:
`force` (the same question in other words) or `negate` (the opposite
question: FROM's stances change sign under INTO, each statement marked
`negated`, and the merge's revision says so). FROM's names then ask the
opposite of INTO's question: they become INTO's aliases marked `negated`
(an alias FROM had from a negated merge of its own asks INTO's question
again), so that a stance logged under one later is negated too
(`core.names`). `--negate` of two issues asking the same question is refused.

The ledger lets a statement move only in a merge: to the record its own
party or issue is being merged into (`merged_into`), its stance negated
only where that issue's `merge_negates` is set. On PostgreSQL, MySQL and
MariaDB the marks, the move and the deletion of FROM are one call of the
database's own `merge_record`, which runs with its owner's rights: the one
way a statement moves there (writers may not update the columns a move
changes). On SQLite, which has no roles, this module makes them itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Table, func, select, text, update
from sqlalchemy.orm import Session

from tracker.core import drafts, revisions
from tracker.core.catalog import (
    flush_new,
    get_issue,
    get_party,
    issue_view,
    party_view,
)
from tracker.core.names import key
from tracker.core.records import IssueView, Merged, PartyView
from tracker.db.models import Issue, IssueAlias, Keyword, Party, PartyAlias
from tracker.db.schema import AFFILIATION, ISSUE, PARTY, STATEMENT
from tracker.errors import Invalid, TrackerError


def _names_of(record: Party | Issue, display: str) -> list[tuple[str, bool]]:
    """The names a merged record leaves to its survivor: name, slug, aliases
    (its name first: "Polska" rather than its slug "polska", one name to the
    case-blind resolver), each with whether it asks the opposite of the
    record's question (an issue's alias from a negated merge)."""
    return [
        (display, False),
        (record.slug, False),
        *((a.alias, bool(getattr(a, "negated", False))) for a in record.aliases),
    ]


def merge_parties(
    session: Session, source: str, target: str, *, history: bool = True
) -> Merged[PartyView]:
    """Fold party `source` into `target`. With `history` false the merge is
    not recorded as new revisions: an import replays one recorded elsewhere."""
    old, into = get_party(session, source), get_party(session, target)
    if old.id == into.id:
        raise Invalid(f"{source!r} and {target!r} are the same party ({into.slug})")
    _lock(session, PARTY, old.id)
    moved = [name for name, _ in _leftover_names(into, _names_of(old, old.name), into.name)]
    session.execute(
        update(AFFILIATION).where(AFFILIATION.c.party_id == old.id).values(party_id=into.id)
    )
    drafts.move_party(session, old.id, into.id)
    slug = old.slug
    revisions.move(session, "party", old.id, into.id, slug)
    count = _move(session, old, into.id)
    for alias in moved:
        into.aliases.append(PartyAlias(alias=alias, key=key(alias)))
    flush_new(session, {})
    changes = [(revisions.MERGED, slug, None), *((revisions.ALIAS, None, a) for a in moved)]
    if history:
        revisions.record(session, "party", into.id, changes)
    return Merged(party_view(into), slug, count, tuple(moved))


def merge_issues(
    session: Session,
    source: str,
    target: str,
    *,
    history: bool = True,
    force: bool = False,
    negate: bool = False,
) -> Merged[IssueView]:
    """Fold issue `source` into `target` (see `merge_parties`). Issues whose
    propositions differ (case and spacing aside) merge only with `force`
    (the same question in other words) or `negate` (the opposite question:
    the moved statements' stances change sign)."""
    if force and negate:
        raise Invalid("--force and --negate say opposite things: give one")
    old, into = get_issue(session, source), get_issue(session, target)
    if old.id == into.id:
        raise Invalid(f"{source!r} and {target!r} are the same issue ({into.slug})")
    if negate and history and _same_question(old.proposition, into.proposition):
        raise TrackerError(
            f"issues {old.slug!r} and {into.slug!r} ask the same question: {old.slug!r} asks "
            f"{_asks(old.proposition)}, {into.slug!r} asks {_asks(into.proposition)}; "
            "--negate would turn every stance moved into its opposite (merge without it)"
        )
    if not (force or negate) and not _same_question(old.proposition, into.proposition):
        raise TrackerError(
            f"issues {old.slug!r} and {into.slug!r} ask different questions: "
            f"{old.slug!r} asks {_asks(old.proposition)}, {into.slug!r} asks "
            f"{_asks(into.proposition)}; merge with --force if they are the same question "
            f"in other words, or with --negate if {old.slug!r} asks the opposite (its "
            "stances then change sign)"
        )
    _lock(session, ISSUE, old.id)
    # A name of FROM asks FROM's question: under INTO, the opposite if the
    # merge negates (and FROM's own negated names, INTO's question again).
    moved = [
        (name, negated != negate)
        for name, negated in _leftover_names(into, _names_of(old, old.title), into.title)
    ]
    have = {k.key for k in into.keywords}
    keywords = [k.keyword for k in old.keywords if k.key not in have]
    drafts.move_issue(session, old.id, into.id)
    slug = old.slug
    revisions.move(session, "issue", old.id, into.id, slug)
    count = _move(session, old, into.id, negate)
    for alias, negated in moved:
        into.aliases.append(IssueAlias(alias=alias, key=key(alias), negated=negated))
    for keyword in keywords:
        into.keywords.append(Keyword(keyword=keyword, key=key(keyword)))
    flush_new(session, {})
    merged = (revisions.MERGED, slug, revisions.NEGATED if negate else None)
    changes = [merged, *((revisions.ALIAS, None, a) for a, _ in moved)]
    changes += [(revisions.KEYWORD, None, k) for k in keywords]
    if history:
        revisions.record(session, "issue", into.id, changes)
    return Merged(issue_view(into), slug, count, tuple(a for a, _ in moved), negate)


def _same_question(a: str | None, b: str | None) -> bool:
    """Whether two propositions are one, ignoring case and whitespace."""
    return (a is None and b is None) or (
        a is not None
        and b is not None
        and "".join(a.split()).casefold() == "".join(b.split()).casefold()
    )


def _asks(proposition: str | None) -> str:
    return repr(proposition) if proposition is not None else "no proposition"


def _lock(session: Session, table: Table, record_id: int) -> None:
    """FROM, locked for the merge: a command adding a statement for it waits
    (its foreign key's check needs the row), and then finds it gone and runs
    again (`db.failures`); one that added a statement before the lock is
    waited for, and its statement moved. (SQLite: one writer at a time.)"""
    session.execute(select(table.c.id).where(table.c.id == record_id).with_for_update())


def _move(session: Session, old: Party | Issue, into_id: int, negate: bool = False) -> int:
    """FROM's statements to INTO (their stances negated, if so), and FROM
    deleted, its names with it; returns how many statements moved."""
    kind = "party" if isinstance(old, Party) else "issue"
    table, column = (
        (PARTY, STATEMENT.c.party_id) if kind == "party" else (ISSUE, STATEMENT.c.issue_id)
    )
    dialect = session.get_bind().dialect.name
    if dialect != "sqlite":
        # The one way a statement moves on a server: the database's own
        # merge_record, with its owner's rights (docs/teams.md).
        count = int(session.scalar(select(func.count()).where(column == old.id)) or 0)
        session.flush()
        call = "CALL" if dialect in ("mysql", "mariadb") else "SELECT"
        session.execute(
            text(f"{call} merge_record(:kind, :source, :target, :negate)"),
            {"kind": kind, "source": old.id, "target": into_id, "negate": negate},
        )
        session.expunge(old)  # deleted by the routine, names and all
        return count
    marks = {"merged_into": into_id} | ({"merge_negates": True} if negate else {})
    session.execute(update(table).where(table.c.id == old.id).values(**marks))
    values: dict[str, Any] = {column.name: into_id}
    if negate:
        values |= {"score": -STATEMENT.c.score, "negated": ~STATEMENT.c.negated}
    result = session.execute(update(STATEMENT).where(column == old.id).values(**values))
    assert isinstance(result, CursorResult)
    session.delete(old)
    session.flush()  # FROM's names are free before INTO takes them
    return int(result.rowcount)


def _leftover_names(
    into: Party | Issue, names: list[tuple[str, bool]], display: str
) -> list[tuple[str, bool]]:
    """Of `names` (each with its mark), those INTO does not already answer
    to, each once."""
    have = {into.slug, key(display), *(a.key for a in into.aliases)}
    found: list[tuple[str, bool]] = []
    for name, mark in names:
        if key(name) not in have:
            have.add(key(name))
            found.append((name, mark))
    return found
