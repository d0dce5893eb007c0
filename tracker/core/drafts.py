"""Drafts written: a draft, its versions (never edited in place; withdrawn,
with a reason, when added in error), and the links of their points to the
issues they settle.

A new version's points are linked to the issues they name (the article
reader's issue finder, `tracker.read.issues.Issues.named`), and each point
inherits the links of the point it pairs with in the previous version (the
latest one dated on or before it). `link` and `unlink` correct one
version's links; the versions added after it inherit the correction: a
point is linked anew only to what its text names and the earlier point's
did not, so an issue unlinked by hand is not found again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.core import draft_store as store
from tracker.core.draft_pairing import pair
from tracker.core.draft_text import Point, split
from tracker.core.draft_types import AddedVersion, DraftRef, Relinked, VersionView
from tracker.core.names import check_slug, issue_index, resolve_party
from tracker.core.types import IssueRef
from tracker.core.values import clean_text, recorder
from tracker.dates import check_statement_date, utcnow
from tracker.db.schema import (
    DRAFT,
    DRAFT_LINK,
    DRAFT_VERSION,
    DRAFT_VERSION_PARTY,
    NAME_LENGTH,
)
from tracker.errors import AlreadyExists, Invalid, NotFound, Taken, TrackerError

# A version's text: up to this many characters (a 300-point treaty is some
# 100,000; the file or page it comes from is read up to 10 MB).
BODY_LIMIT = 10_000_000
FOUND, INHERITED, LINKED = "found", "inherited", "linked"


def _inserted_id(result: Any) -> int:
    key = cast(CursorResult[Any], result).inserted_primary_key
    if key is None:
        raise TrackerError("the database did not return the new row's id")
    return int(key[0])


def _taken(err: IntegrityError, unique: tuple[str, ...], what: str) -> NoReturn:
    """A unique constraint refused the row: another writer added it since we
    looked (a Conflict the command line runs again, to find it there)."""
    if any(name in str(err.orig) for name in unique):
        raise Taken(f"{what} was added by someone else just now") from None
    raise err


def _short(value: str | None, field: str) -> str | None:
    """A one-line name (a title, a label): verbatim, at most NAME_LENGTH."""
    text = clean_text(value, field)
    if text is None:
        return None
    if len(text) > NAME_LENGTH or "\n" in text or "\r" in text:
        raise Invalid(f"{field} must be one line of at most {NAME_LENGTH} characters")
    return text


def add_draft(
    session: Session,
    slug: str,
    title: str,
    description: str | None = None,
    recorded: tuple[dt.datetime, str] | None = None,
) -> DraftRef:
    check_slug(slug)
    title_text = _short(title, "title")
    if title_text is None:
        raise Invalid("a draft needs a title")
    if session.scalar(select(DRAFT.c.id).where(DRAFT.c.slug == slug)) is not None:
        raise AlreadyExists(f"draft {slug!r} already exists ('tracker draft list' shows them)")
    about = clean_text(description, "description")
    recorded_at, recorded_by = recorded or (utcnow(), recorder())
    values = {"slug": slug, "title": title_text, "description": about}
    try:
        new_id = _inserted_id(
            session.execute(
                insert(DRAFT).values(**values, recorded_at=recorded_at, recorded_by=recorded_by)
            )
        )
    except IntegrityError as err:
        _taken(err, ("uq_draft_slug", "draft.slug"), f"draft {slug!r}")
    return DraftRef(new_id, slug, title_text, about)


def check_body(body: str, where: str) -> str:
    """A version's text, stored verbatim: it must have a point, fit, and hold
    no character a database cannot store."""
    if not body.strip():
        raise Invalid(f"{where} holds no text")
    if len(body) > BODY_LIMIT:
        raise Invalid(f"{where} is {len(body):,} characters long; at most {BODY_LIMIT:,}")
    if "\x00" in body:
        raise Invalid(f"{where} contains a NUL character")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{where} is not valid Unicode text (lone surrogate)") from None
    return body


def check_label(value: str) -> str:
    text = _short(value, "label")
    if text is None:
        raise Invalid("a version needs a label (--label v1)")
    return text.strip()


def add_version(
    session: Session,
    slug: str,
    body: str,
    label: str,
    dated_on: dt.date,
    by: Sequence[str] = (),
    source: str | None = None,
    where: str = "the text",
    *,
    recorded: tuple[dt.datetime, str] | None = None,
    withdrawn: tuple[dt.datetime, str] | None = None,
    links: Sequence[tuple[int, str, str]] | None = None,
) -> AddedVersion:
    """A new version of draft `slug`, its points linked to the issues they
    name and to those of the points they pair with in the version before.
    An import gives who recorded it and when, its withdrawal, and its links
    as (position, issue, origin), which then are taken as they are."""
    draft = store.get_draft(session, slug)
    check_body(body, where)
    label = check_label(label)
    try:
        check_statement_date(dated_on)
    except ValueError as err:
        raise Invalid(str(err)) from None
    parties = list(dict.fromkeys(resolve_party(session, name, dated_on) for name in by))
    existing = store.versions(session, draft, withdrawn=True)
    if any(v.label == label for v in existing):
        raise AlreadyExists(
            f"draft {slug!r} already has a version {label!r} (a label names one text, "
            "even once withdrawn: give another)"
        )
    recorded_at, recorded_by = recorded or (utcnow(), recorder())
    cite = clean_text(source, "source")
    values = {
        "draft_id": draft.id, "label": label, "dated_on": dated_on, "source": cite, "body": body,
        "recorded_at": recorded_at, "recorded_by": recorded_by,
        "withdrawn_at": withdrawn and withdrawn[0], "withdrawal_reason": withdrawn and withdrawn[1],
    }  # fmt: skip
    try:
        version_id = _inserted_id(session.execute(insert(DRAFT_VERSION).values(**values)))
    except IntegrityError as err:
        unique = ("uq_draft_version_draft_id", "draft_version.draft_id")
        _taken(err, unique, f"version {label!r} of draft {slug!r}")
    if parties:
        session.execute(
            insert(DRAFT_VERSION_PARTY),
            [{"version_id": version_id, "party_id": p.id} for p in parties],
        )
    version = VersionView(
        version_id, label, dated_on, tuple(sorted(p.slug for p in parties)), cite, body,
        recorded_at, recorded_by, *(withdrawn or (None, None)),
    )  # fmt: skip
    live = [v for v in existing if not v.withdrawn and v.dated_on <= dated_on]
    previous = live[-1] if live else None
    points = len(split(body).points)
    if links is not None:
        found, inherited = _given_links(session, version_id, points, links, where)
    else:
        found, inherited = link_new_version(session, version, previous)
    before = previous.label if previous is not None else None
    return AddedVersion(draft, version, points, found, inherited, before)


def link_new_version(
    session: Session, version: VersionView, previous: VersionView | None
) -> tuple[int, int]:
    """Links each point of `version` to the issues of the point it pairs with
    in `previous` (as corrected there), and to the issues its text names that
    the earlier point's did not (so a link unlinked there stays unlinked);
    an added point, to the issues it names. Returns how many were found and
    how many inherited."""
    from tracker.core.reader_catalog import known_from_catalog
    from tracker.read.issues import Issues
    from tracker.read.mentions import Names

    points = split(version.body).points
    known = known_from_catalog(session)
    finder = Issues(known, Names(known, version.dated_on))
    ids = {ref.slug: ref.id for ref in issue_index(session).slugs.values()}
    rows: dict[tuple[int, int], str] = {}
    earlier: dict[int, Point] = {}  # new position -> the point it pairs with
    inherited: dict[int, list[IssueRef]] = {}
    if previous is not None:
        before = store.issues_by_point(store.links_of(session, [previous.id]))
        for pr in pair(split(previous.body).points, points):
            if pr.old is not None and pr.new is not None:
                earlier[pr.new.position] = pr.old
                inherited[pr.new.position] = before.get((previous.id, pr.old.position), [])
    for p in points:
        then = earlier.get(p.position)
        if then is not None and then.text == p.text:
            continue  # the same words name the same issues: nothing new
        named = set(finder.named(p.text))
        if then is not None:
            named -= set(finder.named(then.text))
        for slug in sorted(named):
            rows[p.position, ids[slug]] = FOUND
    found = len(rows)
    for position, issues in inherited.items():
        for issue in issues:
            rows.setdefault((position, issue.id), INHERITED)
    write_links(session, version.id, rows)
    return found, len(rows) - found


def _given_links(
    session: Session,
    version_id: int,
    points: int,
    links: Sequence[tuple[int, str, str]],
    where: str,
) -> tuple[int, int]:
    """Links as an import file gives them: (position, issue, origin)."""
    index = issue_index(session)
    rows: dict[tuple[int, int], str] = {}
    for position, issue, origin in links:
        if not 1 <= position <= points:
            raise Invalid(f"{where}: a link to point {position}, of {points}")
        if origin not in (FOUND, INHERITED, LINKED):
            raise Invalid(f"{where}: unknown link origin {origin!r}; use found, inherited, linked")
        rows[position, index.resolve(issue).id] = origin
    write_links(session, version_id, rows)
    found = sum(1 for origin in rows.values() if origin == FOUND)
    return found, sum(1 for origin in rows.values() if origin == INHERITED)


def write_links(session: Session, version_id: int, rows: dict[tuple[int, int], str]) -> None:
    """Links of one version: {(position, issue id): origin}."""
    if rows:
        session.execute(
            insert(DRAFT_LINK),
            [
                {"version_id": version_id, "position": pos, "issue_id": issue, "origin": origin}
                for (pos, issue), origin in sorted(rows.items())
            ],
        )


def withdraw(session: Session, slug: str, label: str, reason: str) -> VersionView:
    """Withdraws a version added in error: it stays in the history, with the
    reason, and nothing reads it any more."""
    reason_text = clean_text(reason, "reason")
    if reason_text is None:
        raise Invalid("a withdrawal needs a reason")
    draft = store.get_draft(session, slug)
    version = store.pick(draft, store.versions(session, draft, withdrawn=True), label)
    done = session.execute(
        update(DRAFT_VERSION)
        .where(DRAFT_VERSION.c.id == version.id, DRAFT_VERSION.c.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawal_reason=reason_text)
    )
    if cast(CursorResult[Any], done).rowcount != 1:
        raise TrackerError(f"version {label!r} of {slug!r} was withdrawn by someone else just now")
    return next(v for v in store.versions(session, draft, withdrawn=True) if v.id == version.id)


# --- correcting links -------------------------------------------------------------


def point_at(draft: DraftRef, version: VersionView, number: int) -> Point:
    """The point numbered `number` in `version`."""
    points = [p for p in split(version.body).points if p.number == number]
    if not points:
        numbers = [p.number for p in split(version.body).points]
        shown = f"{numbers[0]} to {numbers[-1]}" if numbers else "none"
        raise NotFound(
            f"version {version.label!r} of draft {draft.slug!r} has no point {number} "
            f"(its points: {shown})"
        )
    if len(points) > 1:
        raise Invalid(
            f"version {version.label!r} of draft {draft.slug!r} has {len(points)} points "
            f"numbered {number}: its text numbers them so"
        )
    return points[0]


def relink(
    session: Session,
    slug: str,
    number: int,
    issues: Sequence[str],
    label: str | None = None,
    linked: bool = True,
) -> Relinked:
    """`draft link` (`linked`) or `unlink`: point `number` of a version (the
    latest by default) linked to these issues, or no longer."""
    draft = store.get_draft(session, slug)
    version = store.pick(draft, store.versions(session, draft, withdrawn=True), label)
    point = point_at(draft, version, number)
    index = issue_index(session)
    wanted: list[IssueRef] = list(dict.fromkeys(index.resolve(name) for name in issues))
    k = DRAFT_LINK.c
    have = set(
        session.scalars(
            select(k.issue_id).where(k.version_id == version.id, k.position == point.position)
        )
    )
    if linked:
        changed = [i for i in wanted if i.id not in have]
        write_links(session, version.id, {(point.position, i.id): LINKED for i in changed})
    else:
        changed = [i for i in wanted if i.id in have]
        if changed:
            session.execute(
                delete(DRAFT_LINK).where(
                    k.version_id == version.id,
                    k.position == point.position,
                    k.issue_id.in_([i.id for i in changed]),
                )
            )
    unchanged = [i for i in wanted if i not in changed]
    return Relinked(
        draft, version, number, tuple(i.slug for i in changed),
        tuple(i.slug for i in unchanged), linked,
    )  # fmt: skip


# --- what merges and removals of parties and issues do to drafts --------------------


def move_party(session: Session, old_id: int, new_id: int) -> None:
    """The versions `old_id` put forward are put forward by `new_id` (a merge).
    Nothing is written where there is nothing to move: a writer granted no
    rights on the drafts' tables can merge parties no draft names."""
    t = DRAFT_VERSION_PARTY.c
    rows = session.execute(
        select(t.id, t.version_id, t.party_id).where(t.party_id.in_([old_id, new_id]))
    ).all()
    old = {r.version_id: r.id for r in rows if r.party_id == old_id}
    if not old:
        return
    both = {r.version_id for r in rows if r.party_id == new_id} & set(old)
    if both:
        session.execute(delete(DRAFT_VERSION_PARTY).where(t.id.in_([old[v] for v in both])))
    session.execute(update(DRAFT_VERSION_PARTY).where(t.party_id == old_id).values(party_id=new_id))


