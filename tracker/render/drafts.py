"""Drafts as text: the sentences `tracker draft` prints about what it did,
and what the table and markdown formats share to lay out `draft show`,
`draft diff` and `search --drafts`. Stored text is escaped by the caller's
`cell` (`terminal_text` for a terminal, `markdown_text` for Markdown)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tracker.render.textual import markdown_text, wrap
from tracker.text import shorten, terminal_text

if TYPE_CHECKING:
    from tracker.core.draft_types import (
        AddedVersion,
        DraftDiff,
        DraftFound,
        DraftRef,
        DraftShow,
        IssueStanding,
        Relinked,
        Segment,
        VersionView,
    )
    from tracker.core.types import ImportResult

Escape = Callable[[Any], str]
TEXT_WIDTH = 60  # a point's text, in a terminal
ISSUES_WIDTH = 44


def one_line(text: str) -> str:
    """A point's lines (its sub-items) as one line, each run of blanks one space."""
    return " ".join(text.split())


# --- what the commands did ------------------------------------------------------------


def draft_added(draft: DraftRef, hint: bool = True) -> str:
    """What `draft add` did; `hint`: and the command that adds its text."""
    said = f"Added draft {draft.slug} ({terminal_text(draft.title)})."
    if hint:
        said += f" Add its text with 'tracker draft version {draft.slug} FILE --label L --date D'."
    return said


def version_added(done: AddedVersion) -> str:
    v = done.version
    points = f"{done.points} point{'s' if done.points != 1 else ''}"
    links = done.found + done.inherited
    said = (
        f"Added version {terminal_text(v.label)} of {done.draft.slug} "
        f"({v.dated_on.isoformat()}, {points}); {links} link{'s' if links != 1 else ''} "
        f"to issues: {done.found} found in its text"
    )
    if done.previous is not None:
        said += f", {done.inherited} inherited from {terminal_text(done.previous)}"
    return said + "."


def withdrawn(draft: DraftRef, v: VersionView) -> str:
    return (
        f"Withdrew version {terminal_text(v.label)} of {draft.slug} "
        f"({v.dated_on.isoformat()}): {terminal_text(v.withdrawal_reason)}. "
        "It stays in 'tracker draft versions'."
    )


def relinked(done: Relinked) -> str:
    where = f"point {done.number} of {done.draft.slug} {terminal_text(done.version.label)}"
    verb, already = ("Linked", "already linked") if done.linked else ("Unlinked", "not linked")
    parts = []
    if done.changed:
        parts.append(f"{verb} {where} {'to' if done.linked else 'from'} {', '.join(done.changed)}.")
    if done.unchanged:
        parts.append(f"{where.capitalize()} was {already}: {', '.join(done.unchanged)}.")
    return " ".join(parts)


def imported(result: ImportResult, dry_run: bool) -> str:
    """ "Added 2 draft versions (1 new draft); skipped 1 already present."."""
    verb = "Would add" if dry_run else "Added"
    n = result.versions_added
    said = f"{verb} {n} draft version{'s' if n != 1 else ''}"
    if result.drafts_created:
        k = len(result.drafts_created)
        said += f" ({k} new draft{'s' if k != 1 else ''}: {', '.join(result.drafts_created)})"
    if result.versions_skipped:
        skipped = "would skip" if dry_run else "skipped"
        said += f"; {skipped} {result.versions_skipped} already present"
    if result.versions_withdrawn:
        made = "would withdraw" if dry_run else "withdrew"
        said += f"; {made} {result.versions_withdrawn} of them as the file does"
    return said + "."


# --- show -------------------------------------------------------------------------


def version_line(draft: DraftRef, v: VersionView) -> str:
    by = f", by {', '.join(v.by)}" if v.by else ""
    return f"{draft.title} ({draft.slug}): version {v.label} of {v.dated_on.isoformat()}{by}"


