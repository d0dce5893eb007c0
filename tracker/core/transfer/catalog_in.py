"""An import's catalog: parties, issues and people, with their histories.

A record the database lacks is made as the file has it, history and all. A
record it holds (found by any slug or name the record has had) takes the
file's history beside its own, and then every field, alias, keyword and
affiliation reads what the latest change to it says, whichever database made
that change. A merge recorded in the file is made here too. So two databases
that import each other's exports end with the same catalog, and the same
history of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tracker.core import catalog, merge, people, revisions
from tracker.core.names import Namespace, issue_index, key, party_index, person_index
from tracker.core.records import Revision
from tracker.core.transfer.parse import ImportResult
from tracker.db.models import (
    Affiliation,
    Issue,
    IssueAlias,
    Keyword,
    Party,
    PartyAlias,
    Person,
    PersonAlias,
)
from tracker.db.schema import REVISION
from tracker.errors import ImportFailed, TrackerError

Identity = tuple[str, str | None, str | None, dt.datetime, str]


def _identity(r: Revision) -> Identity:
    return (r.field, r.old, r.new, r.recorded_at, r.recorded_by)


def _order(r: Revision) -> tuple[dt.datetime, str, str, str, str]:
    """One order of revisions every database agrees on."""
    return (r.recorded_at, r.recorded_by, r.field, r.old or "", r.new or "")


def _instant(value: Any, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ImportFailed(f"{where}: recorded_at must be an ISO 8601 date-time")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ImportFailed(f"{where}: bad recorded_at {value!r}") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _optional_text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ImportFailed(f"{where}: expected text, got {type(value).__name__}")
    return value


def _history(record: dict[str, Any], where: str) -> list[Revision]:
    raw = record.get("history") or []
    if not isinstance(raw, list):
        raise ImportFailed(f"{where}, history: a list of revisions")
    found = []
    for n, r in enumerate(raw):
        at = f"{where}, history[{n}]"
        if not isinstance(r, dict) or not isinstance(r.get("field"), str):
            raise ImportFailed(f"{at}: a revision is an object with a field")
        found.append(
            Revision(
                r["field"],
                _optional_text(r.get("old"), at),
                _optional_text(r.get("new"), at),
                _instant(r.get("recorded_at"), at),
                _optional_text(r.get("recorded_by"), at) or "unknown",
            )
        )
    return found


def _names(record: dict[str, Any], field: str, where: str) -> list[str]:
    value = record.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportFailed(f"{where}, {field}: a list of names")
    return value


def _lineage(record: dict[str, Any], history: Sequence[Revision], own: str) -> list[str]:
    """Every name the record went by, newest first: what finds it here."""
    names = [record[own]]
    names += [r.old for r in reversed(history) if r.field in (own, "slug", "name") and r.old]
    names += [r.new for r in history if r.field == revisions.CREATED and r.new]
    return names


# --- replaying a history ---------------------------------------------------


def _union(
    session: Session, kind: str, record_id: int, theirs: Sequence[Revision]
) -> list[Revision]:
    """The record's history with the file's beside it (each revision once),
    in the order every database agrees on."""
    mine = revisions.history(session, kind, record_id)
    have = {_identity(r) for r in mine}
    new: list[Revision] = []
    for r in theirs:
        if _identity(r) not in have:
            have.add(_identity(r))
            new.append(r)
    if new:
        session.execute(
            insert(REVISION),
            [
                {
                    "kind": kind,
                    "record_id": record_id,
                    "field": r.field,
                    "old": r.old,
                    "new": r.new,
                    "recorded_at": r.recorded_at,
                    "recorded_by": r.recorded_by,
                }
                for r in new
            ],
        )
    return sorted([*mine, *new], key=_order)


def _latest(history: Iterable[Revision], field: str) -> Revision | None:
    found = None
    for r in history:
        if r.field == field:
            found = r
    return found


def _present(history: Iterable[Revision], field: str) -> dict[str, tuple[bool, str]]:
    """For a set-valued field (aliases, keywords, affiliations), each value's
    key: whether its latest change added or removed it, and its spelling."""
    found: dict[str, tuple[bool, str]] = {}
    for r in history:
        if r.field != field:
            continue
        if r.old is not None:
            found[key(r.old)] = (False, r.old)
        if r.new is not None:
            found[key(r.new)] = (True, r.new)
    return found


@dataclass
class _Names:
    """A record's aliases or keywords, as rows to add to and remove from."""

    rows: list[Any]
    make: Callable[[str], Any]
    value: Callable[[Any], str]


