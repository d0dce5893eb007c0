"""An import's histories: reading a record's revisions from a file, laying
them beside the database's own (each once, in one order every database
agrees on), and reading what a field, an alias or a keyword is now off the
union. Used for parties and issues (`catalog_in`) and people (`people_in`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, tuple_
from sqlalchemy.orm import Session

from tracker.core import revisions
from tracker.core.names import key
from tracker.core.records import Revision
from tracker.db.schema import REVISION
from tracker.errors import ImportFailed

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


def read_history(record: dict[str, Any], where: str) -> list[Revision]:
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


def read_names(record: dict[str, Any], field: str, where: str) -> list[str]:
    value = record.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportFailed(f"{where}, {field}: a list of names")
    return value


def lineage(
    record: dict[str, Any], history: Sequence[Revision], own: str, called: str | None = None
) -> list[str]:
    """Every name the record went by, newest first, then its name (`called`:
    "name", "title"), which finds it where its slug was made otherwise."""
    names = [record[own]]
    names += [r.old for r in reversed(history) if r.field in (own, "slug", "name") and r.old]
    names += [r.new for r in history if r.field == revisions.CREATED and r.new]
    if called is not None and isinstance(record.get(called), str) and record[called].strip():
        names.append(record[called])
    return names


# --- replaying a history ---------------------------------------------------


def union_history(
    session: Session, kind: str, record_id: int, theirs: Sequence[Revision]
) -> list[Revision]:
    """The record's history with the file's beside it (each revision once),
    in the order every database agrees on.

    A record two databases each made on their own (both imported the same
    file without history, say) has two makings: the first is kept, and the
    later one, with the fields it was made with, goes; a making is not a
    change, and must not undo one made in between. So for a record merged
    into this one ("barred: created"), each database having made its own."""
    mine = revisions.history(session, kind, record_id)
    makings: dict[str, set[tuple[dt.datetime, str]]] = {}
    for r in [*mine, *theirs]:
        if _of(r.field) == revisions.CREATED:
            makings.setdefault(_whose(r.field), set()).add((r.recorded_at, r.recorded_by))
    later = {(whose, *m) for whose, moments in makings.items() for m in sorted(moments)[1:]}
    gone = [r for r in mine if (_whose(r.field), r.recorded_at, r.recorded_by) in later]
    if gone:
        rr = REVISION.c
        session.execute(
            delete(REVISION).where(
                rr.kind == kind,
                rr.record_id == record_id,
                tuple_(rr.field, rr.recorded_at, rr.recorded_by).in_(
                    sorted({(r.field, r.recorded_at, r.recorded_by) for r in gone})
                ),
            )
        )
        mine = tuple(r for r in mine if r not in gone)
    have = {_identity(r) for r in mine}
    new: list[Revision] = []
    for r in theirs:
        if (
            _identity(r) not in have
            and (_whose(r.field), r.recorded_at, r.recorded_by) not in later
        ):
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


def _whose(field: str) -> str:
    """The merged record a revision's field names ("barred: title": barred;
    "" for the record's own)."""
    return field.rpartition(": ")[0]


def _of(field: str) -> str:
    return field.rpartition(": ")[2]


def latest_change(history: Iterable[Revision], field: str) -> Revision | None:
    found = None
    for r in history:
        if r.field == field:
            found = r
    return found


def present_values(history: Iterable[Revision], field: str) -> dict[str, tuple[bool, str]]:
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
class NameRows:
    """A record's aliases or keywords, as rows to add to and remove from."""

    rows: list[Any]
    make: Callable[[str], Any]
    value: Callable[[Any], str]


def reconcile(
    names: NameRows, wanted: dict[str, tuple[bool, str]], claim: Callable[[str], None]
) -> int:
    """The rows as `wanted` says; returns how many were added or removed."""
    changed = 0
    for k, (present, spelling) in wanted.items():
        row = next((r for r in names.rows if key(names.value(r)) == k), None)
        if present and row is None:
            claim(spelling)
            names.rows.append(names.make(spelling))
            changed += 1
        elif not present and row is not None:
            names.rows.remove(row)
            changed += 1
    return changed
