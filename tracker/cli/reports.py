"""`tracker report` and `tracker diff`."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import DATE, INSTANT, app, emit, output_options, style
from tracker.core import positions
from tracker.core.agreement import standing
from tracker.core.briefing import DEFAULT_TIMELINES, briefing

# Options report and diff share.
KNOWN_AT = click.option(
    "--known-at",
    type=INSTANT,
    help="Only what had been logged by then (a date means the end of that day, UTC).",
)
PARTIES = click.option(
    "--party",
    "-p",
    "parties",
    multiple=True,
    shell_complete=complete.parties,
    help="Only these parties (repeatable).",
)
ISSUES = click.option(
    "--issue",
    "-i",
    "issues",
    multiple=True,
    shell_complete=complete.issues,
    help="Only these issues (repeatable).",
)


@click.command()
@click.option(
    "--as-of",
    type=DATE,
    default="today",
    show_default=True,
    help="The date to report: YYYY-MM-DD, today, yesterday.",
)
@KNOWN_AT
@PARTIES
@ISSUES
@click.option("--detail", is_flag=True, help="Show each stance's date and conditions.")
@click.option("--transpose", is_flag=True, help="Parties in rows, issues in columns.")
@click.option(
    "--timelines",
    type=click.IntRange(min=0),
    default=DEFAULT_TIMELINES,
    show_default=True,
    metavar="N",
    help="html: draw the timelines of at most the first N issues (0: all).",
)
@click.option(
    "--show-retracted",
    is_flag=True,
    help="html: draw retracted statements in the timelines, struck through, with the reason.",
)
@output_options("report", output=True)
def report(
    as_of: dt.date,
    known_at: dt.datetime | None,
    parties: tuple[str, ...],
    issues: tuple[str, ...],
    detail: bool,
    transpose: bool,
    timelines: int,
    show_retracted: bool,
    fmt: str,
    tablefmt: str | None,
    output: Path | None,
) -> None:
    """Where everyone stands: the stance of each party on each issue as of a date.

    --format html writes a page to share: the stances as a colour-coded matrix,
    each cell with its statement, where a deal is possible, who stands with
    whom, the drafts on the table, and a timeline per issue."""
    from tracker.core.draft_views import report_drafts

    with app().db.session() as session:
        rep = positions.report(session, as_of, known_at, parties, issues, statements=detail)
        page = partial(briefing, session, rep, timelines or None, show_retracted)
        drafts = partial(report_drafts, session, rep)
        view = render.ReportView(detail, transpose, page, partial(standing, rep), drafts)
        text = render.report(rep, fmt, style(tablefmt, output), view)
    emit(text, output)


@click.command()
@click.argument("start", metavar="FROM", type=DATE)
@click.argument("end", metavar="TO", type=DATE)
@PARTIES
@ISSUES
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="Also list pairs that reaffirmed or kept their stance.",
)
@KNOWN_AT
@output_options("diff", output=True)
def diff(
    start: dt.date,
    end: dt.date,
    parties: tuple[str, ...],
    issues: tuple[str, ...],
    include_all: bool,
    known_at: dt.datetime | None,
    fmt: str,
    tablefmt: str | None,
    output: Path | None,
) -> None:
    """What moved between FROM and TO: who hardened, softened, reversed; which
    issues converge. --format html writes it as a page to share."""
    if end < start:
        raise click.BadParameter(
            f"TO ({end.isoformat()}) is before FROM ({start.isoformat()})", param_hint="'TO'"
        )
    with app().db.session() as session:
        d = positions.diff(session, start, end, known_at, parties, issues, include_all)
    emit(render.diff(d, fmt, style(tablefmt, output)), output)
