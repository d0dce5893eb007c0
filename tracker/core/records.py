"""The catalog's plain values: parties, issues and people as users see them,
the revisions that record every change to one, and the wordings an issue's
proposition has had."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tracker.core.types import iso_instant
from tracker.stance import label


@dataclass(frozen=True, slots=True)
class PartyView:
    slug: str
    name: str
    kind: str | None
    aliases: tuple[str, ...]
    description: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class IssueView:
    slug: str
    title: str
    proposition: str | None
    description: str | None
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    # Of the aliases, those an issue merged into this one with --negate left:
    # they ask the opposite question (a stance logged under one is negated).
    negated_aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "proposition": self.proposition,
            "description": self.description,
            "keywords": list(self.keywords),
            "aliases": list(self.aliases),
            "negated_aliases": list(self.negated_aliases),
        }


@dataclass(frozen=True, slots=True)
class Revision:
    """One change to a record: `field` went from `old` to `new` (None: absent;
    an alias or a keyword added has only `new`, one removed only `old`)."""

    field: str
    old: str | None
    new: str | None
    recorded_at: dt.datetime
    recorded_by: str

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "recorded_at": iso_instant(self.recorded_at),
            "recorded_by": self.recorded_by,
        }


@dataclass(frozen=True, slots=True)
class Wording:
    """A proposition in force from `start` until `end` (None: since the record
    began, or still)."""

    proposition: str | None
    start: dt.datetime | None
    end: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "proposition": self.proposition,
            "from": iso_instant(self.start),
            "until": iso_instant(self.end),
        }

    def covers(self, moment: dt.datetime) -> bool:
        return (self.start is None or self.start <= moment) and (
            self.end is None or moment < self.end
        )


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A person spoke for `party` (a slug) from `start` to `end`, both
    inclusive; None: open."""

    party: str
    role: str | None
    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "role": self.role,
            "from": None if self.start is None else self.start.isoformat(),
            "until": None if self.end is None else self.end.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class PersonView:
    name: str
    aliases: tuple[str, ...]
    affiliations: tuple[Affiliation, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "affiliations": [a.to_json() for a in self.affiliations],
        }


@dataclass(frozen=True, slots=True)
class Held:
    """A stance on the record page: `other` is the issue (on a party's page)
    or the party (on an issue's page)."""

    other: str
    score: int
    stated_on: dt.date

    @property
    def stance(self) -> str:
        return label(self.score)


@dataclass(frozen=True, slots=True)
class Activity:
    """What the ledger holds of a record: how many statements, their first and
    last dates, and the stances as of a date."""

    statements: int
    first: dt.date | None
    last: dt.date | None
    stances: tuple[Held, ...]
    as_of: dt.date

    def to_json(self, other: str) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "first_stated_on": None if self.first is None else self.first.isoformat(),
            "last_stated_on": None if self.last is None else self.last.isoformat(),
            "stances": [
                {other: h.other, "stance": h.stance, "stated_on": h.stated_on.isoformat()}
                for h in self.stances
            ],
        }


@dataclass(frozen=True, slots=True)
class PartyPage:
    """`party show`: the party, its people, its activity, and (asked for) its history."""

    party: PartyView
    people: tuple[str, ...]
    activity: Activity
    history: tuple[Revision, ...] | None

    def to_json(self) -> dict[str, Any]:
        doc = {**self.party.to_json(), "people": list(self.people)}
        doc |= self.activity.to_json("issue")
        if self.history is not None:
            doc["history"] = [r.to_json() for r in self.history]
        return doc


@dataclass(frozen=True, slots=True)
class IssuePage:
    """`issue show`: the issue, its activity, its wordings, and its history."""

    issue: IssueView
    activity: Activity
    wordings: tuple[Wording, ...]
    history: tuple[Revision, ...] | None

    def to_json(self) -> dict[str, Any]:
        doc = self.issue.to_json() | self.activity.to_json("party")
        doc["wordings"] = [w.to_json() for w in self.wordings]
        if self.history is not None:
            doc["history"] = [r.to_json() for r in self.history]
        return doc


@dataclass(frozen=True, slots=True)
class PersonPage:
    """`person show`: the person, and (asked for) their history."""

    person: PersonView
    statements: int
    history: tuple[Revision, ...] | None

    def to_json(self) -> dict[str, Any]:
        doc = self.person.to_json() | {"statements": self.statements}
        if self.history is not None:
            doc["history"] = [r.to_json() for r in self.history]
        return doc


@dataclass(frozen=True, slots=True)
class Unregistered:
    """A speaker name in the ledger that names no person, with the party it
    spoke for and how often."""

    speaker: str
    party: str
    statements: int

    def to_json(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "party": self.party, "statements": self.statements}


Record = TypeVar("Record", PartyView, IssueView, PersonView)


@dataclass(frozen=True, slots=True)
class Edited(Generic[Record]):
    """What an edit did: the record as it is now, how many changes it kept as
    revisions (none: nothing changed), and the names (an issue's keywords)
    asked for that the record already had, which it left as they were."""

    record: Record
    changes: int
    had: tuple[str, ...] = ()


View = TypeVar("View", PartyView, IssueView)


@dataclass(frozen=True, slots=True)
class Merged(Generic[View]):
    """What a merge did: the survivor as it is now, the slug of the record it
    absorbed, how many statements moved, the names it gained, and whether
    the moved statements' stances were negated."""

    into: View
    source: str
    statements: int
    names: tuple[str, ...]
    negated: bool = False
