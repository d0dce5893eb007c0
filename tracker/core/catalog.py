"""Parties and issues: adding, listing, correcting and removing them. Every
change leaves a revision (`core/revisions.py`); merging is `core/merge.py`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.core import revisions
from tracker.core.names import Namespace, check_slug, issue_index, key, party_index, spelling
from tracker.core.records import IssueView, PartyView
from tracker.core.types import IssueRef, PartyRef
from tracker.core.values import clean_text
from tracker.db.models import Issue, Keyword, Party, PartyAlias
from tracker.db.schema import NAME_LENGTH
from tracker.errors import AlreadyExists, Invalid, Taken
from tracker.slugs import SLUG_LENGTH


def text(value: str | None, what: str, *, required: bool = False, limit: int = 0) -> str | None:
    """As a statement's text (see `clean_text`), with a tighter cap for names."""
    value = clean_text(value, what)
    if value is None:
        if required:
            raise Invalid(f"{what} must not be empty")
        return None
    if limit and len(value) > limit:
        raise Invalid(f"{what} is {len(value)} characters long; at most {limit} are allowed")
    return value


def name_text(value: str | None, what: str) -> str:
    """A name, title, alias or keyword: required, at most NAME_LENGTH, kept
    without the spaces around it, in NFC, one line (`names.spelling`)."""
    return spelling((text(value, what, required=True, limit=NAME_LENGTH) or "").strip(), what)


# The unique constraints a new record can run into, as each backend names
# them in its error: PostgreSQL and MariaDB by constraint, SQLite by column.
UNIQUE = {
    "party.slug": ("uq_party_slug", "party.slug"),
    "party_alias.key": ("uq_party_alias_key", "party_alias.key"),
    "issue.slug": ("uq_issue_slug", "issue.slug"),
    "issue_alias.key": ("uq_issue_alias_key", "issue_alias.key"),
    "person.key": ("uq_person_key", "person.key"),
    "person_alias.key": ("uq_person_alias_key", "person_alias.key"),
}


def unique_violated(err: IntegrityError) -> str | None:
    """Which of `UNIQUE` an IntegrityError broke (None: something else)."""
    found = str(err.orig)
    for column, spellings in UNIQUE.items():
        if any(s in found for s in spellings):
            return column
    return None


def flush_new(session: Session, messages: dict[str, str]) -> None:
    """Write what the session holds. Another writer may have taken a slug or
    a name since we looked (it committed between our check and our write):
    the unique constraint then refuses the row, with the same message the
    check gives, as `Taken` (which an import turns into a Conflict, to run
    again)."""
    try:
        session.flush()
    except IntegrityError as err:
        message = messages.get(unique_violated(err) or "")
        if message is None:
            raise
        raise Taken(message) from None


def party_view(party: Party) -> PartyView:
    return PartyView(
        slug=party.slug,
        name=party.name,
        kind=party.kind,
        aliases=tuple(a.alias for a in party.aliases),
        description=party.description,
    )


def issue_view(issue: Issue) -> IssueView:
    return IssueView(
        issue.slug,
        issue.title,
        issue.proposition,
        issue.description,
        tuple(k.keyword for k in issue.keywords),
        tuple(a.alias for a in issue.aliases),
        tuple(a.alias for a in issue.aliases if a.negated),
    )


def _created(slug: str, fields: dict[str, str | None]) -> list[revisions.Change]:
    """A new record's revisions: that it was made, and each field it was given."""
    return [(revisions.CREATED, None, slug), *((f, None, v) for f, v in fields.items())]


