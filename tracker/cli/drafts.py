"""`tracker draft ...`: the texts under negotiation, their versions, and what
changed between them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import (
    DATE,
    STATEMENT_DATE,
    app,
    emit,
    output_options,
    reads_once,
    required_text,
    slug_argument,
    style,
)
from tracker.render import drafts as said

POINT = click.IntRange(min=0, max=2**31 - 1)
VERSION = click.option(
    "--version", "label", metavar="L", help="The version, by its label (default: the latest)."
)


@click.group()
def draft() -> None:
    """The texts under negotiation: drafts, their versions, and what changed
    between them.

    \b
    tracker draft add plan --title "Peace framework"
    tracker draft version plan v1.txt --label v1 --date 2025-11-20 --by usa
    tracker draft diff plan
    """


@draft.command("add")
@click.argument("slug", callback=slug_argument)
@click.option("--title", required=True, callback=required_text, help="e.g. 'Peace framework'.")
@click.option("--description", help="Free text.")
def draft_add(slug: str, title: str, description: str | None) -> None:
    """Add a draft named SLUG (lowercase letters, digits, '-'); its texts
    come as versions (`draft version`)."""
    from tracker.core import drafts

    with app().db.session(write=True) as session:
        done = drafts.add_draft(session, slug, title, description)
    click.echo(said.draft_added(done))


@draft.command("version")
@click.argument("slug", metavar="SLUG")
@click.argument("source_arg", metavar="FILE|-|URL")
@click.option("--label", required=True, callback=required_text, help="e.g. v2, 'Geneva'.")
@click.option("--date", "-d", "dated_on", required=True, type=STATEMENT_DATE, help="Its date.")
@click.option(
    "--by",
    "parties",
    multiple=True,
    metavar="PARTY",
    shell_complete=complete.parties,
    help="A party that put it forward (repeatable).",
)
@click.option("--source", "cite", help="Where the text comes from (default: the URL read).")
def draft_version(
    slug: str,
    source_arg: str,
    label: str,
    dated_on: dt.date,
    parties: tuple[str, ...],
    cite: str | None,
) -> None:
    """Add a version of draft SLUG: its text from FILE (text, Markdown or
    HTML), - for standard input, or an http(s) URL (fetched, and its text
    extracted, as `tracker read` does). Stored verbatim and never edited:
    one added in error is withdrawn (`draft withdraw`)."""
    from tracker.core import drafts
    from tracker.read import source

    if source_arg == "-":
        reads_once()
    doc = source.load(source_arg, sys.stdin.buffer)
    where = "standard input" if source_arg == "-" else source_arg
    cite = cite or (doc.url if source.is_url(source_arg) else None)
    with app().db.session(write=True) as session:
        done = drafts.add_version(session, slug, doc.stored, label, dated_on, parties, cite, where)
    click.echo(said.version_added(done))


@draft.command("withdraw")
@click.argument("slug", metavar="SLUG")
@click.argument("label", metavar="LABEL")
@click.option("--reason", required=True, callback=required_text, help="Why (kept with it).")
def draft_withdraw(slug: str, label: str, reason: str) -> None:
    """Withdraw version LABEL of draft SLUG, added in error: it stays in
    `draft versions` with the reason, and nothing else reads it."""
    from tracker.core import draft_store, drafts

    with app().db.session(write=True) as session:
        version = drafts.withdraw(session, slug, label, reason)
        draft_ref = draft_store.get_draft(session, slug)
    click.echo(said.withdrawn(draft_ref, version))


@draft.command("list")
@output_options("records")
def draft_list(fmt: str, tablefmt: str | None) -> None:
    """List the drafts: how many versions each has, and the latest."""
    from tracker.core import draft_views

    with app().db.session() as session:
        found = draft_views.list_drafts(session)
    listing = render.Records(
        ("slug", "title", "versions", "latest"),
        [(d.draft.slug, d.draft.title, d.versions, d.latest) for d in found],
        [d.to_json() for d in found],
    )
    emit(render.records(listing, fmt, style(tablefmt)))


@draft.command("versions")
@click.argument("slug", metavar="SLUG")
@output_options("records")
def draft_versions(slug: str, fmt: str, tablefmt: str | None) -> None:
    """Every version of draft SLUG, oldest first, withdrawn ones too: when
    and by whom each was recorded, and why one was withdrawn."""
    from tracker.core import draft_views

    with app().db.session() as session:
        found = draft_views.draft_versions(session, slug)
    rows = [
        (v.label, v.dated_on.isoformat(), " ".join(v.by), v.source, v.recorded_by,
         f"{v.withdrawn_at:%Y-%m-%d}: {v.withdrawal_reason}" if v.withdrawn_at else "")
        for v in found.versions
    ]  # fmt: skip
    listing = render.Records(
        ("label", "date", "by", "source", "recorded_by", "withdrawn"),
        rows,
        [v.history_json() for v in found.versions],
    )
    emit(render.records(listing, fmt, style(tablefmt)))


@draft.command("show")
@click.argument("slug", metavar="SLUG")
@VERSION
@click.option(
    "--as-of",
    type=DATE,
    help="The latest version dated on or before this date, and the stances then "
    "(default: the latest version, the stances at its date).",
)
@output_options("draft_show", output=True)
def draft_show(
    slug: str,
    label: str | None,
    as_of: dt.date | None,
    fmt: str,
    tablefmt: str | None,
    output: Path | None,
) -> None:
    """A version's points, each with the issues it settles: their outlook
    class and who stands where. --format html: every version up to it side
    by side."""
    from tracker.core import draft_views

    with app().db.session() as session:
        shown = draft_views.show(session, slug, label, as_of, side_by_side=fmt == "html")
    emit(render.document("draft_show", shown, fmt, style(tablefmt, output)), output)


@draft.command("diff")
@click.argument("slug", metavar="SLUG")
@click.argument("labels", metavar="[FROM_LABEL TO_LABEL]", nargs=-1)
@output_options("draft_diff", output=True)
def draft_diff(
    slug: str, labels: tuple[str, ...], fmt: str, tablefmt: str | None, output: Path | None
) -> None:
    """What changed between two versions (default: the two latest): each
    point unchanged, reworded (word by word), removed or added, paired by
    what it says, not by its number."""
    from tracker.core import draft_views

    if len(labels) not in (0, 2):
        raise click.UsageError("give two labels, FROM_LABEL and TO_LABEL, or none")
    old, new = labels if labels else (None, None)
    with app().db.session() as session:
        found = draft_views.diff(session, slug, old, new, side_by_side=fmt == "html")
    emit(render.document("draft_diff", found, fmt, style(tablefmt, output)), output)


def _relink(
    slug: str, point: int, issues: tuple[str, ...], label: str | None, linked: bool
) -> None:
    from tracker.core import drafts

    with app().db.session(write=True) as session:
        done = drafts.relink(session, slug, point, issues, label, linked)
    click.echo(said.relinked(done))


@draft.command("link")
@click.argument("slug", metavar="SLUG")
@click.argument("point", type=POINT)
@click.argument(
    "issues", metavar="ISSUE...", nargs=-1, required=True, shell_complete=complete.issues
)
@VERSION
def draft_link(slug: str, point: int, issues: tuple[str, ...], label: str | None) -> None:
    """Link point POINT (its number) of a version to these issues."""
    _relink(slug, point, issues, label, linked=True)


@draft.command("unlink")
@click.argument("slug", metavar="SLUG")
@click.argument("point", type=POINT)
@click.argument(
    "issues", metavar="ISSUE...", nargs=-1, required=True, shell_complete=complete.issues
)
@VERSION
def draft_unlink(slug: str, point: int, issues: tuple[str, ...], label: str | None) -> None:
    """Unlink point POINT (its number) of a version from these issues."""
    _relink(slug, point, issues, label, linked=False)
