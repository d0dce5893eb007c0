"""Naming parties, issues and people: slugs, the one namespace they share, and
the one resolver of what a user typed or a file holds. Every command and the
import name records through it.

A party is named by its slug, an alias or its name; an issue by its slug, an
alias or its title; a person by their name or an alias; case-insensitively,
runs of whitespace as one space. A slug wins over an alias, and an alias
over a name. A new name must name nothing else, of any kind (SPEC's one
namespace); older data may still hold a name two records share, and such a
name is ambiguous, and refused.

An issue's alias from `issue merge --negate` asks the opposite of the
issue's question: the resolver finds the issue by it as an `IssueRef` with
`negated` set, and whatever logs a stance under a name (`add`, the import)
negates it, as the merge negated the statements logged before it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.types import IssueRef, PartyRef, PersonRef
from tracker.dates import today
from tracker.db.schema import (
    AFFILIATION,
    ALIAS,
    ISSUE,
    ISSUE_ALIAS,
    PARTY,
    PERSON,
    PERSON_ALIAS,
)
from tracker.errors import AlreadyExists, Ambiguous, Invalid, NotFound
from tracker.slugs import SLUG_LENGTH, SLUG_RE

Ref = TypeVar("Ref", PartyRef, IssueRef, PersonRef)
PLURAL = {"party": "parties", "issue": "issues", "person": "people"}


def check_slug(slug: str) -> str:
    if len(slug) > SLUG_LENGTH or not SLUG_RE.fullmatch(slug):
        raise Invalid(
            f"bad slug {slug!r}: use lowercase letters, digits and single '-' between "
            f"them, at most {SLUG_LENGTH} characters (e.g. 'united-states')"
        )
    return slug


def key(name: str) -> str:
    """The case-insensitive form names are compared in: runs of whitespace as
    one space, in Unicode's composed form (NFC), case-folded, and composed
    again (case folding can decompose: "ᾷ" folds to "ᾶι"), so that names
    Unicode calls the same ("Café" with a composed é or with e and a
    combining accent) have one key."""
    composed = unicodedata.normalize("NFC", " ".join(name.split()))
    return unicodedata.normalize("NFC", composed.casefold())


# Control characters (C0, DEL, C1) and Unicode's line and paragraph breaks: no
# name holds one (a name is one line, in a table, a message, a completion).
_NOT_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Of Unicode's format characters (category Cf: bidi controls such as U+202E,
# zero-width spaces, soft hyphens), the two joiners some scripts and emoji
# are written with: a name may hold them.
JOINERS = frozenset("\u200c\u200d")


def spelling(name: str, what: str) -> str:
    """A name as it is stored: in NFC (as `key` compares it); Invalid if it
    holds a control character, a line break or a format character (a bidi
    control makes a name read otherwise than it is; a zero-width one makes
    two names look alike). `what` names it in the message ("party name",
    "alias")."""
    found = _NOT_IN_NAMES.search(name)
    if found is not None:
        raise Invalid(
            f"{what} {name!r} holds a control character (U+{ord(found.group()):04X}): "
            "a name is one line of text"
        )
    hidden = next((c for c in name if c not in JOINERS and unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        raise Invalid(
            f"{what} {name!r} holds an invisible format character "
            f"(U+{ord(hidden):04X}, {unicodedata.name(hidden, 'unnamed')}): a name is "
            "text as it reads"
        )
    return unicodedata.normalize("NFC", name)


class NameIndex(Generic[Ref]):
    """Every name of every record of one kind (parties, issues or people),
    read once. `kind` is "party", "issue" or "person", and `called` what its
    display name is called in messages ("name", "title")."""

    def __init__(self, kind: str, called: str) -> None:
        self.kind = kind
        self.called = called
        self.slugs: dict[str, Ref] = {}
        self.aliases: dict[str, Ref] = {}
        self.names: dict[str, list[Ref]] = {}

    def add(self, ref: Ref, name: str, aliases: Iterable[str] = (), negated: bool = False) -> None:
        """A record, its display name and its aliases' keys. People have no
        slug: their name is what names them. `negated` (issues): the aliases
        ask the opposite of the issue's question (see `issue_index`)."""
        if self.kind != "person":
            self.slugs[ref.slug] = ref
        named = self.names.setdefault(key(name), [])
        if ref not in named:
            named.append(ref)
        if negated and isinstance(ref, IssueRef):
            ref = IssueRef(ref.id, ref.slug, ref.title, negated=True)
        for alias_key in aliases:  # stored by an older tracker, perhaps not in NFC
            self.aliases.setdefault(key(alias_key), ref)

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
            raise unknown(self.kind, name, [self])
        return found

    def owner(self, name: str) -> Ref | None:
        """The record any of whose names is `name` (its first, for a shared name)."""
        k = key(name)
        named = self.names.get(k)
        return self.slugs.get(k) or self.aliases.get(k) or (named[0] if named else None)

    def keys(self) -> dict[str, str]:
        """Every name's key, to the slug (a person's name) of the record it names."""
        found: dict[str, str] = {}
        for k, ref in self.slugs.items():
            found.setdefault(k, ref.slug)
        for k, refs in self.names.items():
            found.setdefault(k, refs[0].slug)
        for k, ref in self.aliases.items():
            found.setdefault(k, ref.slug)
        return found


