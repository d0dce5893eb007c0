"""An import's merges: those a file's history records, made here as they
were made where the file was written, a chain of them in its order; an
issue's names that ask the opposite question, marked as the file marks
them; and what two databases that merged the same issues differently
cannot reconcile, said in one line.

A merge is recorded on the record merged into as `merged` (old: the slug
merged in; new: `negated` for `issue merge --negate`). When that record is
itself merged later, its revisions go with it, named as its own: "join:
merged" in the history of the issue `join` went into. So a history holds a
chain (barred into join, then join into out) whole, and an import into a
database that still holds barred, join and out apart makes it again, in
order: barred into join, then join into out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from tracker.core import merge, revisions
from tracker.core.names import issue_index, key, party_index
from tracker.core.records import Revision
from tracker.core.types import iso_instant
from tracker.db.models import Issue, Party
from tracker.errors import Ambiguous

NEGATED_ALIASES = "negated_aliases"  # the export's key: an issue's aliases that do


def merges(history: Iterable[Revision]) -> list[tuple[str | None, Revision]]:
    """The merges a history records, oldest first, each with the slug of the
    record it merged into (None: the record whose history it is)."""
    found: list[tuple[str | None, Revision]] = []
    for r in history:
        parts = r.field.split(": ")
        if parts[-1] == revisions.MERGED and r.old:
            found.append((parts[-2] if len(parts) > 1 else None, r))
    return sorted(found, key=lambda f: (f[1].recorded_at, f[1].recorded_by, f[1].field))


def replay(
    session: Session,
    kind: str,
    record: Party | Issue,
    theirs: Sequence[Revision],
    negated: set[str] | None,
) -> int:
    """Makes here the merges the file's history of `record` records whose
    merged record is still here on its own; returns how many. `negated`:
    the keys of the names the file marks as asking the opposite of the
    record's question (None: the file does not say)."""
    made = 0
    for into, r in merges(theirs):
        index = party_index(session) if kind == "party" else issue_index(session)
        twin = index.slugs.get(r.old or "")
        if twin is None:
            continue  # not here, or merged already
        negate = r.new == revisions.NEGATED
        target = index.slugs.get(record.slug) if into is None else None
        if into is not None:
            try:
                target = index.slugs.get(into) or index.find(into)
            except Ambiguous:
                target = None
            if target is not None:  # merged here already: negated, if by a name that is
                negate = negate != getattr(target, "negated", False)
            else:  # not here at all: straight into the record, as the file's names say
                target = index.slugs.get(record.slug)
                if negated is not None:
                    negate = key(twin.slug) in negated
        if target is None or target.id == twin.id:
            continue
        if kind == "party":
            merge.merge_parties(session, twin.slug, target.slug, history=False)
        else:
            merge.merge_issues(
                session, twin.slug, target.slug, history=False, force=not negate, negate=negate
            )
        made += 1
    return made


def conflicts(slug: str, history: Iterable[Revision]) -> list[str]:
    """The merges of one issue into another that `history` records twice, the
    one negated and the other not: two databases merged the same issues
    differently, and the stances each moved disagree for good."""
    said: list[str] = []
    seen: dict[tuple[str | None, str | None], Revision] = {}
    for into, r in merges(history):
        first = seen.setdefault((into, r.old), r)
        if first.new != r.new:
            negated, plain = (first, r) if first.new == revisions.NEGATED else (r, first)
            said.append(
                f"issue {slug!r}: {r.old!r} was merged into {into or slug!r} twice, with "
                f"--negate ({_by(negated)}) and as the same question ({_by(plain)}); the "
                "statements it moved keep the stances this database gave them, and no "
                "import will make the two databases agree (restore one's export into the "
                "other, emptied, to make them one)"
            )
    return said


def _by(r: Revision) -> str:
    return f"by {r.recorded_by} at {iso_instant(r.recorded_at)}"


def mark_aliases(issue: Issue, negated: set[str] | None, added: set[str]) -> list[str]:
    """The file's marks on the aliases an import gave `issue` (their keys in
    `added`); returns the aliases it already had that the file marks
    otherwise (None: the file does not say)."""
    if negated is None:
        return []
    differ: list[str] = []
    for alias in issue.aliases:
        mark = key(alias.alias) in negated
        if key(alias.alias) in added:
            alias.negated = mark
        elif bool(alias.negated) != mark:
            differ.append(alias.alias)
    return differ


def disagree(slug: str, aliases: Sequence[str]) -> str:
    return (
        f"issue {slug!r}: the file marks {', '.join(repr(a) for a in aliases)} otherwise "
        "than this database does (a name that asks the opposite question, or not): "
        "statements logged under them are negated as this database marks them"
    )