def _reconcile(
    names: _Names, wanted: dict[str, tuple[bool, str]], claim: Callable[[str], None]
) -> None:
    for k, (present, spelling) in wanted.items():
        row = next((r for r in names.rows if key(names.value(r)) == k), None)
        if present and row is None:
            claim(spelling)
            names.rows.append(names.make(spelling))
        elif not present and row is not None:
            names.rows.remove(row)


# --- parties and issues ----------------------------------------------------


def _sync_party(session: Session, party: Party, theirs: Sequence[Revision]) -> None:
    # Merges first: the merged record's history joins this one's before the
    # file's is laid beside it, so what both hold is held once.
    for r in theirs:
        if r.field == revisions.MERGED and r.old and r.old != party.slug:
            twin = party_index(session).slugs.get(r.old)
            if twin is not None and twin.id != party.id:
                merge.merge_parties(session, twin.slug, party.slug, history=False)
    history = _union(session, "party", party.id, theirs)
    taken = Namespace(session)
    mine = taken.parties.slugs[party.slug]
    for field in ("name", "kind", "description", "slug"):
        last = _latest(history, field)
        if last is not None and last.new is not None and getattr(party, field) != last.new:
            if field in ("name", "slug"):
                taken.claim(last.new, field, mine)
            setattr(party, field, last.new)
        elif last is not None and last.new is None and field in ("kind", "description"):
            setattr(party, field, None)
    aliases = _Names(party.aliases, lambda a: PartyAlias(alias=a, key=key(a)), lambda r: r.alias)
    _reconcile(aliases, _present(history, revisions.ALIAS), lambda a: taken.claim(a, "alias", mine))
    catalog.flush_new(session, {})


def _sync_issue(session: Session, issue: Issue, theirs: Sequence[Revision]) -> None:
    for r in theirs:
        if r.field == revisions.MERGED and r.old and r.old != issue.slug:
            twin = issue_index(session).slugs.get(r.old)
            if twin is not None and twin.id != issue.id:
                merge.merge_issues(session, twin.slug, issue.slug, history=False)
    history = _union(session, "issue", issue.id, theirs)
    taken = Namespace(session)
    mine = taken.issues.slugs[issue.slug]
    for field in ("title", "proposition", "description", "slug"):
        last = _latest(history, field)
        if last is None or getattr(issue, field) == last.new:
            continue
        if field in ("title", "slug"):
            if last.new is None:
                continue
            taken.claim(last.new, field, mine)
        setattr(issue, field, last.new)
    aliases = _Names(issue.aliases, lambda a: IssueAlias(alias=a, key=key(a)), lambda r: r.alias)
    _reconcile(aliases, _present(history, revisions.ALIAS), lambda a: taken.claim(a, "alias", mine))
    keywords = _Names(issue.keywords, lambda k: Keyword(keyword=k, key=key(k)), lambda r: r.keyword)
    _reconcile(keywords, _present(history, revisions.KEYWORD), lambda k: None)
    catalog.flush_new(session, {})


def _kept(session: Session, kind: str, record_id: int, history: Sequence[Revision]) -> None:
    """A record made from the file: the file's history is its history."""
    if history:
        _union(session, kind, record_id, history)


def import_parties(session: Session, records: list[Any], result: ImportResult) -> None:
    for n, p in enumerate(records):
        where = f"parties[{n}]"
        if not isinstance(p, dict) or not isinstance(p.get("slug"), str):
            raise ImportFailed(f"{where}: a party needs a slug")
        history = _history(p, where)
        aliases = _names(p, "aliases", where)
        try:
            index = party_index(session)
            found = next(
                (f for name in _lineage(p, history, "slug") if (f := index.find(name))), None
            )
            if found is None:
                view = catalog.add_party(
                    session, p["slug"], p.get("name") or "", p.get("kind"), aliases,
                    p.get("description"), history=not history,
                )  # fmt: skip
                result.parties_created.append(view.slug)
                made = party_index(session).slugs[view.slug]
                _kept(session, "party", made.id, history)
            elif history:
                party = session.get(Party, found.id)
                assert party is not None
                _sync_party(session, party, history)
        except TrackerError as err:
            raise ImportFailed(f"{where}: {err}") from None