AnyIndex = NameIndex[PartyRef] | NameIndex[IssueRef] | NameIndex[PersonRef]


def unknown(kind: str, name: str, indexes: Sequence[AnyIndex]) -> NotFound:
    """No record of `kind` is called `name`: suggest the closest names."""
    slug_of: dict[str, str] = {}
    for index in indexes:
        for k, slug in index.keys().items():
            slug_of.setdefault(k, slug)
    if not slug_of:
        return NotFound(
            f"unknown {kind} {name!r}: there are no {PLURAL[kind]} yet "
            f"('tracker {kind} add' adds one)"
        )
    close = difflib.get_close_matches(key(name), list(slug_of), n=5, cutoff=0.5)
    suggestions = list(dict.fromkeys(slug_of[k] for k in close))[:3]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return NotFound(f"unknown {kind} {name!r}{hint} ('tracker {kind} list' shows them all)")


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
        index.add(ref, a.name, [a.key])
    return index


def issue_index(session: Session) -> NameIndex[IssueRef]:
    index: NameIndex[IssueRef] = NameIndex("issue", "title")
    rows = session.execute(select(ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title).order_by(ISSUE.c.id))
    for i in rows:
        index.add(IssueRef(i.id, i.slug, i.title), i.title)
    # A name an issue took in a negated merge finds it as a ref that says so:
    # a stance logged under that name is negated under the issue, as the
    # merge negated those logged before it (`statements.add_statement`, the
    # import's `parse.Names`).
    aliases = select(
        ISSUE_ALIAS.c.key, ISSUE_ALIAS.c.negated, ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title
    ).join(ISSUE, ISSUE.c.id == ISSUE_ALIAS.c.issue_id)
    for a in session.execute(aliases.order_by(ISSUE_ALIAS.c.id)):
        index.add(IssueRef(a.id, a.slug, a.title), a.title, [a.key], bool(a.negated))
    return index


def person_index(session: Session) -> NameIndex[PersonRef]:
    index: NameIndex[PersonRef] = NameIndex("person", "name")
    for p in session.execute(select(PERSON.c.id, PERSON.c.name).order_by(PERSON.c.id)):
        index.add(PersonRef(p.id, p.name), p.name)
    aliases = select(PERSON_ALIAS.c.key, PERSON.c.id, PERSON.c.name).join(
        PERSON, PERSON.c.id == PERSON_ALIAS.c.person_id
    )
    for a in session.execute(aliases.order_by(PERSON_ALIAS.c.id)):
        index.add(PersonRef(a.id, a.name), a.name, [a.key])
    return index


# --- the one namespace -----------------------------------------------------


class Namespace:
    """Every name of every party, issue and person, read once: what a new
    slug, name, title or alias must not already be."""

    def __init__(self, session: Session) -> None:
        self.parties = party_index(session)
        self.issues = issue_index(session)
        self.people = person_index(session)

    def owner(
        self, name: str, mine: PartyRef | IssueRef | PersonRef | None = None
    ) -> tuple[str, str] | None:
        """(kind, slug or name) of the record other than `mine` that `name`
        already names, if any."""
        for index in (self.parties, self.issues, self.people):
            found = index.owner(name)
            if found is not None and found != mine:
                return index.kind, found.slug
        return None

    def claim(
        self, name: str, what: str, mine: PartyRef | IssueRef | PersonRef | None = None
    ) -> None:
        """Refuse `name` (called `what` in the message: "name", "alias", ...)
        if it already names a record other than `mine`."""
        found = self.owner(name, mine)
        if found is None:
            return
        kind, owner = found
        if what == "slug":
            raise AlreadyExists(f"slug {name!r} is already a name of {kind} {owner!r}")
        raise AlreadyExists(f"{what} {name!r} already names {kind} {owner!r}")


