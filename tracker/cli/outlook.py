"""`tracker outlook` and `tracker align`."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from tracker import render
from tracker.cli.options import DATE, app, emit, output_options, stacked, style
from tracker.cli.reports import ISSUES, KNOWN_AT, PARTIES
from tracker.core import agreement as core
from tracker.core.agreement_types import DEFAULT_THRESHOLD


class ThresholdType(click.ParamType[Fraction, Any]):
    """An agreement from 0 to 1, kept exact (`core.outlook.parse_threshold`)."""

    name = "X"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Fraction:
        if isinstance(value, Fraction):
            return value
        try:
            return core.parse_threshold(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)


AS_OF = click.option(
    "--as-of",
    type=DATE,
    default="today",
    show_default=True,
    help="The date to read: YYYY-MM-DD, today, yesterday.",
)
COMPARE = click.option(
    "--compare",
    type=DATE,
    metavar="DATE",
    help="Also as of DATE (as known at --known-at), and what changed since.",
)
# What `outlook` and `align` both read: one report, and the one to compare.
READING = stacked(AS_OF, KNOWN_AT, PARTIES, ISSUES, COMPARE)


@click.command()
@READING
@output_options("outlook", output=True)
def outlook(
    as_of: dt.date,
    known_at: dt.datetime | None,
    parties: tuple[str, ...],
    issues: tuple[str, ...],
    compare: dt.date | None,
    fmt: str,
    tablefmt: str | None,
    output: Path | None,
) -> None:
    """Where a deal is possible: each issue that two or more parties hold a
    stance on, classed agreed, within reach, contested or deadlocked, closest
    to a deal first, with its holdouts and undecided parties."""
    with app().db.session() as session:
        found = core.outlook(session, as_of, known_at, parties, issues, compare)
    emit(render.outlook(found, fmt, style(tablefmt, output)), output)


@click.command()
@READING
@click.option(
    "--threshold",
    type=ThresholdType(),
    default=str(float(DEFAULT_THRESHOLD)),
    show_default=True,
    help="Blocs join parties whose agreement is at least X (0 to 1).",
)
@output_options("align", output=True)
def align(
    as_of: dt.date,
    known_at: dt.datetime | None,
    parties: tuple[str, ...],
    issues: tuple[str, ...],
    compare: dt.date | None,
    threshold: Fraction,
    fmt: str,
    tablefmt: str | None,
    output: Path | None,
) -> None:
    """Who stands with whom: the agreement of each pair of parties on the
    issues both hold a stance on, and the blocs they form."""
    with app().db.session() as session:
        found = core.align(session, as_of, known_at, parties, issues, compare, threshold)
    emit(render.align(found, fmt, style(tablefmt, output)), output)
