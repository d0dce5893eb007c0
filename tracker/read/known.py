"""What the catalog knows, as the reader sees it: parties, issues and people
(their affiliations are the catalog's own values, `core.records.Affiliation`).

The reader is a pure function of this value and a text; it never opens the
database. `tracker.core.reader_catalog.known_from_catalog` builds it from a session,
and the tests and `benchmarks/read_eval.py` build it from a JSON file in the
export's shape (`from_json`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.core.records import Affiliation


@dataclass(frozen=True, slots=True)
class KnownParty:
    slug: str
    name: str
    kind: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KnownIssue:
    slug: str
    title: str
    proposition: str | None = None
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # a merged issue's slug and title
    # The slug of the issue whose opposite question this one asks: the names
    # an issue took in a negated merge (`tracker issue merge --negate`), as
    # the reader sees them, a question of their own. Its slug is one of those
    # names, and a stance proposed under it is negated when it is logged.
    opposite_of: str | None = None


@dataclass(frozen=True, slots=True)
class KnownPerson:
    name: str
    aliases: tuple[str, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()

    def party_on(self, day: dt.date) -> str | None:
        """The party the person spoke for on `day`; the latest affiliation
        that covers it wins."""
        covering = [a for a in self.affiliations if a.covers(day)]
        if not covering:
            return None
        return max(covering, key=lambda a: a.start or dt.date.min).party


@dataclass(frozen=True, slots=True)
class Known:
    parties: tuple[KnownParty, ...] = ()
    issues: tuple[KnownIssue, ...] = ()
    people: tuple[KnownPerson, ...] = ()


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value or () if isinstance(v, str))


def from_json(doc: Mapping[str, Any]) -> Known:
    """A Known from a document in the export's shape: `parties`, `issues`
    (with `keywords`) and `people` (with `affiliations`)."""
    parties = tuple(
        KnownParty(p["slug"], p.get("name") or p["slug"], p.get("kind"), _strings(p.get("aliases")))
        for p in doc.get("parties", ())
    )
    issues = tuple(
        KnownIssue(
            i["slug"],
            i.get("title") or i["slug"],
            i.get("proposition"),
            _strings(i.get("keywords")),
            _strings(i.get("aliases")),
        )
        for i in doc.get("issues", ())
    )
    people = tuple(
        KnownPerson(
            person["name"],
            _strings(person.get("aliases")),
            tuple(
                Affiliation(a["party"], a.get("role"), _date(a.get("from")), _date(a.get("until")))
                for a in person.get("affiliations", ())
            ),
        )
        for person in doc.get("people", ())
    )
    return Known(parties, issues, people)
