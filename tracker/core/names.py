"""Naming parties and issues: slugs, and resolving what a user typed."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from tracker.core.types import IssueRef, PartyRef
from tracker.errors import Invalid, NotFound
from tracker.schema import ALIAS, ISSUE, PARTY, SLUG_LENGTH

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_slug(slug: str) -> str:
    if len(slug) > SLUG_LENGTH or not SLUG_RE.fullmatch(slug):
        raise Invalid(
            f"bad slug {slug!r}: use lowercase letters, digits and single '-' between "
            f"them, at most {SLUG_LENGTH} characters (e.g. 'united-states')"
        )
    return slug


def key(name: str) -> str:
    """The case-insensitive form names are compared in."""
    return " ".join(name.split()).casefold()


def _unknown(kind: str, name: str, known: Iterable[tuple[str, str]]) -> NotFound:
    """`known`: (key, slug) pairs. Suggest the closest slugs."""
    slug_of: dict[str, str] = {}
    for k, slug in known:
        slug_of.setdefault(k, slug)
    if not slug_of:
        plural = {"party": "parties", "issue": "issues"}[kind]
        return NotFound(
            f"unknown {kind} {name!r}: there are no {plural} yet ('tracker {kind} add' adds one)"
        )
    close = difflib.get_close_matches(key(name), list(slug_of), n=5, cutoff=0.5)
    suggestions = list(dict.fromkeys(slug_of[k] for k in close))[:3]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return NotFound(f"unknown {kind} {name!r}{hint} ('tracker {kind} list' shows them all)")


def party_names(session: Session) -> dict[str, tuple[int, str]]:
    """Every case-folded slug, name and alias of every party, to (id, slug)."""
    names: dict[str, tuple[int, str]] = {}
    for p in session.execute(select(PARTY.c.id, PARTY.c.slug, PARTY.c.name)):
        names.setdefault(p.slug, (p.id, p.slug))
        names.setdefault(key(p.name), (p.id, p.slug))
    for a in session.execute(_aliases_with_slugs()):
        names.setdefault(a.key, (a.party_id, a.slug))
    return names


def _aliases_with_slugs() -> Select[tuple[str, int, str]]:
    # One query: a writer at READ COMMITTED (PostgreSQL) may see a party added
    # since its previous query, so aliases never look up slugs read earlier.
    return select(ALIAS.c.key, ALIAS.c.party_id, PARTY.c.slug).join(
        PARTY, PARTY.c.id == ALIAS.c.party_id
    )


def resolve_party(session: Session, name: str) -> PartyRef:
    """A party by slug, alias or name, case-insensitively."""
    k = key(name)
    by_key = session.execute(
        select(PARTY.c.id, PARTY.c.slug, PARTY.c.name).where(
            or_(
                PARTY.c.slug == k,
                PARTY.c.id.in_(select(ALIAS.c.party_id).where(ALIAS.c.key == k)),
            )
        )
    ).first()
    if by_key is not None:
        return PartyRef(by_key.id, by_key.slug, by_key.name)
    # Names are not indexed case-insensitively; parties are few.
    parties = session.execute(select(PARTY.c.id, PARTY.c.slug, PARTY.c.name)).all()
    named = [p for p in parties if key(p.name) == k]
    if len(named) == 1:
        return PartyRef(named[0].id, named[0].slug, named[0].name)
    if len(named) > 1:
        raise NotFound(
            f"party name {name!r} is ambiguous: use a slug ({', '.join(p.slug for p in named)})"
        )
    aliases = session.execute(_aliases_with_slugs()).all()
    known = [(p.slug, p.slug) for p in parties] + [(key(p.name), p.slug) for p in parties]
    known += [(a.key, a.slug) for a in aliases]
    raise _unknown("party", name, known)


def resolve_issue(session: Session, name: str) -> IssueRef:
    """An issue by slug or title, case-insensitively."""
    k = key(name)
    row = session.execute(
        select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title).where(ISSUE.c.slug == k)
    ).first()
    if row is not None:
        return IssueRef(row.id, row.slug, row.title)
    issues = session.execute(select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title)).all()
    titled = [i for i in issues if key(i.title) == k]
    if len(titled) == 1:
        return IssueRef(titled[0].id, titled[0].slug, titled[0].title)
    if len(titled) > 1:
        raise NotFound(
            f"issue title {name!r} is ambiguous: use a slug ({', '.join(i.slug for i in titled)})"
        )
    known = [(i.slug, i.slug) for i in issues] + [(key(i.title), i.slug) for i in issues]
    raise _unknown("issue", name, known)


def resolve_parties(session: Session, names: Sequence[str]) -> list[PartyRef] | None:
    """None when no names were given (meaning: every party)."""
    if not names:
        return None
    return list(dict.fromkeys(resolve_party(session, n) for n in names))


def resolve_issues(session: Session, names: Sequence[str]) -> list[IssueRef] | None:
    if not names:
        return None
    return list(dict.fromkeys(resolve_issue(session, n) for n in names))
