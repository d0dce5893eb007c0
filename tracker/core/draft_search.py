"""`tracker search QUERY --drafts`: the points of the drafts' versions that
hold the query's words. The query means what it means for statements (the
one parser, `statement_search.parse`: every word, "quoted phrases" as
written together, prefixes `sanction*`); words match whole and case-blind.

Drafts are few and short beside the ledger (ten versions of a 300-point
text are some 3,000 points), so their points are read in one query and
matched here, the same on every backend, with no index to keep in step."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core import draft_store as store
from tracker.core.draft_text import split
from tracker.core.draft_types import DraftFound, DraftHit
from tracker.core.names import resolve_issue, resolve_party
from tracker.core.statement_search import parse
from tracker.core.types import Term
from tracker.db.schema import DRAFT_LINK


def _pattern(term: Term) -> re.Pattern[str]:
    """A term's words together, in order, anything but a word between them."""
    words = [re.escape(w) for w in term.words]
    tail = r"\w*" if term.prefix else r"(?!\w)"
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + tail, re.IGNORECASE)


def search(
    session: Session,
    query: str,
    party: str | None = None,
    issue: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = 20,
    include_withdrawn: bool = False,
) -> DraftFound:
    """Points holding every term of `query`: newest version first, then by
    draft and the point's place; at most `limit` (None: all). Only versions
    `party` put forward, dated from `since` to `until`, points linked to
    `issue`, if given; withdrawn versions only if asked."""
    terms = parse(query)
    patterns = [_pattern(t) for t in terms]
    drafts = store.all_drafts(session)
    found = store.versions_of(session, [d.id for d in drafts], withdrawn=include_withdrawn)
    party_slug = resolve_party(session, party, until).slug if party is not None else None
    linked: set[tuple[int, int]] | None = None
    if issue is not None:
        issue_id = resolve_issue(session, issue).id
        k = DRAFT_LINK.c
        rows = session.execute(select(k.version_id, k.position).where(k.issue_id == issue_id))
        linked = {(v, p) for v, p in rows}
    hits: list[tuple[tuple[object, ...], DraftHit]] = []
    for d in drafts:
        for v in found.get(d.id, []):
            if party_slug is not None and party_slug not in v.by:
                continue
            if (since is not None and v.dated_on < since) or (
                until is not None and v.dated_on > until
            ):
                continue
            for p in split(v.body).points:
                if linked is not None and (v.id, p.position) not in linked:
                    continue
                if all(pattern.search(p.text) for pattern in patterns):
                    order = (-v.dated_on.toordinal(), -v.id, d.slug, p.position)
                    hits.append(
                        (order, DraftHit(d.slug, d.title, v.label, v.dated_on, p.number, p.text))
                    )
    hits.sort(key=lambda h: h[0])
    shown = [h for _, h in hits]
    if limit is not None:
        shown = shown[:limit]
    return DraftFound(query, terms, tuple(shown))
