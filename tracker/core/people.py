"""People who speak for parties: their names and aliases, the spans of dates
they spoke for which party (affiliations), and the speakers in the ledger
that no person answers to yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.core import revisions
from tracker.core.catalog import flush_new, name_text, text
from tracker.core.names import Namespace, key, party_index, person_index
from tracker.core.records import Affiliation, Edited, PersonPage, PersonView, Unregistered
from tracker.db.models import Affiliation as AffiliationRow
from tracker.db.models import Person, PersonAlias
from tracker.db.schema import NAME_LENGTH, PARTY, STATEMENT
from tracker.errors import AlreadyExists, Invalid, NotFound


def _affiliation(row: AffiliationRow) -> Affiliation:
    return Affiliation(row.party.slug, row.role, row.starts_on, row.ends_on)


def taken_messages(name: str) -> dict[str, str]:
    """What `flush_new` says when a person's name or alias was taken meanwhile."""
    return {
        "person.key": f"person {name!r} already exists",
        "person_alias.key": f"an alias of {name!r} now names another person",
    }


def person_view(person: Person) -> PersonView:
    spans = sorted(
        person.affiliations, key=lambda a: (a.starts_on or dt.date.min, a.ends_on or dt.date.max)
    )
    return PersonView(
        person.name,
        tuple(a.alias for a in person.aliases),
        tuple(_affiliation(a) for a in spans),
    )


def as_text(a: Affiliation | None) -> str | None:
    """An affiliation as a revision keeps it: "party|role|from|until"."""
    if a is None:
        return None
    fields = (a.party, a.role or "", a.start, a.end)
    return "|".join("" if v is None else str(v) for v in fields)


def get_person(session: Session, name: str) -> Person:
    ref = person_index(session).resolve(name)
    person = session.get(Person, ref.id)
    assert person is not None
    return person


