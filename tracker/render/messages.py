"""The sentences commands print about what they did: a statement added or
retracted, a party or an issue added, an import, a backup, the demo. Stored
text in them is made safe for a terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.types import Added, IssueView, PartyView, Retracted
from tracker.stance import label
from tracker.text import terminal_text

if TYPE_CHECKING:
    from tracker.core.backup import Backup


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
    return f"Added statement #{s.id} ({s.stated_on.isoformat()}).\n{effect}"


def retracted(done: Retracted) -> str:
    s, now = done.statement, done.current
    current = (
        f"{label(now.score)} (#{now.id}, {now.stated_on.isoformat()})" if now else "no position"
    )
    return (
        f"Retracted statement #{s.id} ({s.party} on {s.issue}, {s.stance}, "
        f"{s.stated_on.isoformat()}).\n{s.party} on {s.issue} now: {current}"
    )


def party_added(view: PartyView) -> str:
    also = f" (also {', '.join(view.aliases)})" if view.aliases else ""
    return f"Added party {view.slug}: {terminal_text(view.name)}{terminal_text(also)}"


def issue_added(view: IssueView) -> str:
    line = f"Added issue {view.slug}: {terminal_text(view.title)}"
    if view.proposition is None:
        line += "\nTip: give it a --proposition next time; it is what makes stances comparable."
    return line


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
) -> str:
    verb = "Would add" if dry_run else "Added"
    parts = [f"{verb} {added:,} statement{'s' if added != 1 else ''}"]
    if skipped:
        parts.append(f"skipped {skipped:,} already present")
    create = "would create" if dry_run else "created"
    if parties_created:
        parts.append(f"{create} {_some(parties_created, 'party', 'parties')}")
    if issues_created:
        parts.append(f"{create} {_some(issues_created, 'issue', 'issues')}")
    return "; ".join(parts) + "."


def upkeep_failed(reason: str) -> str:
    return (
        f"Warning: the statements are imported, but refreshing the table's statistics "
        f"did not finish ({reason}); reports may be slower until the server does it."
    )


def exported(count: int, output: Path) -> str:
    return f"Exported {count} statements to {output}"


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
