"""What `tracker read` asks the database: what the catalog knows, for the
reader (`tracker.read`, which never opens the database itself), and which
proposals the database already holds."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from tracker.core.names import issue_index
from tracker.core.records import Affiliation
from tracker.db.schema import (
    AFFILIATION,
    ALIAS,
    ISSUE,
    ISSUE_ALIAS,
    KEYWORD,
    PARTY,
    PERSON,
    PERSON_ALIAS,
    STATEMENT,
)
from tracker.errors import Ambiguous
from tracker.read.known import Known, KnownIssue, KnownParty, KnownPerson
from tracker.read.types import Proposal
from tracker.slugs import SLUG_RE


def known_from_catalog(session: Session, opposites: bool = False) -> Known:
    """The catalog as the reader sees it: parties with their aliases, issues
    with their propositions, keywords and aliases, people with their aliases and
    affiliations; a query a table.

    An issue's aliases from a negated merge ask the opposite of its question.
    With `opposites` (reading statements) they are an issue of their own to
    the reader (`KnownIssue.opposite_of`), named by one of them, so that a
    stance read in a sentence that names them is proposed under that name,
    and negated when it is logged, as the one resolver resolves it.
    Without (linking a draft's points, which take no stance) they are the
    issue's aliases like any other."""
    aliases: dict[int, list[str]] = {}
    for party_id, alias in session.execute(
        select(ALIAS.c.party_id, ALIAS.c.alias).order_by(ALIAS.c.id)
    ):
        aliases.setdefault(party_id, []).append(alias)
    parties = tuple(
        KnownParty(row.slug, row.name, row.kind, tuple(aliases.get(row.id, ())))
        for row in session.execute(
            select(PARTY.c.id, PARTY.c.slug, PARTY.c.name, PARTY.c.kind).order_by(PARTY.c.id)
        )
    )
    keywords: dict[int, list[str]] = {}
    for issue_id, keyword in session.execute(
        select(KEYWORD.c.issue_id, KEYWORD.c.keyword).order_by(KEYWORD.c.id)
    ):
        keywords.setdefault(issue_id, []).append(keyword)
    issue_aliases: dict[int, list[str]] = {}
    opposite: dict[int, list[str]] = {}
    for issue_id, alias, negated in session.execute(
        select(ISSUE_ALIAS.c.issue_id, ISSUE_ALIAS.c.alias, ISSUE_ALIAS.c.negated).order_by(
            ISSUE_ALIAS.c.id
        )
    ):
        (opposite if negated and opposites else issue_aliases).setdefault(issue_id, []).append(
            alias
        )
    issues: list[KnownIssue] = []
    for row in session.execute(
        select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title, ISSUE.c.proposition).order_by(ISSUE.c.id)
    ):
        keys = tuple(keywords.get(row.id, ()))
        named = tuple(issue_aliases.get(row.id, ()))
        issues.append(KnownIssue(row.slug, row.title, row.proposition, keys, named))
        if row.id in opposite:
            names = opposite[row.id]
            # Named by a slug-like one (the merged issue's slug) if any.
            first = next((n for n in names if SLUG_RE.fullmatch(n)), names[0])
            others = tuple(n for n in names if n != first)
            issues.append(KnownIssue(first, first, None, (), others, opposite_of=row.slug))
    return Known(parties, tuple(issues), _people(session))


def _people(session: Session) -> tuple[KnownPerson, ...]:
    names: dict[int, list[str]] = {}
    for person_id, alias in session.execute(
        select(PERSON_ALIAS.c.person_id, PERSON_ALIAS.c.alias).order_by(PERSON_ALIAS.c.id)
    ):
        names.setdefault(person_id, []).append(alias)
    a = AFFILIATION.c
    spans: dict[int, list[Affiliation]] = {}
    for row in session.execute(
        select(a.person_id, PARTY.c.slug, a.role, a.starts_on, a.ends_on)
        .join(PARTY, PARTY.c.id == a.party_id)
        .order_by(a.id)
    ):
        spans.setdefault(row.person_id, []).append(
            Affiliation(row.slug, row.role, row.starts_on, row.ends_on)
        )
    return tuple(
        KnownPerson(row.name, tuple(names.get(row.id, ())), tuple(spans.get(row.id, ())))
        for row in session.execute(select(PERSON.c.id, PERSON.c.name).order_by(PERSON.c.id))
    )


def held(session: Session, proposals: Iterable[Proposal]) -> set[tuple[object, ...]]:
    """The keys (`Proposal.key`: party, issue, score, date, source) of the
    proposals that a statement not retracted already holds, in one query. A
    proposal under a name that asks the opposite of its issue's question is
    held as it would be logged: under the issue, its stance negated."""
    index = issue_index(session)
    stored: dict[tuple[object, ...], set[tuple[object, ...]]] = {}
    for p in proposals:
        try:
            ref = index.find(p.issue)
        except Ambiguous:
            continue
        if ref is not None:
            score = -p.score if ref.negated else p.score
            stored.setdefault((p.party, ref.slug, score, p.stated_on, p.source), set()).add(p.key())
    wanted = set(stored)
    if not wanted:
        return set()
    query = (
        select(
            PARTY.c.slug, ISSUE.c.slug, STATEMENT.c.score, STATEMENT.c.stated_on, STATEMENT.c.source
        )
        .join(PARTY, PARTY.c.id == STATEMENT.c.party_id)
        .join(ISSUE, ISSUE.c.id == STATEMENT.c.issue_id)
        .where(
            STATEMENT.c.retracted_at.is_(None),
            tuple_(PARTY.c.slug, ISSUE.c.slug).in_({(k[0], k[1]) for k in wanted}),
            STATEMENT.c.stated_on.in_({k[3] for k in wanted}),
        )
    )
    found = {tuple(row) for row in session.execute(query)} & wanted
    return {k for row in found for k in stored[row]}
