"""Drafts in an export, and back in with an import: each draft, its versions
(their texts verbatim, who recorded them and when, their withdrawals) and
the links of their points to issues.

An import is idempotent. A draft is found by its slug, a version by its
draft and label (a label names one text, ever): one already here is
skipped, and takes the file's withdrawal if it has none yet; one that holds
another text is refused. A new version comes with the file's links as they
are; a version the database already holds keeps its own (they may have
been corrected since)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.core import draft_store as store
from tracker.core import drafts
from tracker.core.types import ImportResult, iso_instant
from tracker.db.schema import DRAFT, DRAFT_VERSION
from tracker.errors import ImportFailed, TrackerError

# --- out -------------------------------------------------------------------------


def draft_documents(session: Session) -> list[dict[str, Any]]:
    """Every draft as the export writes it, by slug; versions oldest first."""
    found = store.all_drafts(session)
    recorded = {
        r.id: (r.recorded_at, r.recorded_by)
        for r in session.execute(select(DRAFT.c.id, DRAFT.c.recorded_at, DRAFT.c.recorded_by))
    }
    versions = store.versions_of(session, [d.id for d in found], withdrawn=True)
    links: dict[int, list[dict[str, Any]]] = {}
    for link in store.links_of(session, (v.id for vs in versions.values() for v in vs)):
        links.setdefault(link.version_id, []).append(
            {"position": link.position, "issue": link.issue.slug, "origin": link.origin}
        )
    docs = []
    for d in found:
        at, by = recorded[d.id]
        docs.append(
            {
                "slug": d.slug,
                "title": d.title,
                "description": d.description,
                "recorded_at": iso_instant(at),
                "recorded_by": by,
                "versions": [
                    {**v.history_json(), "text": v.body, "links": links.get(v.id, [])}
                    for v in versions[d.id]
                ],
            }
        )
    return docs


# --- in --------------------------------------------------------------------------


def _field(record: dict[str, Any], name: str, where: str, required: bool = True) -> Any:
    value = record.get(name)
    if value is None and required:
        raise ImportFailed(f"{where}: missing {name}")
    if value is not None and not isinstance(value, str):
        raise ImportFailed(f"{where}: {name} must be text, not {type(value).__name__}")
    return value


def _instant(value: Any, where: str, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ImportFailed(f"{where}: bad {name} {value!r}") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _recorded(record: dict[str, Any], where: str) -> tuple[dt.datetime, str] | None:
    at = _instant(record.get("recorded_at"), where, "recorded_at")
    by = _field(record, "recorded_by", where, required=False)
    return (at, by) if at is not None and by else None


@contextlib.contextmanager
def _named(where: str) -> Iterator[None]:
    """The core's refusals inside, named by their place in the file."""
    try:
        yield
    except ImportFailed:
        raise
    except TrackerError as err:
        raise ImportFailed(f"{where}: {err}") from None


def import_drafts(session: Session, records: Any, result: ImportResult) -> None:
    if not isinstance(records, list):
        raise ImportFailed("drafts must be a list")
    for n, record in enumerate(records):
        where = f"drafts[{n}]"
        if not isinstance(record, dict):
            raise ImportFailed(f"{where}: a draft is an object")
        slug = _field(record, "slug", where)
        try:
            draft = store.get_draft(session, slug)
        except TrackerError:
            title = _field(record, "title", where)
            about = _field(record, "description", where, required=False)
            recorded = _recorded(record, where)
            with _named(where):
                draft = drafts.add_draft(session, slug, title, about, recorded)
            result.drafts_created.append(draft.slug)
        versions = record.get("versions") or []
        if not isinstance(versions, list):
            raise ImportFailed(f"{where}: versions must be a list")
        for m, version in enumerate(versions):
            _version(session, draft.slug, version, f"{where}.versions[{m}]", result)


def _version(session: Session, slug: str, record: Any, where: str, result: ImportResult) -> None:
    if not isinstance(record, dict):
        raise ImportFailed(f"{where}: a version is an object")
    label = _field(record, "label", where)
    body = _field(record, "text", where)
    try:
        dated_on = dt.date.fromisoformat(_field(record, "date", where))
    except ValueError:
        raise ImportFailed(f"{where}: bad date {record.get('date')!r}: use YYYY-MM-DD") from None
    withdrawn_at = _instant(record.get("withdrawn_at"), where, "withdrawn_at")
    reason = _field(record, "withdrawal_reason", where, required=withdrawn_at is not None)
    withdrawn = (withdrawn_at, reason) if withdrawn_at is not None else None
    draft = store.get_draft(session, slug)
    here = {v.label: v for v in store.versions(session, draft, withdrawn=True)}
    held = here.get(label.strip())
    if held is not None:
        if held.body != body or held.dated_on != dated_on:
            raise ImportFailed(
                f"{where}: version {label!r} of draft {slug!r} holds another text, or date, "
                "than the one in the database (a label names one text)"
            )
        result.versions_skipped += 1
        if withdrawn is not None and held.withdrawn_at is None:
            session.execute(
                update(DRAFT_VERSION)
                .where(DRAFT_VERSION.c.id == held.id, DRAFT_VERSION.c.withdrawn_at.is_(None))
                .values(withdrawn_at=withdrawn[0], withdrawal_reason=withdrawn[1])
            )
            result.versions_withdrawn += 1
        return
    by = record.get("by") or []
    if not isinstance(by, list) or not all(isinstance(p, str) for p in by):
        raise ImportFailed(f"{where}: by must be a list of party slugs")
    links = _links(record.get("links"), where)
    source = _field(record, "source", where, required=False)
    recorded = _recorded(record, where)
    with _named(where):
        drafts.add_version(
            session, slug, body, label, dated_on, by, source, where,
            recorded=recorded, withdrawn=withdrawn, links=links,
        )  # fmt: skip
    result.versions_added += 1


def _links(value: Any, where: str) -> list[tuple[int, str, str]] | None:
    """(position, issue, origin) of each link; None: the file gives none,
    and the version is linked as `draft version` links one."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ImportFailed(f"{where}: links must be a list")
    found = []
    for n, link in enumerate(value):
        if not (
            isinstance(link, dict)
            and isinstance(link.get("position"), int)
            and isinstance(link.get("issue"), str)
        ):
            raise ImportFailed(f"{where}.links[{n}]: a link is {{position, issue, origin}}")
        found.append((link["position"], link["issue"], str(link.get("origin") or "linked")))
    return found