def move_issue(session: Session, old_id: int, new_id: int) -> None:
    """The points linked to `old_id` are linked to `new_id` (a merge); as
    `move_party`, nothing is written where nothing moves."""
    k = DRAFT_LINK.c
    rows = session.execute(
        select(k.id, k.version_id, k.position, k.issue_id).where(k.issue_id.in_([old_id, new_id]))
    ).all()
    old = [r for r in rows if r.issue_id == old_id]
    if not old:
        return
    linked = {(r.version_id, r.position) for r in rows if r.issue_id == new_id}
    twice = [r.id for r in old if (r.version_id, r.position) in linked]
    if twice:
        session.execute(delete(DRAFT_LINK).where(k.id.in_(twice)))
    session.execute(update(DRAFT_LINK).where(k.issue_id == old_id).values(issue_id=new_id))


def forget_issue(session: Session, issue_id: int) -> None:
    """An issue removed: its links to points go with it."""
    k = DRAFT_LINK.c
    if session.scalar(select(k.id).where(k.issue_id == issue_id).limit(1)) is not None:
        session.execute(delete(DRAFT_LINK).where(k.issue_id == issue_id))


def versions_by(session: Session, party_id: int) -> list[str]:
    """The versions a party put forward, as "draft label"."""
    rows = session.execute(
        select(DRAFT.c.slug, DRAFT_VERSION.c.label)
        .join(DRAFT_VERSION, DRAFT_VERSION.c.draft_id == DRAFT.c.id)
        .join(DRAFT_VERSION_PARTY, DRAFT_VERSION_PARTY.c.version_id == DRAFT_VERSION.c.id)
        .where(DRAFT_VERSION_PARTY.c.party_id == party_id)
        .order_by(DRAFT.c.slug, DRAFT_VERSION.c.id)
    )
    return [f"{slug} {label}" for slug, label in rows]
