"""An import's people, with their aliases, affiliations and histories: made
when the database lacks them, and replayed beside its own history when it
holds them (see `catalog_in`), their affiliations read off the latest change
to each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from tracker.core import catalog, people, revisions
from tracker.core.names import NameIndex, Namespace, key
from tracker.core.records import Revision
from tracker.core.transfer.catalog_in import entries, keep_history, named_at
from tracker.core.transfer.history_in import (
    NameRows,
    latest_change,
    lineage,
    present_values,
    read_names,
    reconcile,
    union_history,
)
from tracker.core.transfer.parse import raced
from tracker.core.types import ImportResult, PartyRef, PersonRef
from tracker.db.models import Affiliation, Person, PersonAlias
from tracker.errors import ImportFailed


def _affiliation_rows(
    index: NameIndex[PartyRef],
    spans: Iterable[tuple[str, str | None, str | None, str | None]],
    where: str,
) -> list[Affiliation]:
    """Affiliation rows from (party, role, from, until), parties by any name."""
    rows = []
    for party, role, start, end in spans:
        found = index.find(party)
        if found is None:
            raise ImportFailed(f"{where}, affiliations: unknown party {party!r}")
        try:
            first = dt.date.fromisoformat(start) if start else None
            last = dt.date.fromisoformat(end) if end else None
        except ValueError:
            raise ImportFailed(f"{where}, affiliations: bad date in {start!r}, {end!r}") from None
        rows.append(
            Affiliation(party_id=found.id, role=role or None, starts_on=first, ends_on=last)
        )
    return rows


def _spans(
    record: dict[str, Any], where: str
) -> list[tuple[str, str | None, str | None, str | None]]:
    raw = record.get("affiliations") or []
    if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
        raise ImportFailed(f"{where}, affiliations: a list of objects")
    return [(str(a.get("party")), a.get("role"), a.get("from"), a.get("until")) for a in raw]


def _from_text(text: str) -> tuple[str, str | None, str | None, str | None]:
    party, role, start, end = [*text.split("|"), "", "", ""][:4]
    return party, role or None, start or None, end or None


def import_people(session: Session, records: list[Any], result: ImportResult) -> None:
    taken = Namespace(session)  # read once, kept up to date by what is made
    for where, p, history in entries(records, "people", "name", "a person needs a name"):
        aliases = read_names(p, "aliases", where)
        with named_at(where):
            names = [*lineage(p, history, "name"), *aliases]
            found = next((f for name in names if (f := taken.people.find(name))), None)
            if found is None:
                name = catalog.name_text(p["name"], "person name")
                taken.claim(name, "name")
                person = Person(name=name, key=key(name))
                for alias in aliases:
                    alias = catalog.name_text(alias, "alias")
                    if key(alias) not in {person.key, *(a.key for a in person.aliases)}:
                        taken.claim(alias, "alias")
                        person.aliases.append(PersonAlias(alias=alias, key=key(alias)))
                person.affiliations.extend(
                    _affiliation_rows(taken.parties, _spans(p, where), where)
                )
                session.add(person)
                with raced():
                    catalog.flush_new(session, people.taken_messages(name))
                taken.people.add(PersonRef(person.id, name), name, [a.key for a in person.aliases])
                result.people_created.append(name)
                if history:
                    keep_history(session, "person", person.id, history)
                else:  # a file without history: made here and now
                    session.refresh(person)
                    view = people.person_view(person)
                    changes: list[revisions.Change] = [(revisions.CREATED, None, name)]
                    changes += [(revisions.ALIAS, None, a) for a in view.aliases]
                    changes += [
                        (revisions.AFFILIATION, None, people.as_text(a)) for a in view.affiliations
                    ]
                    revisions.record(session, "person", person.id, changes)
            elif history:
                known = session.get(Person, found.id)
                assert known is not None
                made = _sync_person(session, known, history, where, taken)
                result.catalog_changes += made
                if made:  # their names may have changed
                    taken = Namespace(session)


def _sync_person(
    session: Session, person: Person, theirs: Sequence[Revision], where: str, taken: Namespace
) -> int:
    """`person` as their history and the file's say; returns how many changes
    that made. `taken`: the names as they are before it."""
    changed = 0
    history = union_history(session, "person", person.id, theirs)
    mine = taken.people.find(person.name)
    last = latest_change(history, "name")
    name = None if last is None or last.new is None else catalog.name_text(last.new, "name")
    if name is not None and name != person.name:
        taken.claim(name, "name", mine)
        person.name, person.key = name, key(name)
        changed += 1

    def alias_row(alias: str) -> PersonAlias:
        alias = catalog.name_text(alias, "alias")
        return PersonAlias(alias=alias, key=key(alias))

    aliases = NameRows(person.aliases, alias_row, lambda r: r.alias)
    changed += reconcile(
        aliases, present_values(history, revisions.ALIAS), lambda a: taken.claim(a, "alias", mine)
    )
    spans = present_values(history, revisions.AFFILIATION)
    if spans:
        wanted = [_from_text(text) for present, text in spans.values() if present]
        before = {_span_of(a) for a in person.affiliations}
        person.affiliations.clear()
        session.flush()
        person.affiliations.extend(_affiliation_rows(taken.parties, wanted, where))
        changed += len(before ^ {_span_of(a) for a in person.affiliations})
    catalog.flush_new(session, {})
    return changed


def _span_of(row: Affiliation) -> tuple[int, str | None, Any, Any]:
    return (row.party_id, row.role, row.starts_on, row.ends_on)
