"""The sentences commands print about what they did: a statement added or
retracted, a party or an issue added, an import, a backup, the demo. Stored
text in them is made safe for a terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.core.types import Added, Backup, Retracted
from tracker.stance import label
from tracker.text import terminal_text

if TYPE_CHECKING:  # core.records is not loaded for `add`
    from tracker.core.records import (
        Affiliation,
        Edited,
        IssueView,
        Merged,
        PartyView,
        PersonView,
    )  # fmt: skip
    from tracker.read.types import Unknown


def added(done: Added) -> str:
    """ "Added statement #7 (2025-11-30)." and what it changed:
    "ukraine on donbas: opposes -> rejects, hardened"."""
    s = done.statement
    pair = f"{s.party} on {s.issue}"
    if done.before is None:
        effect = f"{pair}: {s.stance} (new)"
    elif done.before.score == s.score:
        effect = f"{pair}: {s.stance}, reaffirmed"
    else:
        effect = f"{pair}: {done.before.stance} -> {s.stance}, {done.change}"
    if done.superseded_by is not None:
        later = done.superseded_by
        effect += (
            f"; the current stance is still {later.stance}, from the later statement "
            f"#{later.id} of {later.stated_on.isoformat()}"
        )
    said = f"Added statement #{s.id} ({s.stated_on.isoformat()}).\n{effect}"
    if done.negated_by is not None:
        said += (
            f"\nLogged on {s.issue} as {s.stance} ({terminal_text(repr(done.negated_by))} "
            f"asks the opposite question: merged into {s.issue} with --negate)."
        )
    if done.person is not None:
        said += (
            f"\nSpeaker: {terminal_text(s.speaker)}, for {terminal_text(done.party_name)} "
            f"on {s.stated_on.isoformat()}"
        )
    return said


def retracted(done: Retracted) -> str:
    s, now = done.statement, done.current
    current = (
        f"{label(now.score)} (#{now.id}, {now.stated_on.isoformat()})" if now else "no position"
    )
    return (
        f"Retracted statement #{s.id} ({s.party} on {s.issue}, {s.stance}, "
        f"{s.stated_on.isoformat()}).\n{s.party} on {s.issue} now: {current}"
    )


def _also(name: str, aliases: Sequence[str]) -> str:
    """ " (also Kyiv, Kiev)": the aliases but one spelled as the name itself
    (a party renamed onto its own alias keeps the alias)."""
    same = " ".join(name.split()).casefold()
    others = [a for a in aliases if " ".join(a.split()).casefold() != same]
    return f" (also {', '.join(others)})" if others else ""


def party_added(view: PartyView) -> str:
    also = _also(view.name, view.aliases)
    return f"Added party {view.slug}: {terminal_text(view.name)}{terminal_text(also)}"


def issue_added(view: IssueView) -> str:
    line = f"Added issue {view.slug}: {terminal_text(view.title)}"
    if view.proposition is None:
        line += (
            f"\nTip: give it a proposition ('tracker issue edit {view.slug} --proposition ...'): "
            "it is what makes stances comparable."
        )
    return line


def _edited(done: Edited[Any], had: str, what: str, updated: str) -> str:
    """What an edit did: the names it was asked to add that the record (`what`)
    already had (each followed by `had`: "already names party x"), then the
    record as `updated` says it now, or that nothing changed."""
    lines = [f"{terminal_text(repr(name))} {had}" for name in done.had]
    if done.changes:
        return "\n".join([*(f"{line}." for line in lines), updated])
    if lines:
        return "\n".join(f"{line}: nothing changed." for line in lines)
    return f"Nothing changed in {what}."


def party_edited(done: Edited[PartyView]) -> str:
    view = done.record
    also = _also(view.name, view.aliases)
    return _edited(
        done,
        f"already names party {view.slug}",
        f"party {view.slug}",
        f"Updated party {view.slug}: {terminal_text(view.name)}{terminal_text(also)}",
    )


def issue_edited(done: Edited[IssueView]) -> str:
    view = done.record
    return _edited(
        done,
        f"is already a keyword of issue {view.slug}",
        f"issue {view.slug}",
        f"Updated issue {view.slug}: {terminal_text(view.title)}",
    )


def merged(kind: str, done: Merged[PartyView] | Merged[IssueView]) -> str:
    moved = f"{done.statements} statement{'s' if done.statements != 1 else ''} moved"
    if done.negated:
        moved += ", its stance negated" if done.statements == 1 else ", their stances negated"
    names = f"; it now also answers to {terminal_text(', '.join(done.names))}" if done.names else ""
    said = f"Merged {kind} {done.source} into {done.into.slug}: {moved}{names}"
    return said if said.endswith(".") else said + "."  # "U.S." ends the sentence too


def removed(kind: str, slug: str) -> str:
    return f"Removed {kind} {slug}."


def affiliations(person: PersonView) -> str:
    """ "eu (since 2024-12-01); estonia, prime minister (2021-01-26 to 2024-07-15)"."""
    return "; ".join(span(a) for a in reversed(person.affiliations))


def span(a: Affiliation) -> str:
    role = f", {terminal_text(a.role)}" if a.role else ""
    if a.start is None and a.end is None:
        when = ""
    elif a.end is None:
        when = f" (since {a.start})"
    elif a.start is None:
        when = f" (until {a.end})"
    else:
        when = f" ({a.start} to {a.end})"
    return f"{a.party}{role}{when}"


def person_added(view: PersonView) -> str:
    return f"Added person {terminal_text(view.name)}: {affiliations(view)}"


def person_affiliated(view: PersonView) -> str:
    return f"{terminal_text(view.name)}: {affiliations(view)}"


def person_edited(done: Edited[PersonView]) -> str:
    view = done.record
    name = terminal_text(view.name)
    also = _also(view.name, view.aliases)
    return _edited(
        done,
        f"already names person {name}",
        f"person {name}",
        f"Updated person {name}{terminal_text(also)}",
    )


def _some(slugs: Sequence[str], one: str, many: str, shown: int = 10) -> str:
    """'issues a, b' or, for a long list, 'issues a, b, … (500 in all)'."""
    noun = one if len(slugs) == 1 else many
    if len(slugs) <= shown:
        return f"{noun} {', '.join(slugs)}"
    return f"{len(slugs)} {noun} ({', '.join(slugs[:shown])}, …)"


def imported(
    added: int,
    skipped: int,
    parties_created: Sequence[str],
    issues_created: Sequence[str],
    dry_run: bool,
    retracted: int = 0,
    people_created: Sequence[str] = (),
    catalog_changes: int = 0,
) -> str:
    verb = "Would add" if dry_run else "Added"
    parts = [f"{verb} {added:,} statement{'s' if added != 1 else ''}"]
    if skipped:
        parts.append(f"{'would skip' if dry_run else 'skipped'} {skipped:,} already present")
    if retracted:
        made = "would retract" if dry_run else "retracted"
        parts.append(f"{made} {retracted:,} of them as the file does")
    create = "would create" if dry_run else "created"
    if parties_created:
        parts.append(f"{create} {_some(parties_created, 'party', 'parties')}")
    if issues_created:
        parts.append(f"{create} {_some(issues_created, 'issue', 'issues')}")
    if people_created:
        parts.append(f"{create} {terminal_text(_some(people_created, 'person', 'people'))}")
    if catalog_changes:
        applied = "would apply" if dry_run else "applied"
        changes = f"{catalog_changes:,} change{'s' if catalog_changes != 1 else ''}"
        parts.append(f"{applied} {changes} to the catalog")
    return "; ".join(parts) + "."


def import_warning(said: str) -> str:
    return f"Warning: {terminal_text(said)}"


def upkeep_failed(reason: str) -> str:
    return (
        f"Warning: the statements are imported, but refreshing the table's statistics "
        f"did not finish ({reason}); reports may be slower until the server does it."
    )


def indexing_for_search() -> str:
    return "Indexing the statements added since the last search, for search (once)..."


def not_indexed(reason: str) -> str:
    return f"Warning: could not index them now ({reason}); searching the statements indexed."


def exported(count: int, output: Path) -> str:
    return f"Exported {count} statement{'s' if count != 1 else ''} to {output}"


def backed_up(name: str, done: Backup) -> str:
    count = f"{done.statements} statement{'s' if done.statements != 1 else ''}"
    if done.kind == "sqlite":
        return f"Backed up {name} ({count}, schema {done.revision}) to {done.path}."
    return (
        f"Backed up {name} ({count}, schema {done.revision}) as JSON to "
        f"{done.path}; restore into an empty database with 'tracker import'."
    )


def demo_intro(statements: int, parties: int, issues: int) -> str:
    return (
        f"Demo: the 2025 Ukraine–Russia peace talks ({statements} statements, "
        f"{parties} parties, {issues} issues)."
    )


def demo_next_steps(
    pages: Sequence[Path], seed: Path, first: dt.date, last: dt.date, kept: Path | None
) -> str:
    lines = ["The same as pages to open in a browser, mail or print:"]
    lines += [f"  {page.resolve().as_uri()}" for page in pages]
    lines += [
        "",
        "Load the same data into your own database:",
        f"  tracker import {seed}",
        f"Then try: tracker report --as-of {last.isoformat()}, tracker history ukraine donbas,",
        f"          tracker diff {first.isoformat()} {last.isoformat()} --format markdown",
        f"          tracker outlook --as-of {last.isoformat()}, tracker align --as-of {last.isoformat()},",
        f"          tracker report --as-of {last.isoformat()} --format html --output report.html",
    ]
    if kept is not None:
        lines.append(f"The demo database is kept at {kept} (tracker --db {kept} ...).")
    return "\n".join(lines)


# --- tracker read ------------------------------------------------------------


def no_date(source: str) -> str:
    return (
        f"found no date in {terminal_text(source)} (no publication date, no dateline): "
        "give --date YYYY-MM-DD"
    )


def accept_all_warning() -> str:
    return (
        "Warning: --accept all logs every proposal unreviewed, and a statement once logged "
        "can only be retracted; --min-confidence X keeps only the surer ones."
    )


def too_few(number: int, count: int) -> str:
    return f"there is no proposal {number}: the text gave {count}"


REVIEW_KEYS = "[a]ccept, [e]dit, [s]kip, [q]uit"


def review_prompt() -> str:
    return REVIEW_KEYS


def edit_hint() -> str:
    return "Edit each field (Enter keeps it; '-' clears an optional one):"


def not_logged(number: int, reason: str) -> str:
    return f"proposal {number}: {reason}; nothing was logged"


def already_held(number: int) -> str:
    return f"Proposal {number} is already in the database: skipped."


def review_done(logged: int, shown: int) -> str:
    return f"Logged {logged} of {shown} proposal{'s' if shown != 1 else ''}."


def not_in_catalog(unknown: Sequence[Unknown]) -> str:
    """The names a text gave that the catalog lacks, each with the command that adds it."""
    from tracker.render.reader_layout import unknown_lines

    lines = [terminal_text(line) for line in unknown_lines(unknown)]
    return "Not in the catalog:\n" + "\n".join(f"  {line}" for line in lines)
