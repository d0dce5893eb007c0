"""Correcting parties and issues, and removing them: each edit is one
transaction, and every change it makes is kept as a revision."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.core import drafts, revisions
from tracker.core.catalog import add_keywords as keywords_added
from tracker.core.catalog import (
    flush_new,
    get_issue,
    get_party,
    issue_view,
    name_text,
    party_view,
    text,
)
from tracker.core.names import Namespace, check_slug, key
from tracker.core.records import Edited, IssueView, PartyView
from tracker.db.models import Issue, IssueAlias, Party, PartyAlias
from tracker.db.schema import AFFILIATION, PERSON, STATEMENT
from tracker.errors import NotFound, TrackerError
from tracker.slugs import SLUG_LENGTH


def _rename(
    session: Session,
    record: Party | Issue,
    kind: str,
    slug: str,
    taken: Namespace,
    changes: list[revisions.Change],
) -> None:
    """A new slug; the old one stays a name of the record, as an alias, so that
    what was logged or written under it still finds it."""
    check_slug(slug)
    if slug == record.slug:
        return
    mine = (taken.parties if kind == "party" else taken.issues).slugs[record.slug]
    taken.claim(slug, "slug", mine)
    old = record.slug
    record.slug = slug
    changes.append(("slug", old, slug))
    if key(old) not in {a.key for a in record.aliases}:
        alias: PartyAlias | IssueAlias = (
            PartyAlias(alias=old, key=old) if kind == "party" else IssueAlias(alias=old, key=old)
        )
        record.aliases.append(alias)  # type: ignore[arg-type]
        changes.append((revisions.ALIAS, None, old))


def _edit_aliases(
    record: Party | Issue,
    add: Sequence[str],
    remove: Sequence[str],
    taken: Namespace,
    mine: object,
    changes: list[revisions.Change],
) -> list[str]:
    """Aliases removed and added; returns those asked for that already name
    the record (its slug, its name or an alias), left as they are."""
    had: list[str] = []
    display = record.name if isinstance(record, Party) else record.title
    for alias in remove:
        found = next((a for a in record.aliases if a.key == key(alias)), None)
        if found is None:
            raise NotFound(f"{alias!r} is not an alias of {record.slug!r}")
        record.aliases.remove(found)  # type: ignore[arg-type]
        changes.append((revisions.ALIAS, found.alias, None))
    for alias in add:
        alias = name_text(alias, "alias")
        if key(alias) in {a.key for a in record.aliases} | {record.slug, key(display)}:
            had.append(alias)  # already one of its names
            continue
        taken.claim(alias, "alias", mine)  # type: ignore[arg-type]
        new = (
            PartyAlias(alias=alias, key=key(alias))
            if isinstance(record, Party)
            else IssueAlias(alias=alias, key=key(alias))
        )
        record.aliases.append(new)  # type: ignore[arg-type]
        changes.append((revisions.ALIAS, None, alias))
    return had


def edit_party(
    session: Session,
    name: str,
    *,
    new_name: str | None = None,
    kind: str | None = None,
    description: str | None = None,
    add_aliases: Sequence[str] = (),
    remove_aliases: Sequence[str] = (),
    rename: str | None = None,
) -> Edited[PartyView]:
    """Correct a party, in one transaction, each change kept as a revision.
    An empty `kind` or `description` clears it."""
    party = get_party(session, name)
    taken = Namespace(session)
    mine = taken.parties.slugs[party.slug]
    changes: list[revisions.Change] = []
    if new_name is not None:
        new_name = name_text(new_name, "party name")
        taken.claim(new_name, "name", mine)
        changes.append(("name", party.name, new_name))
        party.name = new_name
    if kind is not None:
        changes.append(("kind", party.kind, text(kind, "kind", limit=SLUG_LENGTH)))
        party.kind = changes[-1][2]
    if description is not None:
        changes.append(("description", party.description, text(description, "description")))
        party.description = changes[-1][2]
    had = _edit_aliases(party, add_aliases, remove_aliases, taken, mine, changes)
    if rename is not None:
        _rename(session, party, "party", rename, taken, changes)
    flush_new(
        session,
        {
            "party.slug": f"party {party.slug!r} already exists",
            "party_alias.key": f"an alias of party {party.slug!r} now names another party",
        },
    )
    kept = revisions.record(session, "party", party.id, changes)
    return Edited(party_view(party), kept, tuple(had))


def statements_of(session: Session, issue_id: int, since: object = None) -> int:
    """How many statements were logged on an issue (since a moment, if given)."""
    query = select(func.count()).where(STATEMENT.c.issue_id == issue_id)
    if since is not None:
        query = query.where(STATEMENT.c.recorded_at >= since)
    return int(session.scalar(query) or 0)


def edit_issue(
    session: Session,
    name: str,
    *,
    title: str | None = None,
    proposition: str | None = None,
    force: bool = False,
    description: str | None = None,
    add_keywords: Sequence[str] = (),
    remove_keywords: Sequence[str] = (),
    rename: str | None = None,
) -> Edited[IssueView]:
    """Correct an issue, in one transaction, each change kept as a revision.
    A proposition that statements were logged against changes only with
    `force`; its earlier wordings stay in the history."""
    issue = get_issue(session, name)
    taken = Namespace(session)
    mine = taken.issues.slugs[issue.slug]
    changes: list[revisions.Change] = []
    if title is not None:
        title = name_text(title, "issue title")
        taken.claim(title, "title", mine)
        changes.append(("title", issue.title, title))
        issue.title = title
    if proposition is not None:
        wording = text(proposition, "proposition")
        if wording != issue.proposition:
            _check_rewording(session, issue, force)
            changes.append(("proposition", issue.proposition, wording))
            issue.proposition = wording
    if description is not None:
        changes.append(("description", issue.description, text(description, "description")))
        issue.description = changes[-1][2]
    for keyword in remove_keywords:
        found = next((k for k in issue.keywords if k.key == key(keyword)), None)
        if found is None:
            raise NotFound(f"{keyword!r} is not a keyword of issue {issue.slug!r}")
        issue.keywords.remove(found)
        changes.append((revisions.KEYWORD, found.keyword, None))
    added = keywords_added(issue, add_keywords)
    changes += [(revisions.KEYWORD, None, k) for k in added]
    had = [k for k in add_keywords if k.strip() not in added]
    if rename is not None:
        _rename(session, issue, "issue", rename, taken, changes)
    flush_new(session, {"issue.slug": f"issue {issue.slug!r} already exists"})
    kept = revisions.record(session, "issue", issue.id, changes)
    return Edited(issue_view(issue), kept, tuple(had))


def _check_rewording(session: Session, issue: Issue, force: bool) -> None:
    """A proposition is what a stance means: statements logged against this
    wording would come to mean something else."""
    history = revisions.history(session, "issue", issue.id)
    current = revisions.wordings(history, issue.proposition)[-1]
    logged = statements_of(session, issue.id, current.start)
    if logged and not force:
        said = f"{logged} statement{'s were' if logged != 1 else ' was'} logged"
        if issue.proposition is None:
            raise TrackerError(
                f"{said} on issue {issue.slug!r} while it had no proposition; giving it one "
                "sets what their stances mean, and needs --force"
            )
        raise TrackerError(
            f"{said} against the current proposition of issue {issue.slug!r}; changing "
            "what their stances mean needs --force (the current wording is kept in the "
            "issue's history)"
        )


def remove_party(session: Session, name: str) -> PartyView:
    """Remove a party that no statement and no person refers to."""
    party = get_party(session, name)
    count = int(session.scalar(select(func.count()).where(STATEMENT.c.party_id == party.id)) or 0)
    if count:
        raise TrackerError(
            f"party {party.slug!r} has {count} statement{'s' if count != 1 else ''}: to fold "
            f"it into another party, use 'tracker party merge {party.slug} OTHER'"
        )
    people = session.scalars(
        select(PERSON.c.name)
        .join(AFFILIATION, AFFILIATION.c.person_id == PERSON.c.id)
        .where(AFFILIATION.c.party_id == party.id)
        .distinct()
    ).all()
    if people:
        raise TrackerError(
            f"party {party.slug!r} is the party of {', '.join(sorted(people))}: to fold it "
            f"into another party, use 'tracker party merge {party.slug} OTHER'"
        )
    put_forward = drafts.versions_by(session, party.id)
    if put_forward:
        raise TrackerError(
            f"party {party.slug!r} put forward draft versions ({', '.join(put_forward)}): to "
            f"fold it into another party, use 'tracker party merge {party.slug} OTHER'"
        )
    view = party_view(party)
    revisions.forget(session, "party", party.id)
    session.delete(party)
    session.flush()
    return view


def remove_issue(session: Session, name: str) -> IssueView:
    """Remove an issue that no statement refers to (and its links to draft points)."""
    issue = get_issue(session, name)
    count = statements_of(session, issue.id)
    if count:
        raise TrackerError(
            f"issue {issue.slug!r} has {count} statement{'s' if count != 1 else ''}: to fold "
            f"it into another issue, use 'tracker issue merge {issue.slug} OTHER'"
        )
    view = issue_view(issue)
    drafts.forget_issue(session, issue.id)
    revisions.forget(session, "issue", issue.id)
    session.delete(issue)
    session.flush()
    return view