def import_issues(session: Session, records: list[Any], result: ImportResult) -> None:
    for n, i in enumerate(records):
        where = f"issues[{n}]"
        if not isinstance(i, dict) or not isinstance(i.get("slug"), str):
            raise ImportFailed(f"{where}: an issue needs a slug")
        history = _history(i, where)
        keywords = _names(i, "keywords", where)
        aliases = _names(i, "aliases", where)
        try:
            index = issue_index(session)
            found = next(
                (f for name in _lineage(i, history, "slug") if (f := index.find(name))), None
            )
            if found is None:
                view = catalog.add_issue(
                    session, i["slug"], i.get("title") or "", i.get("proposition"),
                    i.get("description"), keywords, history=not history,
                )  # fmt: skip
                result.issues_created.append(view.slug)
                issue = session.get(Issue, issue_index(session).slugs[view.slug].id)
                assert issue is not None
                taken = Namespace(session)
                mine = taken.issues.slugs[issue.slug]
                for alias in aliases:
                    if key(alias) not in {issue.slug, *(a.key for a in issue.aliases)}:
                        taken.claim(alias, "alias", mine)
                        issue.aliases.append(IssueAlias(alias=alias, key=key(alias)))
                catalog.flush_new(session, {})
                _kept(session, "issue", issue.id, history)
            elif history:
                issue = session.get(Issue, found.id)
                assert issue is not None
                _sync_issue(session, issue, history)
        except TrackerError as err:
            raise ImportFailed(f"{where}: {err}") from None


# --- people ----------------------------------------------------------------


def _affiliation_rows(
    session: Session, spans: Iterable[tuple[str, str | None, str | None, str | None]], where: str
) -> list[Affiliation]:
    """Affiliation rows from (party, role, from, until), parties by any name."""
    index = party_index(session)
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
    for n, p in enumerate(records):
        where = f"people[{n}]"
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise ImportFailed(f"{where}: a person needs a name")
        history = _history(p, where)
        aliases = _names(p, "aliases", where)
        try:
            index = person_index(session)
            names = [*_lineage(p, history, "name"), *aliases]
            found = next((f for name in names if (f := index.find(name))), None)
            if found is None:
                name = catalog.name_text(p["name"], "person name")
                taken = Namespace(session)
                taken.claim(name, "name")
                person = Person(name=name, key=key(name))
                for alias in aliases:
                    if key(alias) not in {person.key, *(a.key for a in person.aliases)}:
                        taken.claim(alias, "alias")
                        person.aliases.append(PersonAlias(alias=alias, key=key(alias)))
                person.affiliations.extend(_affiliation_rows(session, _spans(p, where), where))
                session.add(person)
                catalog.flush_new(session, {})
                if history:
                    _kept(session, "person", person.id, history)
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
                _sync_person(session, known, history, where)
        except TrackerError as err:
            raise ImportFailed(f"{where}: {err}") from None


def _sync_person(session: Session, person: Person, theirs: Sequence[Revision], where: str) -> None:
    history = _union(session, "person", person.id, theirs)
    taken = Namespace(session)
    mine = taken.people.find(person.name)
    last = _latest(history, "name")
    if last is not None and last.new is not None and last.new != person.name:
        taken.claim(last.new, "name", mine)
        person.name, person.key = last.new, key(last.new)
    aliases = _Names(person.aliases, lambda a: PersonAlias(alias=a, key=key(a)), lambda r: r.alias)
    _reconcile(aliases, _present(history, revisions.ALIAS), lambda a: taken.claim(a, "alias", mine))
    spans = _present(history, revisions.AFFILIATION)
    if spans:
        wanted = [_from_text(text) for present, text in spans.values() if present]
        person.affiliations.clear()
        session.flush()
        person.affiliations.extend(_affiliation_rows(session, wanted, where))
    catalog.flush_new(session, {})
