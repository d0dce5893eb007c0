"""Naming parties and issues: slugs, and the one resolver of what a user typed
or a file holds. Every command and the import name records through it.

A party is named by its slug, an alias or its name; an issue by its slug or
its title; case-insensitively, runs of whitespace as one space. A slug wins
over an alias, and an alias over a name. Names and titles need not be
unique: one that two records share is ambiguous, and refused.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.types import IssueRef, PartyRef
from tracker.db.schema import ALIAS, ISSUE, PARTY, SLUG_LENGTH
from tracker.errors import Ambiguous, Invalid, NotFound

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

Ref = TypeVar("Ref", PartyRef, IssueRef)
PLURAL = {"party": "parties", "issue": "issues"}


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


class NameIndex(Generic[Ref]):
    """Every name of every record of one kind (parties, or issues), read once.

    `kind` is "party" or "issue", and `called` what its display name is
    called in messages ("name", "title")."""

    def __init__(self, kind: str, called: str) -> None:
        self.kind = kind
        self.called = called
        self.slugs: dict[str, Ref] = {}
        self.aliases: dict[str, Ref] = {}
        self.names: dict[str, list[Ref]] = {}

    def add(self, ref: Ref, name: str, aliases: Iterable[str] = ()) -> None:
        """A record, its display name and its aliases' keys."""
        self.slugs[ref.slug] = ref
        named = self.names.setdefault(key(name), [])
        if ref not in named:
            named.append(ref)
        for alias_key in aliases:
            self.aliases.setdefault(alias_key, ref)

    def find(self, name: str) -> Ref | None:
        """The record `name` names; None if none; Ambiguous if several share it."""
        k = key(name)
        found = self.slugs.get(k) or self.aliases.get(k)
        if found is not None:
            return found
        named = self.names.get(k, [])
        if len(named) > 1:
            raise Ambiguous(
                f"{self.kind} {self.called} {name!r} is ambiguous: use a slug "
                f"({', '.join(r.slug for r in named)})"
            )
        return named[0] if named else None

    def resolve(self, name: str) -> Ref:
        """The record `name` names; NotFound, with the closest slugs, if none."""
        found = self.find(name)
        if found is None:
            raise self._unknown(name)
        return found

    def owner(self, name: str) -> Ref | None:
        """The record any of whose names is `name` (its first, for a shared name)."""
        k = key(name)
        named = self.names.get(k)
        return self.slugs.get(k) or self.aliases.get(k) or (named[0] if named else None)

    def _unknown(self, name: str) -> NotFound:
        if not self.slugs:
            return NotFound(
                f"unknown {self.kind} {name!r}: there are no {PLURAL[self.kind]} yet "
                f"('tracker {self.kind} add' adds one)"
            )
        slug_of: dict[str, str] = {}
        for k, ref in self.slugs.items():
            slug_of.setdefault(k, ref.slug)
        for k, refs in self.names.items():
            slug_of.setdefault(k, refs[0].slug)
        for k, ref in self.aliases.items():
            slug_of.setdefault(k, ref.slug)
        close = difflib.get_close_matches(key(name), list(slug_of), n=5, cutoff=0.5)
        suggestions = list(dict.fromkeys(slug_of[k] for k in close))[:3]
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        return NotFound(
            f"unknown {self.kind} {name!r}{hint} ('tracker {self.kind} list' shows them all)"
        )


def party_index(session: Session) -> NameIndex[PartyRef]:
    index: NameIndex[PartyRef] = NameIndex("party", "name")
    for p in session.execute(select(PARTY.c.id, PARTY.c.slug, PARTY.c.name).order_by(PARTY.c.id)):
        index.add(PartyRef(p.id, p.slug, p.name), p.name)
    # One query with the parties' own columns: a writer at READ COMMITTED
    # (PostgreSQL) may see a party added since the query above.
    aliases = select(ALIAS.c.key, PARTY.c.id, PARTY.c.slug, PARTY.c.name).join(
        PARTY, PARTY.c.id == ALIAS.c.party_id
    )
    for a in session.execute(aliases.order_by(ALIAS.c.id)):
        ref = PartyRef(a.id, a.slug, a.name)
        if ref.slug not in index.slugs:
            index.add(ref, a.name)
        index.aliases.setdefault(a.key, ref)
    return index


def issue_index(session: Session) -> NameIndex[IssueRef]:
    index: NameIndex[IssueRef] = NameIndex("issue", "title")
    rows = session.execute(select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title).order_by(ISSUE.c.id))
    for i in rows:
        index.add(IssueRef(i.id, i.slug, i.title), i.title)
    return index


def resolve_party(session: Session, name: str) -> PartyRef:
    """A party by slug, alias or name."""
    return party_index(session).resolve(name)


def resolve_issue(session: Session, name: str) -> IssueRef:
    """An issue by slug or title."""
    return issue_index(session).resolve(name)


def resolve_parties(session: Session, names: Sequence[str]) -> list[PartyRef] | None:
    """None when no names were given (meaning: every party)."""
    if not names:
        return None
    index = party_index(session)
    return list(dict.fromkeys(index.resolve(n) for n in names))


def resolve_issues(session: Session, names: Sequence[str]) -> list[IssueRef] | None:
    if not names:
        return None
    index = issue_index(session)
    return list(dict.fromkeys(index.resolve(n) for n in names))