def _check_span(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise Invalid(f"--until {end.isoformat()} is before --from {start.isoformat()}")


def add_person(
    session: Session,
    name: str,
    party: str,
    role: str | None = None,
    aliases: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> PersonView:
    """A new person, speaking for `party` from `start` to `end` (open if None)."""
    name = name_text(name, "person name")
    taken = Namespace(session)
    if (existing := taken.people.find(name)) is not None:
        raise AlreadyExists(f"person {existing.name!r} already exists")
    taken.claim(name, "name")
    _check_span(start, end)
    where = party_index(session).resolve(party)
    person = Person(name=name, key=key(name))
    for alias in aliases:
        alias = name_text(alias, "alias")
        if key(alias) in {key(name), *(a.key for a in person.aliases)}:
            continue
        taken.claim(alias, "alias")
        person.aliases.append(PersonAlias(alias=alias, key=key(alias)))
    role = text(role, "role", limit=NAME_LENGTH)
    person.affiliations.append(
        AffiliationRow(party_id=where.id, role=role, starts_on=start, ends_on=end)
    )
    session.add(person)
    flush_new(session, taken_messages(name))
    span = Affiliation(where.slug, role, start, end)
    changes: list[revisions.Change] = [(revisions.CREATED, None, name)]
    changes += [(revisions.ALIAS, None, a.alias) for a in person.aliases]
    changes.append((revisions.AFFILIATION, None, as_text(span)))
    revisions.record(session, "person", person.id, changes)
    session.refresh(person)
    return person_view(person)


def affiliate(
    session: Session, name: str, party: str, start: dt.date, role: str | None = None
) -> PersonView:
    """`name` speaks for `party` from `start` on. Their open-ended affiliation,
    if any, ends the day before; one that already has an end stays as it is."""
    person = get_person(session, name)
    where = party_index(session).resolve(party)
    changes: list[revisions.Change] = []
    for row in person.affiliations:
        if row.ends_on is not None:
            continue
        if row.starts_on is not None and row.starts_on >= start:
            raise Invalid(
                f"{person.name} has spoken for {row.party.slug} since "
                f"{row.starts_on.isoformat()}: a new affiliation must begin after that"
            )
        before = _affiliation(row)
        row.ends_on = start - dt.timedelta(days=1)
        changes.append((revisions.AFFILIATION, as_text(before), as_text(_affiliation(row))))
    role = text(role, "role", limit=NAME_LENGTH)
    new = AffiliationRow(party_id=where.id, role=role, starts_on=start, ends_on=None)
    person.affiliations.append(new)
    session.flush()
    session.refresh(person)
    changes.append(
        (revisions.AFFILIATION, None, as_text(Affiliation(where.slug, role, start, None)))
    )
    revisions.record(session, "person", person.id, changes)
    return person_view(person)


def edit_person(
    session: Session,
    name: str,
    *,
    new_name: str | None = None,
    add_aliases: Sequence[str] = (),
    remove_aliases: Sequence[str] = (),
) -> Edited[PersonView]:
    person = get_person(session, name)
    taken = Namespace(session)
    mine = taken.people.find(person.name)
    changes: list[revisions.Change] = []
    if new_name is not None and new_name.strip() != person.name:
        new_name = name_text(new_name, "person name")
        taken.claim(new_name, "name", mine)
        old = person.name
        changes.append(("name", old, new_name))
        person.name, person.key = new_name, key(new_name)
        same = next((a for a in person.aliases if a.key == person.key), None)
        if same is not None:  # an alias become the name: one name, not two
            person.aliases.remove(same)
            changes.append((revisions.ALIAS, same.alias, None))
        # The old name stays theirs, as an alias: statements quote it as speaker.
        if key(old) != key(new_name) and key(old) not in {a.key for a in person.aliases}:
            person.aliases.append(PersonAlias(alias=old, key=key(old)))
            changes.append((revisions.ALIAS, None, old))
    for alias in remove_aliases:
        found = next((a for a in person.aliases if a.key == key(alias)), None)
        if found is None:
            raise NotFound(f"{alias!r} is not an alias of {person.name!r}")
        person.aliases.remove(found)
        changes.append((revisions.ALIAS, found.alias, None))
    had: list[str] = []
    for alias in add_aliases:
        alias = name_text(alias, "alias")
        if key(alias) in {person.key, *(a.key for a in person.aliases)}:
            had.append(alias)  # already one of their names
            continue
        taken.claim(alias, "alias", mine)
        person.aliases.append(PersonAlias(alias=alias, key=key(alias)))
        changes.append((revisions.ALIAS, None, alias))
    flush_new(session, taken_messages(person.name))
    kept = revisions.record(session, "person", person.id, changes)
    return Edited(person_view(person), kept, tuple(had))


def list_people(session: Session) -> list[PersonView]:
    return [person_view(p) for p in session.scalars(select(Person).order_by(Person.name))]


def person_page(session: Session, name: str, history: bool = False) -> PersonPage:
    person = get_person(session, name)
    names = [person.name, *(a.alias for a in person.aliases)]
    said = select(func.count()).where(STATEMENT.c.speaker.in_(names))
    return PersonPage(
        person_view(person),
        int(session.scalar(said) or 0),
        revisions.history(session, "person", person.id) if history else None,
    )


def unregistered(session: Session) -> list[Unregistered]:
    """Speakers in the ledger that name no person, with the party each spoke
    for and how often: most frequent first."""
    known = person_index(session)
    s = STATEMENT.c
    rows = session.execute(
        select(s.speaker, PARTY.c.slug, func.count())
        .join(PARTY, PARTY.c.id == s.party_id)
        .where(s.speaker.is_not(None))
        .group_by(s.speaker, PARTY.c.slug)
    )
    found = [
        Unregistered(speaker, party, int(count))
        for speaker, party, count in rows
        if known.owner(speaker) is None
    ]
    return sorted(found, key=lambda u: (-u.statements, key(u.speaker), u.party))