# --- resolving -------------------------------------------------------------


def resolve_party(session: Session, name: str, on: dt.date | None = None) -> PartyRef:
    """A party by slug, alias or name; or by a person's name or alias, the party
    they spoke for on `on` (default today)."""
    return resolve_speaker(session, name, on)[0]


def resolve_speaker(
    session: Session, name: str, on: dt.date | None = None
) -> tuple[PartyRef, PersonRef | None]:
    """The party `name` names, and the person, when it names one."""
    parties = party_index(session)
    found = parties.find(name)
    if found is not None:
        return found, None
    people = person_index(session)
    person = people.find(name)
    if person is None:
        raise unknown("party", name, [parties, people])
    return party_of(session, person, on or today()), person


def party_of(session: Session, person: PersonRef, on: dt.date) -> PartyRef:
    """The party `person` spoke for on `on`."""
    a = AFFILIATION.c
    rows = session.execute(
        select(PARTY.c.id, PARTY.c.slug, PARTY.c.name)
        .join(AFFILIATION, a.party_id == PARTY.c.id)
        .where(
            a.person_id == person.id,
            (a.starts_on.is_(None)) | (a.starts_on <= on),
            (a.ends_on.is_(None)) | (a.ends_on >= on),
        )
        .order_by(a.id)
    ).all()
    parties = list(dict.fromkeys(PartyRef(r.id, r.slug, r.name) for r in rows))
    if not parties:
        raise NotFound(
            f"{person.name} spoke for no party on {on.isoformat()} "
            f"('tracker person show {person.name}' lists their affiliations)"
        )
    if len(parties) > 1:
        raise Ambiguous(
            f"{person.name} spoke for {', '.join(p.slug for p in parties)} on "
            f"{on.isoformat()}: name the party"
        )
    return parties[0]


def resolve_issue(session: Session, name: str) -> IssueRef:
    """An issue by slug, alias or title."""
    return issue_index(session).resolve(name)


def resolve_parties(
    session: Session, names: Sequence[str], on: dt.date | None = None
) -> list[PartyRef] | None:
    """None when no names were given (meaning: every party)."""
    if not names:
        return None
    return list(dict.fromkeys(resolve_party(session, n, on) for n in names))


def resolve_issues(session: Session, names: Sequence[str]) -> list[IssueRef] | None:
    if not names:
        return None
    index = issue_index(session)
    return list(dict.fromkeys(index.resolve(n) for n in names))


def spellings(session: Session, kind: str) -> list[str]:
    """Every name of every record of `kind` ("party" includes people, who
    stand for their party): slugs first, then names and aliases, as written."""
    s: list[str] = []
    if kind == "party":
        s += session.scalars(select(PARTY.c.slug).order_by(PARTY.c.slug)).all()
        s += session.scalars(select(PARTY.c.name).order_by(PARTY.c.name)).all()
        s += session.scalars(select(ALIAS.c.alias).order_by(ALIAS.c.alias)).all()
    if kind == "issue":
        s += session.scalars(select(ISSUE.c.slug).order_by(ISSUE.c.slug)).all()
        s += session.scalars(select(ISSUE.c.title).order_by(ISSUE.c.title)).all()
        s += session.scalars(select(ISSUE_ALIAS.c.alias).order_by(ISSUE_ALIAS.c.alias)).all()
    if kind in ("party", "person"):
        s += session.scalars(select(PERSON.c.name).order_by(PERSON.c.name)).all()
        s += session.scalars(select(PERSON_ALIAS.c.alias).order_by(PERSON_ALIAS.c.alias)).all()
    firsts: dict[str, str] = {}
    for name in s:
        firsts.setdefault(key(name), name)  # "ukraine", not "Ukraine" again
    return list(firsts.values())
