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

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from tracker.core import catalog, revisions
from tracker.core.names import Namespace, key
from tracker.core.records import Revision
from tracker.core.transfer import merges_in
from tracker.core.transfer.history_in import (
    NameRows,
    latest_change,
    lineage,
    present_values,
    read_history,
    read_names,
    reconcile,
    union_history,
)
from tracker.core.transfer.parse import raced
from tracker.core.types import ImportResult
from tracker.db.models import (
    Issue,
    IssueAlias,
    Keyword,
    Party,
    PartyAlias,
)
from tracker.errors import Conflict, ImportFailed, TrackerError

# --- parties and issues ----------------------------------------------------


# A record's fields that name it (checked against the one namespace), and
# those that may be cleared.
NAMING = {"party": ("name", "slug"), "issue": ("title", "slug")}
FIELDS = {"party": ("name", "kind", "description", "slug"),
          "issue": ("title", "proposition", "description", "slug")}  # fmt: skip


def _sync(
    session: Session,
    kind: str,
    record: Party | Issue,
    slug: str,
    theirs: Sequence[Revision],
    result: ImportResult,
    taken: Namespace,
    negated: set[str] | None = None,
) -> int:
    """`record` as its history and the file's (that of the file's record
    `slug`), side by side, say it is now; returns how many changes that made.
    `taken`: the names as they are before it. `negated`: the keys of the
    aliases the file marks as asking the opposite question (an issue's;
    None: the file does not say)."""
    # Merges first: the merged record's history joins this one's before the
    # file's is laid beside it, so what both hold is held once. A merge made
    # elsewhere is made here as it was (negated or not), unasked, and so is
    # a chain of them.
    changed = merges_in.replay(session, kind, record, theirs, negated)
    if slug != record.slug:
        merged_here = any(
            r.field == revisions.MERGED and r.old == slug
            for r in revisions.history(session, kind, record.id)
        )
        if merged_here:  # the file's record is one this database merged into `record`
            theirs = [revisions.as_merged(r, slug) for r in theirs]
    history = union_history(session, kind, record.id, theirs)
    conflicts = merges_in.conflicts(record.slug, history) if kind == "issue" else []
    result.warnings += conflicts
    if changed:  # a merge made again: the merged record's names are this one's
        taken = Namespace(session)
    mine = (taken.parties if kind == "party" else taken.issues).slugs[record.slug]
    for field in FIELDS[kind]:
        last = latest_change(history, field)
        if last is None or getattr(record, field) == last.new:
            continue
        value = last.new
        if field in NAMING[kind]:
            if value is None:
                continue  # a name is never cleared
            if field != "slug":
                value = catalog.name_text(value, field)
                if getattr(record, field) == value:
                    continue
            taken.claim(value, field, mine)
        setattr(record, field, value)
        changed += 1
    make = PartyAlias if kind == "party" else IssueAlias
    aliases = NameRows(record.aliases, lambda a: _named(make, a, "alias"), lambda r: r.alias)
    had = {key(a.alias) for a in record.aliases}
    changed += reconcile(
        aliases, present_values(history, revisions.ALIAS), lambda a: taken.claim(a, "alias", mine)
    )
    if isinstance(record, Issue):
        added = {key(a.alias) for a in record.aliases} - had
        differ = merges_in.mark_aliases(record, negated, added)
        if differ and not conflicts:
            result.warnings.append(merges_in.disagree(record.slug, differ))
        keywords = NameRows(
            record.keywords, lambda k: _named(Keyword, k, "keyword"), lambda r: r.keyword
        )
        changed += reconcile(keywords, present_values(history, revisions.KEYWORD), lambda k: None)
    catalog.flush_new(session, _taken(kind, record.slug))
    return changed


def _named(make: Callable[..., Any], name: str, what: str) -> Any:
    """An alias or keyword row for a name a file gives, checked and spelled
    as any name is (`catalog.name_text`)."""
    name = catalog.name_text(name, what)
    return make(**{"keyword" if what == "keyword" else "alias": name, "key": key(name)})