def add_party(
    session: Session,
    slug: str,
    name: str,
    kind: str | None = None,
    aliases: Sequence[str] = (),
    description: str | None = None,
    *,
    history: bool = True,
    taken: Namespace | None = None,
) -> PartyView:
    """A new party. Its slug, name and aliases must name nothing else. Its
    making is recorded as revisions, unless `history` is false (an import
    that brings the party's own history). `taken`: the names as the caller
    has them read (an import adding many), kept up to date here."""
    check_slug(slug)
    name = name_text(name, "party name")
    taken = taken or Namespace(session)
    if slug in taken.parties.slugs:
        raise AlreadyExists(f"party {slug!r} already exists")
    taken.claim(slug, "slug")
    taken.claim(name, "name")
    party = Party(
        slug=slug,
        name=name,
        kind=text(kind, "kind", limit=SLUG_LENGTH),
        description=text(description, "description"),
    )
    # Its own slug or name is no alias to add, but a party an import brings
    # with its history keeps the aliases it has (one renamed onto its alias
    # has that alias still): only a repeat is left out.
    own = {slug, key(name)} if history else set()
    for alias in aliases:
        alias = name_text(alias, "alias")
        k = key(alias)
        if k in own:
            continue  # the party's own slug or name, or a repeat: nothing to add
        taken.claim(alias, "alias")
        own.add(k)
        party.aliases.append(PartyAlias(alias=alias, key=k))
    session.add(party)
    flush_new(
        session,
        {
            "party.slug": f"party {slug!r} already exists",
            "party_alias.key": f"an alias of party {slug!r} "
            f"({', '.join(a.alias for a in party.aliases)}) now names another party",
        },
    )
    taken.parties.add(
        PartyRef(party.id, party.slug, party.name), party.name, [a.key for a in party.aliases]
    )
    fields = {"name": party.name, "kind": party.kind, "description": party.description}
    changes = _created(slug, fields)
    changes += [(revisions.ALIAS, None, a.alias) for a in party.aliases]
    if history:
        revisions.record(session, "party", party.id, changes)
    return party_view(party)


def list_parties(session: Session) -> list[PartyView]:
    return [party_view(p) for p in session.scalars(select(Party).order_by(Party.id))]


def add_issue(
    session: Session,
    slug: str,
    title: str,
    proposition: str | None = None,
    description: str | None = None,
    keywords: Sequence[str] = (),
    *,
    history: bool = True,
    taken: Namespace | None = None,
) -> IssueView:
    """A new issue. Its slug and title must name nothing else. Its making is
    recorded as revisions, unless `history` is false. `taken` as for
    `add_party`."""
    check_slug(slug)
    title = name_text(title, "issue title")
    taken = taken or Namespace(session)
    if slug in taken.issues.slugs:
        raise AlreadyExists(f"issue {slug!r} already exists")
    taken.claim(slug, "slug")
    taken.claim(title, "title")
    issue = Issue(
        slug=slug,
        title=title,
        proposition=text(proposition, "proposition"),
        description=text(description, "description"),
    )
    add_keywords(issue, keywords)
    session.add(issue)
    flush_new(session, {"issue.slug": f"issue {slug!r} already exists"})
    taken.issues.add(IssueRef(issue.id, issue.slug, issue.title), issue.title)
    fields = {
        "title": issue.title,
        "proposition": issue.proposition,
        "description": issue.description,
    }
    changes = _created(slug, fields)
    changes += [(revisions.KEYWORD, None, k.keyword) for k in issue.keywords]
    if history:
        revisions.record(session, "issue", issue.id, changes)
    return issue_view(issue)


def add_keywords(issue: Issue, keywords: Sequence[str]) -> list[str]:
    """Keywords not yet the issue's, added; returns them."""
    have = {k.key for k in issue.keywords}
    added = []
    for keyword in keywords:
        keyword = name_text(keyword, "keyword")
        if key(keyword) not in have:
            have.add(key(keyword))
            issue.keywords.append(Keyword(keyword=keyword, key=key(keyword)))
            added.append(keyword)
    return added


def list_issues(session: Session) -> list[IssueView]:
    return [issue_view(i) for i in session.scalars(select(Issue).order_by(Issue.id))]


def get_party(session: Session, name: str) -> Party:
    """A party, by any of its names, as an object to change."""
    ref = party_index(session).resolve(name)
    party = session.get(Party, ref.id)
    assert party is not None
    return party


def get_issue(session: Session, name: str) -> Issue:
    ref = issue_index(session).resolve(name)
    issue = session.get(Issue, ref.id)
    assert issue is not None
    return issue
