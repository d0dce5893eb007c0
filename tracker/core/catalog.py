"""Parties and issues: adding and listing them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.core.names import check_slug, key, party_index
from tracker.core.types import IssueView, PartyView
from tracker.core.values import clean_text
from tracker.db.models import Issue, Party, PartyAlias
from tracker.db.schema import NAME_LENGTH, SLUG_LENGTH
from tracker.errors import AlreadyExists, Invalid


def _text(value: str | None, what: str, *, required: bool = False, limit: int = 0) -> str | None:
    """As a statement's text (see `clean_text`), with a tighter cap for names."""
    value = clean_text(value, what)
    if value is None:
        if required:
            raise Invalid(f"{what} must not be empty")
        return None
    if limit and len(value) > limit:
        raise Invalid(f"{what} is {len(value)} characters long; at most {limit} are allowed")
    return value


# The unique constraints a new party or issue can run into, as each backend
# names them in its error: PostgreSQL and MariaDB by constraint, SQLite by column.
UNIQUE = {
    "party.slug": ("uq_party_slug", "party.slug"),
    "party_alias.key": ("uq_party_alias_key", "party_alias.key"),
    "issue.slug": ("uq_issue_slug", "issue.slug"),
}


def unique_violated(err: IntegrityError) -> str | None:
    """Which of `UNIQUE` an IntegrityError broke (None: something else)."""
    text = str(err.orig)
    for column, spellings in UNIQUE.items():
        if any(s in text for s in spellings):
            return column
    return None


def _flush_new(session: Session, messages: dict[str, str]) -> None:
    """Insert what the session holds. Another writer may have taken the slug or
    an alias since we looked (it committed between our check and our insert):
    the unique constraint then refuses the row, with the same message the
    check gives."""
    try:
        session.flush()
    except IntegrityError as err:
        message = messages.get(unique_violated(err) or "")
        if message is None:
            raise
        raise AlreadyExists(message) from None


def party_view(party: Party) -> PartyView:
    return PartyView(
        slug=party.slug,
        name=party.name,
        kind=party.kind,
        aliases=tuple(a.alias for a in party.aliases),
        description=party.description,
    )


def issue_view(issue: Issue) -> IssueView:
    return IssueView(issue.slug, issue.title, issue.proposition, issue.description)


def add_party(
    session: Session,
    slug: str,
    name: str,
    kind: str | None = None,
    aliases: Sequence[str] = (),
    description: str | None = None,
) -> PartyView:
    """A new party. Its slug and aliases must not name any other party."""
    check_slug(slug)
    name = _text(name, "party name", required=True, limit=NAME_LENGTH) or ""
    taken = party_index(session)
    if slug in taken.slugs:
        raise AlreadyExists(f"party {slug!r} already exists")
    if (owner := taken.owner(slug)) is not None:
        raise AlreadyExists(f"slug {slug!r} is already a name of party {owner.slug!r}")
    if (owner := taken.owner(name)) is not None:
        raise AlreadyExists(f"name {name!r} already names party {owner.slug!r}")
    party = Party(
        slug=slug,
        name=name,
        kind=_text(kind, "kind", limit=SLUG_LENGTH),
        description=_text(description, "description"),
    )
    own = {slug, key(name)}
    for alias in aliases:
        alias = _text(alias, "alias", required=True, limit=NAME_LENGTH) or ""
        k = key(alias)
        if k in own:
            continue  # the party's own slug or name, or a repeat: nothing to add
        if (owner := taken.owner(k)) is not None:
            raise AlreadyExists(f"alias {alias!r} already names party {owner.slug!r}")
        own.add(k)
        party.aliases.append(PartyAlias(alias=alias.strip(), key=k))
    session.add(party)
    _flush_new(
        session,
        {
            "party.slug": f"party {slug!r} already exists",
            "party_alias.key": f"an alias of party {slug!r} "
            f"({', '.join(a.alias for a in party.aliases)}) now names another party",
        },
    )
    return party_view(party)


def list_parties(session: Session) -> list[PartyView]:
    return [party_view(p) for p in session.scalars(select(Party).order_by(Party.id))]


def add_issue(
    session: Session,
    slug: str,
    title: str,
    proposition: str | None = None,
    description: str | None = None,
) -> IssueView:
    check_slug(slug)
    title = _text(title, "issue title", required=True, limit=NAME_LENGTH) or ""
    if session.scalar(select(Issue.id).where(Issue.slug == slug)) is not None:
        raise AlreadyExists(f"issue {slug!r} already exists")
    issue = Issue(
        slug=slug,
        title=title,
        proposition=_text(proposition, "proposition"),
        description=_text(description, "description"),
    )
    session.add(issue)
    _flush_new(session, {"issue.slug": f"issue {slug!r} already exists"})
    return issue_view(issue)


def list_issues(session: Session) -> list[IssueView]:
    return [issue_view(i) for i in session.scalars(select(Issue).order_by(Issue.id))]