def _taken(kind: str, slug: str) -> dict[str, str]:
    """What `flush_new` says when another command took a name meanwhile."""
    return {
        f"{kind}.slug": f"{kind} {slug!r} already exists",
        f"{kind}_alias.key": f"an alias of {kind} {slug!r} now names another {kind}",
    }


def entries(
    records: list[Any], plural: str, field: str, needs: str
) -> Iterator[tuple[str, dict[str, Any], list[Revision]]]:
    """Each record of a file's list of `plural`, with its place (`parties[3]`)
    and its history: an object whose `field` is a text, or ImportFailed
    saying what it `needs`."""
    for n, record in enumerate(records):
        where = f"{plural}[{n}]"
        if not isinstance(record, dict) or not isinstance(record.get(field), str):
            raise ImportFailed(f"{where}: {needs}")
        yield where, record, read_history(record, where)


@contextmanager
def named_at(where: str) -> Iterator[None]:
    """The core's refusals of a record, named by its place in the file; a
    Conflict stays one (run again)."""
    try:
        yield
    except Conflict:
        raise
    except TrackerError as err:
        raise ImportFailed(f"{where}: {err}") from None


def keep_history(session: Session, kind: str, record_id: int, history: Sequence[Revision]) -> None:
    """A record made from the file: the file's history is its history."""
    if history:
        union_history(session, kind, record_id, history)


def import_parties(session: Session, records: list[Any], result: ImportResult) -> None:
    taken = Namespace(session)  # read once, kept up to date by what is made
    for where, p, history in entries(records, "parties", "slug", "a party needs a slug"):
        aliases = read_names(p, "aliases", where)
        with named_at(where):
            found = next(
                (
                    f
                    for name in lineage(p, history, "slug", "name")
                    if (f := taken.parties.find(name))
                ),
                None,
            )
            if found is None:
                with raced():
                    view = catalog.add_party(
                        session, p["slug"], p.get("name") or "", p.get("kind"), aliases,
                        p.get("description"), history=not history, taken=taken,
                    )  # fmt: skip
                result.parties_created.append(view.slug)
                keep_history(session, "party", taken.parties.slugs[view.slug].id, history)
            elif history:
                party = session.get(Party, found.id)
                assert party is not None
                with raced():
                    changes = _sync(session, "party", party, p["slug"], history, result, taken)
                result.catalog_changes += changes
                if changes:  # its names may have changed
                    taken = Namespace(session)


def import_issues(session: Session, records: list[Any], result: ImportResult) -> None:
    taken = Namespace(session)
    for where, i, history in entries(records, "issues", "slug", "an issue needs a slug"):
        keywords = read_names(i, "keywords", where)
        aliases = read_names(i, "aliases", where)
        negated = (
            {key(a) for a in read_names(i, merges_in.NEGATED_ALIASES, where)}
            if merges_in.NEGATED_ALIASES in i
            else None
        )
        with named_at(where):
            found = next(
                (
                    f
                    for name in lineage(i, history, "slug", "title")
                    if (f := taken.issues.find(name))
                ),
                None,
            )
            if found is None:
                with raced():
                    view = catalog.add_issue(
                        session, i["slug"], i.get("title") or "", i.get("proposition"),
                        i.get("description"), keywords, history=not history, taken=taken,
                    )  # fmt: skip
                result.issues_created.append(view.slug)
                mine = taken.issues.slugs[view.slug]
                issue = session.get(Issue, mine.id)
                assert issue is not None
                for alias in aliases:  # as the file has them: its slug may be one
                    alias = catalog.name_text(alias, "alias")
                    if key(alias) not in {a.key for a in issue.aliases}:
                        taken.claim(alias, "alias", mine)
                        marked = negated is not None and key(alias) in negated
                        issue.aliases.append(
                            IssueAlias(alias=alias, key=key(alias), negated=marked)
                        )
                        taken.issues.aliases[key(alias)] = mine
                with raced():
                    catalog.flush_new(session, _taken("issue", issue.slug))
                keep_history(session, "issue", issue.id, history)
            elif history:
                issue = session.get(Issue, found.id)
                assert issue is not None
                with raced():
                    changes = _sync(
                        session, "issue", issue, i["slug"], history, result, taken, negated
                    )
                result.catalog_changes += changes
                if changes:
                    taken = Namespace(session)
