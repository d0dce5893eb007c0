"""`tracker add`, `log`, `history`, `show`, `retract`."""

from __future__ import annotations

import datetime as dt

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import (
    MAX_LIMIT,
    STANCE,
    STATEMENT_DATE,
    STATEMENT_FILTERS,
    STATEMENT_ID,
    app,
    check_span,
    emit,
    output_options,
    required_text,
    style,
)
from tracker.core import statements as core
from tracker.render import messages
from tracker.stance import BASES


@click.command()
@click.argument("party", shell_complete=complete.parties)
@click.argument("issue", shell_complete=complete.issues)
@click.argument("stance", type=STANCE)
@click.option(
    "--summary", "-s", required=True, callback=required_text, help="What was said, in your words."
)
@click.option(
    "--date",
    "-d",
    "stated_on",
    type=STATEMENT_DATE,
    default="today",
    show_default=True,
    help="When it was said or published: YYYY-MM-DD, today, yesterday.",
)
@click.option("--quote", "-q", help="The words as said.")
@click.option("--speaker", help="Who said it.")
@click.option("--source", help="URL or citation.")
@click.option(
    "--basis",
    type=click.Choice(BASES, case_sensitive=False),
    default="stated",
    show_default=True,
    help="On the record, reported by others, or inferred.",
)
@click.option("--conditions", help="Conditions attached, e.g. 'only with Kyiv's agreement'.")
@output_options(("table", "json"), tablefmt=False)
def add(
    party: str,
    issue: str,
    stance: int,
    summary: str,
    stated_on: dt.date,
    quote: str | None,
    speaker: str | None,
    source: str | None,
    basis: str,
    conditions: str | None,
    fmt: str,
) -> None:
    """Log a statement: PARTY's STANCE on ISSUE.

    \b
    PARTY: slug, name or alias; ISSUE: slug or title. STANCE: rejects (red-line),
    opposes (against), open (neutral, undecided), supports (for),
    demands (insists).
    """
    with app().db.session(write=True) as session:
        added = core.add_statement(
            session,
            party,
            issue,
            stance,
            summary,
            stated_on,
            quote=quote,
            speaker=speaker,
            source=source,
            basis=basis,
            conditions=conditions,
        )
    emit(render.to_json(added.statement.to_json()) if fmt == "json" else messages.added(added))


@click.command()
@STATEMENT_FILTERS
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(0, MAX_LIMIT),
    default=50,
    show_default=True,
    help="At most this many (0: all).",
)
@click.option("--recorded-by", help="Only statements logged by this user.")
@output_options("statements")
def log(
    party: str | None,
    issue: str | None,
    since: dt.date | None,
    until: dt.date | None,
    limit: int,
    recorded_by: str | None,
    fmt: str,
    tablefmt: str | None,
) -> None:
    """Statements, newest first."""
    check_span(since, until, "--since", "--until")
    with app().db.session() as session:
        # One more than asked for tells whether the limit cut anything.
        items = list(
            core.log(session, party, issue, since, until, limit + 1 if limit else None, recorded_by)
        )
    cut = bool(limit) and len(items) > limit
    if cut:
        items = items[:limit]
    emit(render.statements(items, fmt, style(tablefmt)))
    if cut:
        click.echo(f"(showing the newest {limit}; --limit 0 shows all)", err=True)


@click.command()
@click.argument("party", shell_complete=complete.parties)
@click.argument("issue", shell_complete=complete.issues)
@output_options("history")
def history(party: str, issue: str, fmt: str, tablefmt: str | None) -> None:
    """PARTY's statements on ISSUE, oldest first, with the change each made."""
    with app().db.session() as session:
        found = core.history(session, party, issue)
    emit(render.history(found, fmt, style(tablefmt)))


@click.command()
@click.argument("statement_id", metavar="ID", type=STATEMENT_ID)
@output_options("statement")
def show(statement_id: int, fmt: str, tablefmt: str | None) -> None:
    """One statement in full."""
    with app().db.session() as session:
        statement = core.get_statement(session, statement_id)
        logged = [(statement.id, statement.issue, statement.recorded_at)]
        from tracker.core import revisions  # see core.statements.history

        wordings = revisions.earlier_wordings(session, logged)
    emit(render.statement(statement, fmt, style(tablefmt), wordings))


@click.command()
@click.argument("statement_id", metavar="ID", type=STATEMENT_ID)
@click.option("--reason", "-r", required=True, callback=required_text, help="Why it is withdrawn.")
@output_options(("table", "json"), tablefmt=False)
def retract(statement_id: int, reason: str, fmt: str) -> None:
    """Withdraw a statement logged in error. It stays in the history, marked."""
    with app().db.session(write=True) as session:
        done = core.retract(session, statement_id, reason)
    emit(render.to_json(done.statement.to_json()) if fmt == "json" else messages.retracted(done))