def standing_text(i: IssueStanding) -> str:
    """`donbas (deadlocked): russia demands, ukraine rejects`."""
    stances = ", ".join(f"{p.slug} {label_of(s)}" for p, s in i.stances)
    kind = f" ({i.kind})" if i.kind else ""
    return f"{i.issue.slug}{kind}" + (f": {stances}" if stances else ": no stances")


def label_of(score: int) -> str:
    from tracker.stance import label

    return label(score)


def show_head(show: DraftShow, cell: Escape) -> list[str]:
    lines = [cell(version_line(show.draft, show.version))]
    if show.version.source:
        lines.append(cell(f"Source: {show.version.source}"))
    lines.append(f"Issues as of {show.as_of.isoformat()}")
    if show.preamble:
        lines += ["", cell(f"Preamble: {show.preamble}")]
    return lines


def show_rows(show: DraftShow, cell: Escape, fit: bool) -> list[list[str]]:
    """A row per point: its number, its text, its issues (each on a line of
    its own where the output keeps lines)."""
    rows = []
    for p in show.points:
        text = one_line(cell(p.text))
        issues = [cell(standing_text(i)) for i in p.issues]
        if fit:
            text = wrap(text, TEXT_WIDTH)
            issues = [wrap(i, ISSUES_WIDTH) for i in issues]
        rows.append([str(p.number), text, ("\n" if fit else "; ").join(issues)])
    return rows


SHOW_HEADERS = ("#", "point", "issues")

# --- diff -------------------------------------------------------------------------

DIFF_HEADERS = ("change", "from", "to", "text", "issues")
# How a word diff is marked in text: removed words [-so-], added ones {+so+}
# (as `wdiff` does), in red and green too on a colour terminal.
MARKS = {"removed": ("[-", "-]"), "added": ("{+", "+}")}
MARKDOWN_MARKS = {"removed": ("~~", "~~"), "added": ("**", "**")}
COLOURS = {"removed": "\x1b[31m", "added": "\x1b[32m"}


def marked(
    segments: Sequence[Segment], cell: Escape, marks: dict[str, tuple[str, str]], colour: bool
) -> str:
    out = []
    for kind, text in segments:
        shown = cell(text)
        if kind in marks:
            core = shown.strip()
            if core:
                start, end = marks[kind]
                if colour:
                    start, end = COLOURS[kind] + start, end + "\x1b[0m"
                shown = shown.replace(core, f"{start}{core}{end}", 1)
        out.append(shown)
    return "".join(out)


def diff_head(d: DraftDiff) -> str:
    counts = d.counts()
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return (
        f"{d.draft.slug}: {d.old.label} ({d.old.dated_on.isoformat()}) -> "
        f"{d.new.label} ({d.new.dated_on.isoformat()}): {summary}"
    )


def diff_rows(
    d: DraftDiff, cell: Escape, marks: dict[str, tuple[str, str]], colour: bool, fit: bool
) -> list[list[str]]:
    rows = []
    for p in d.points:
        if p.segments:
            text = one_line(marked(p.segments, cell, marks, colour))
        else:
            text = one_line(cell(p.text_to if p.text_to is not None else p.text_from))
        if fit and not colour:
            text = wrap(text, TEXT_WIDTH)
        rows.append(
            [
                p.change,
                "" if p.number_from is None else str(p.number_from),
                "" if p.number_to is None else str(p.number_to),
                text,
                ", ".join(p.issues),
            ]
        )
    return rows


# --- search --drafts ----------------------------------------------------------------

SEARCH_HEADERS = ("draft", "version", "date", "point", "text")


def search_rows(found: DraftFound, markdown: bool) -> list[list[str]]:
    cell = markdown_text if markdown else terminal_text
    return [
        [h.draft, cell(h.label), h.dated_on.isoformat(), str(h.number),
         one_line(cell(h.text)) if markdown else shorten(one_line(cell(h.text)), TEXT_WIDTH)]
        for h in found.hits
    ]  # fmt: skip
