"""What the database holds of drafts, read back: a draft by its slug, its
versions (with the parties that put each forward), one version by label or
date, and the links of versions' points to issues. Each is one query (two
for versions and their parties), whatever the number of versions asked."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.draft_types import DraftRef, VersionView
from tracker.core.types import IssueRef
from tracker.db.schema import DRAFT, DRAFT_LINK, DRAFT_VERSION, DRAFT_VERSION_PARTY, ISSUE, PARTY
from tracker.errors import NotFound, TrackerError


class Link(NamedTuple):
    version_id: int
    position: int
    issue: IssueRef
    origin: str


def get_draft(session: Session, slug: str) -> DraftRef:
    """The draft `slug` names (exactly, or but for case); NotFound, with the
    closest slugs, if none."""
    rows = session.execute(
        select(DRAFT.c.id, DRAFT.c.slug, DRAFT.c.title, DRAFT.c.description)
    ).all()
    wanted = slug.strip().casefold()
    for row in rows:
        if row.slug == wanted:
            return DraftRef(row.id, row.slug, row.title, row.description)
    if not rows:
        raise NotFound(
            f"unknown draft {slug!r}: there are no drafts yet ('tracker draft add' adds one)"
        )
    close = difflib.get_close_matches(wanted, [r.slug for r in rows], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFound(f"unknown draft {slug!r}{hint} ('tracker draft list' shows them all)")


def all_drafts(session: Session) -> list[DraftRef]:
    rows = session.execute(
        select(DRAFT.c.id, DRAFT.c.slug, DRAFT.c.title, DRAFT.c.description).order_by(DRAFT.c.slug)
    )
    return [DraftRef(r.id, r.slug, r.title, r.description) for r in rows]


def versions_of(
    session: Session,
    draft_ids: Iterable[int],
    *,
    withdrawn: bool = False,
    until: dt.date | None = None,
) -> dict[int, list[VersionView]]:
    """Each draft's versions, oldest first (by date, then as recorded):
    withdrawn ones only if asked, only those dated up to `until` if given."""
    ids = list(draft_ids)
    if not ids:
        return {}
    v = DRAFT_VERSION.c
    query = select(DRAFT_VERSION).where(v.draft_id.in_(ids)).order_by(v.dated_on, v.id)
    if not withdrawn:
        query = query.where(v.withdrawn_at.is_(None))
    if until is not None:
        query = query.where(v.dated_on <= until)
    rows = session.execute(query).all()
    by: dict[int, list[str]] = {}
    if rows:
        parties = session.execute(
            select(DRAFT_VERSION_PARTY.c.version_id, PARTY.c.slug)
            .join(PARTY, PARTY.c.id == DRAFT_VERSION_PARTY.c.party_id)
            .where(DRAFT_VERSION_PARTY.c.version_id.in_([r.id for r in rows]))
            .order_by(PARTY.c.slug)
        )
        for version_id, party in parties:
            by.setdefault(version_id, []).append(party)
    found: dict[int, list[VersionView]] = {i: [] for i in ids}
    for r in rows:
        view = VersionView(
            r.id, r.label, r.dated_on, tuple(by.get(r.id, ())), r.source, r.body, r.recorded_at,
            r.recorded_by, r.withdrawn_at, r.withdrawal_reason,
        )  # fmt: skip
        found[r.draft_id].append(view)
    return found


def versions(session: Session, draft: DraftRef, *, withdrawn: bool = False) -> list[VersionView]:
    return versions_of(session, [draft.id], withdrawn=withdrawn)[draft.id]


def no_versions(draft: DraftRef) -> NotFound:
    return NotFound(
        f"draft {draft.slug!r} has no version yet ('tracker draft version {draft.slug} "
        "FILE --label L --date D' adds one)"
    )


def pick(
    draft: DraftRef, found: list[VersionView], wanted: str | None, as_of: dt.date | None = None
) -> VersionView:
    """Of a draft's versions (all, oldest first), the one labelled `wanted`,
    else the latest dated on or before `as_of`, else the latest. A withdrawn
    version is never picked: naming one says when and why it was withdrawn."""
    live = [v for v in found if not v.withdrawn]
    if wanted is not None:
        for v in found:
            if v.label == wanted.strip():
                if v.withdrawn_at is not None:
                    raise TrackerError(
                        f"version {v.label!r} of draft {draft.slug!r} was withdrawn on "
                        f"{v.withdrawn_at:%Y-%m-%d} ({v.withdrawal_reason})"
                    )
                return v
        labels = ", ".join(v.label for v in live) or "none yet"
        raise NotFound(f"draft {draft.slug!r} has no version {wanted!r} (its versions: {labels})")
    if not live:
        raise no_versions(draft)
    if as_of is None:
        return live[-1]
    dated = [v for v in live if v.dated_on <= as_of]
    if not dated:
        raise NotFound(
            f"draft {draft.slug!r} has no version dated on or before {as_of.isoformat()} "
            f"(its first is {live[0].label!r}, of {live[0].dated_on.isoformat()})"
        )
    return dated[-1]


def links_of(session: Session, version_ids: Iterable[int]) -> list[Link]:
    """The links of these versions' points, by version, position and issue slug."""
    ids = list(version_ids)
    if not ids:
        return []
    k = DRAFT_LINK.c
    rows = session.execute(
        select(k.version_id, k.position, ISSUE.c.id, ISSUE.c.slug, ISSUE.c.title, k.origin)
        .join(ISSUE, ISSUE.c.id == k.issue_id)
        .where(k.version_id.in_(ids))
        .order_by(k.version_id, k.position, ISSUE.c.slug)
    )
    return [Link(r[0], r[1], IssueRef(r[2], r[3], r[4]), r[5]) for r in rows]


def issues_by_point(links: Iterable[Link]) -> dict[tuple[int, int], list[IssueRef]]:
    """The issues of each (version id, position)."""
    found: dict[tuple[int, int], list[IssueRef]] = {}
    for link in links:
        found.setdefault((link.version_id, link.position), []).append(link.issue)
    return found
