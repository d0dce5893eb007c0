"""Drafts read: the list, a draft's versions, a version's points with where
the parties stand on the issues they settle (`show`), what changed between
two versions (`diff`), every version side by side (the HTML page), and the
report page's short account of each draft.

An issue's class and the parties' stances come from the outlook's own
definition (`agreement.outlook_of` over `positions.report`): one report
for every issue a draft's points are linked to, never a query per point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.core import draft_store as store
from tracker.core import positions
from tracker.core.agreement import outlook_of
from tracker.core.draft_pairing import pair
from tracker.core.draft_text import Point, split, word_diff
from tracker.core.draft_types import (
    ADDED,
    REWORDED,
    DiffPoint,
    DraftDiff,
    DraftShow,
    DraftStanding,
    DraftSummary,
    DraftVersions,
    IssueStanding,
    PointCell,
    Row,
    ShownPoint,
    SideBySide,
    VersionView,
)
from tracker.core.types import IssueRef, PartyRef, Report
from tracker.db.schema import DRAFT_VERSION
from tracker.errors import TrackerError

PointIssues = dict[tuple[int, int], list[IssueRef]]


def list_drafts(session: Session) -> list[DraftSummary]:
    """Every draft, by slug, with how many versions it has and the latest."""
    drafts = store.all_drafts(session)
    v = DRAFT_VERSION.c
    counts: dict[int, int] = dict(
        session.execute(
            select(v.draft_id, func.count()).where(v.withdrawn_at.is_(None)).group_by(v.draft_id)
        ).all()
    )
    latest: dict[int, str] = {}
    rows = session.execute(
        select(v.draft_id, v.label).where(v.withdrawn_at.is_(None)).order_by(v.dated_on, v.id)
    )
    for draft_id, label in rows:
        latest[draft_id] = label  # the last one wins
    return [DraftSummary(d, int(counts.get(d.id, 0)), latest.get(d.id)) for d in drafts]


def draft_versions(session: Session, slug: str) -> DraftVersions:
    draft = store.get_draft(session, slug)
    return DraftVersions(draft, tuple(store.versions(session, draft, withdrawn=True)))


def standings(
    session: Session, issues: Iterable[IssueRef], as_of: dt.date
) -> dict[int, IssueStanding]:
    """Each issue's outlook class and the parties' stances on it as of
    `as_of`, by issue id: one report."""
    wanted = {i.id: i for i in issues}
    if not wanted:
        return {}
    rep = positions.report(session, as_of, issues=[i.slug for i in wanted.values()])
    classes = {o.issue.id: o.kind for o in outlook_of(rep).issues}
    held: dict[int, list[tuple[PartyRef, int]]] = {}
    for cell in rep.cells:
        held.setdefault(cell.issue.id, []).append((cell.party, cell.score))
    return {
        i.id: IssueStanding(
            i, classes.get(i.id), tuple(sorted(held.get(i.id, []), key=lambda h: h[0].slug))
        )
        for i in wanted.values()
    }


def _issues(
    by_point: PointIssues, standing: dict[int, IssueStanding], version_id: int, position: int
) -> tuple[IssueStanding, ...]:
    return tuple(standing[i.id] for i in by_point.get((version_id, position), []))


def show(
    session: Session,
    slug: str,
    label: str | None = None,
    as_of: dt.date | None = None,
    side_by_side: bool = False,
) -> DraftShow:
    """A version (labelled `label`, else the latest dated on or before
    `as_of`, else the latest) and its points, each with its issues' class
    and stances as of `as_of` (default: the version's date). With
    `side_by_side`, every version up to it, as columns."""
    draft = store.get_draft(session, slug)
    found = store.versions(session, draft, withdrawn=True)
    version = store.pick(draft, found, label, as_of)
    day = as_of or version.dated_on
    columns = [version]
    if side_by_side:
        columns = [
            v
            for v in found
            if not v.withdrawn and (v.dated_on, v.id) <= (version.dated_on, version.id)
        ]
    links = store.links_of(session, [v.id for v in columns])
    by_point = store.issues_by_point(links)
    standing = standings(session, (link.issue for link in links), day)
    text = split(version.body)
    points = tuple(
        ShownPoint(
            p.number, p.position, p.text, _issues(by_point, standing, version.id, p.position)
        )
        for p in text.points
    )
    side = _side_by_side(columns, by_point, standing) if side_by_side else None
    return DraftShow(draft, version, day, text.preamble, points, side)


def diff(
    session: Session,
    slug: str,
    old_label: str | None = None,
    new_label: str | None = None,
    side_by_side: bool = False,
) -> DraftDiff:
    """What changed from one version to another (default: the two latest):
    each point paired by content, in the newer one's order (SPEC)."""
    draft = store.get_draft(session, slug)
    found = store.versions(session, draft, withdrawn=True)
    if old_label is not None and new_label is not None:
        old = store.pick(draft, found, old_label)
        new = store.pick(draft, found, new_label)
    else:
        live = [v for v in found if not v.withdrawn]
        if not live:
            raise store.no_versions(draft)
        if len(live) < 2:
            raise TrackerError(
                f"draft {draft.slug!r} has one version ({live[0].label!r}): "
                "add another to compare them"
            )
        old, new = live[-2], live[-1]
    links = store.links_of(session, [old.id, new.id])
    by_point = store.issues_by_point(links)
    points = []
    for pr in pair(split(old.body).points, split(new.body).points):
        at = (new.id, pr.new.position) if pr.new else (old.id, pr.old.position if pr.old else 0)
        segments = word_diff(pr.old.text, pr.new.text) if pr.old and pr.new else []
        points.append(
            DiffPoint(
                pr.change,
                pr.old.number if pr.old else None,
                pr.new.number if pr.new else None,
                pr.old.text if pr.old else None,
                pr.new.text if pr.new else None,
                tuple(i.slug for i in by_point.get(at, [])),
                tuple(segments) if pr.change == REWORDED else (),
            )
        )
    side = None
    if side_by_side:
        standing = standings(session, (link.issue for link in links), new.dated_on)
        side = _side_by_side([old, new], by_point, standing)
    return DraftDiff(draft, old, new, tuple(points), side)


# --- every version side by side ------------------------------------------------------

_Chain = dict[int, tuple[Point, PointCell]]  # column -> the row's point there


def _side_by_side(
    versions: Sequence[VersionView], by_point: PointIssues, standing: dict[int, IssueStanding]
) -> SideBySide:
    """The versions as columns, and a row for each chain of paired points
    (each version paired with the one before it). Rows follow the latest
    version's order; a row that ends comes after the row before it."""
    rows: list[_Chain] = []
    order: list[int] = []  # row indexes, in display order
    alive: dict[int, int] = {}  # position in the previous column -> row index
    for col, version in enumerate(versions):
        points = split(version.body).points
        if col == 0:
            for p in points:
                alive[p.position] = len(rows)
                order.append(len(rows))
                rows.append({0: (p, PointCell(p.number, p.text, None))})
            continue
        before = split(versions[col - 1].body).points
        now: dict[int, int] = {}
        placed: list[int] = []  # this column's rows, in its order
        for pr in pair(before, points):
            if pr.new is None:
                continue
            if pr.old is None:
                row = len(rows)
                rows.append({})
                cell = PointCell(pr.new.number, pr.new.text, ADDED)
            else:
                row = alive[pr.old.position]
                segments = word_diff(pr.old.text, pr.new.text) if pr.change == REWORDED else []
                cell = PointCell(pr.new.number, pr.new.text, pr.change, tuple(segments))
            rows[row][col] = (pr.new, cell)
            now[pr.new.position] = row
            placed.append(row)
        order = _reordered(order, placed)
        alive = now
    shown = []
    for index in order:
        chain = rows[index]
        last = max(chain)
        point = chain[last][0]
        issues = _issues(by_point, standing, versions[last].id, point.position)
        cells = tuple(chain[c][1] if c in chain else None for c in range(len(versions)))
        shown.append(Row(cells, issues))
    return SideBySide(tuple(versions), tuple(shown))


def _reordered(order: list[int], placed: list[int]) -> list[int]:
    """The rows of the new column (`placed`, in its order), each row that
    did not go on into it after the nearest earlier row (in `order`) that
    did; at the top if none."""
    going_on = set(placed)
    after: dict[int | None, list[int]] = {}
    anchor: int | None = None
    for row in order:
        if row in going_on:
            anchor = row
        else:
            after.setdefault(anchor, []).append(row)
    out = list(after.get(None, []))
    for row in placed:
        out.append(row)
        out += after.get(row, [])
    return out


# --- the report page -------------------------------------------------------------


def report_drafts(session: Session, rep: Report) -> tuple[DraftStanding, ...]:
    """Each draft's latest version as of the report's date, and how many of
    its points sit on issues of each outlook class, as the report's outlook
    classes them."""
    drafts = store.all_drafts(session)
    found = store.versions_of(session, [d.id for d in drafts], until=rep.as_of)
    latest = {d.id: found[d.id][-1] for d in drafts if found.get(d.id)}
    if not latest:
        return ()
    classes = {o.issue.id: o.kind for o in outlook_of(rep).issues}
    by_point = store.issues_by_point(store.links_of(session, [v.id for v in latest.values()]))
    shown = []
    for d in drafts:
        version = latest.get(d.id)
        if version is None:
            continue
        counts: dict[str, int] = {}
        unlinked = 0
        points = split(version.body).points
        for p in points:
            kinds = {
                classes[i.id] for i in by_point.get((version.id, p.position), []) if i.id in classes
            }
            unlinked += not kinds
            for kind in kinds:
                counts[kind] = counts.get(kind, 0) + 1
        shown.append(DraftStanding(d, version, len(points), counts, unlinked))
    return tuple(shown)
