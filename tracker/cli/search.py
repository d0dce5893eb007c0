"""`tracker search`: find statements by what they say."""

from __future__ import annotations

import datetime as dt

import click
from sqlalchemy.exc import SQLAlchemyError

from tracker import render
from tracker.cli.options import STATEMENT_FILTERS, app, check_span, emit, output_options, style
from tracker.core import statement_search as core
from tracker.db.failures import aborted, failure_message
from tracker.errors import Invalid
from tracker.render import messages


@click.command()
@click.argument("query")
@STATEMENT_FILTERS
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="At most this many (0: all).",
)
@click.option("--include-retracted", is_flag=True, help="Also retracted statements.")
@click.option(
    "--drafts",
    is_flag=True,
    help="Search the points of the drafts' versions instead: each hit names the draft, "
    "the version and the point (--party: versions it put forward; --issue: points linked "
    "to it; --since/--until: version dates; --include-retracted: withdrawn versions too).",
)
@output_options("search")
def search(
    query: str,
    party: str | None,
    issue: str | None,
    since: dt.date | None,
    until: dt.date | None,
    limit: int,
    include_retracted: bool,
    drafts: bool,
    fmt: str,
    tablefmt: str | None,
) -> None:
    """Statements whose summary, quote, speaker or conditions match QUERY, best
    match first: words (all of them), "quoted phrases", prefixes (sanction*).
    Statements on an issue whose keywords QUERY names come after those.

    \b
    tracker search "frozen assets"
    tracker search 'sanction*' --party eu --since 2025-11-01
    """
    check_span(since, until, "--since", "--until")
    try:
        core.parse(query)
    except Invalid as err:
        raise click.BadParameter(str(err), param_hint="'QUERY'") from None
    if drafts:
        from tracker.core import draft_search

        with app().db.session() as session:
            hits = draft_search.search(
                session, query, party, issue, since, until, limit or None, include_retracted
            )
        emit(render.document("draft_search", hits, fmt, style(tablefmt)))
        return
    database = app().db
    with database.session() as session:
        behind = core.pending(session)
    if behind:  # what an import (or an insert by hand) added, indexed once, in one pass
        click.echo(messages.indexing_for_search(), err=True)
        try:
            with database.session(write=True, data=False) as session:
                core.catch_up(session)
        except SQLAlchemyError as err:
            if aborted(err):
                raise  # run again from the start (TrackerGroup)
            # What cannot be indexed now stops no search: it waits for the next.
            click.echo(messages.not_indexed(failure_message(err, database.url)), err=True)
    with database.session() as session:
        found = core.search(
            session, query, party, issue, since, until, limit or None, include_retracted
        )
    emit(render.document("search", found, fmt, style(tablefmt)))
