"""`tracker report` and `tracker diff`."""

from __future__ import annotations

import datetime as dt

import click

from tracker import render
from tracker.cli.options import (
    DATE,
    INSTANT,
    app,
    emit,
    output_options,
    terminal_width,
    use_colour,
)
from tracker.core import positions


@click.command()
@click.option(
    "--as-of",
    type=DATE,
    default="today",
    show_default=True,
    help="The date to report: YYYY-MM-DD, today, yesterday.",
)
@click.option(
    "--known-at",
    type=INSTANT,
    help="Only what had been logged by then (a date means the end of that day, UTC).",
)
@click.option("--party", "-p", "parties", multiple=True, help="Only these parties (repeatable).")
@click.option("--issue", "-i", "issues", multiple=True, help="Only these issues (repeatable).")
@click.option("--detail", is_flag=True, help="Show each stance's date and conditions.")
@click.option("--transpose", is_flag=True, help="Parties in rows, issues in columns.")
@output_options()
def report(
    as_of: dt.date,
    known_at: dt.datetime | None,
    parties: tuple[str, ...],
    issues: tuple[str, ...],
    detail: bool,
    transpose: bool,
    fmt: str,
    tablefmt: str | None,
) -> None:
    """Where everyone stands: the stance of each party on each issue as of a date."""
    with app().db.session() as session:
        rep = positions.report(session, as_of, known_at, parties, issues, statements=detail)
    emit(
        render.report(
            rep,
            fmt,
            tablefmt,
            detail=detail,
            transpose=transpose,
            colour=use_colour(),
            width=terminal_width(),
        )
    )


@click.command()
@click.argument("start", metavar="FROM", type=DATE)
@click.argument("end", metavar="TO", type=DATE)
@click.option("--party", "-p", "parties", multiple=True, help="Only these parties (repeatable).")
@click.option("--issue", "-i", "issues", multiple=True, help="Only these issues (repeatable).")
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="Also list pairs that reaffirmed or kept their stance.",
)
@click.option(
    "--known-at",
    type=INSTANT,
    help="Only what had been logged by then (a date means the end of that day, UTC).",
)
@output_options()
def diff(
    start: dt.date,
    end: dt.date,
    parties: tuple[str, ...],
    issues: tuple[str, ...],
    include_all: bool,
    known_at: dt.datetime | None,
    fmt: str,
    tablefmt: str | None,
) -> None:
    """What moved between FROM and TO: who hardened, softened, reversed; which
    issues converge."""
    if end < start:
        raise click.BadParameter(
            f"TO ({end.isoformat()}) is before FROM ({start.isoformat()})", param_hint="'TO'"
        )
    with app().db.session() as session:
        d = positions.diff(session, start, end, known_at, parties, issues, include_all)
    emit(render.diff(d, fmt, tablefmt, colour=use_colour(), width=terminal_width()))
