"""What the party and issue command groups share: `list`, `show`, `merge`
and `remove`, the same for both kinds of record but for the words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import click
from sqlalchemy.orm import Session

from tracker import render
from tracker.cli.complete import Completer
from tracker.cli.options import HISTORY, SHOWN_AS_OF, app, emit, output_options, style
from tracker.render import messages


def add_list(
    group: click.Group,
    plural: str,
    records: Callable[[Session], Sequence[Any]],
    columns: tuple[str, ...],
    row: Callable[[Any], tuple[Any, ...]],
) -> None:
    """`KIND list`: every record (`records`), a `row` of `columns` each."""

    @group.command("list", help=f"List the {plural}.")
    @output_options("records")
    def listed(fmt: str, tablefmt: str | None) -> None:
        with app().db.session() as session:
            views = records(session)
        listing = render.Records(columns, [row(v) for v in views], [v.to_json() for v in views])
        emit(render.records(listing, fmt, style(tablefmt)))


def add_show(
    group: click.Group,
    kind: str,
    complete: Completer,
    page: Callable[[Session, str, dt.date, bool], Any],
    about: str,
) -> None:
    """`KIND show NAME`: the record's page (`page`), as of a date; `about`
    is the command's help."""
    document = f"{kind}_page"

    @group.command("show", help=about)
    @click.argument("name", metavar=kind.upper(), shell_complete=complete)
    @SHOWN_AS_OF
    @HISTORY
    @output_options(document)
    def show(name: str, as_of: dt.date, history: bool, fmt: str, tablefmt: str | None) -> None:
        with app().db.session() as session:
            found = page(session, name, as_of, history)
        emit(render.document(document, found, fmt, style(tablefmt)))


def add_merge_and_remove(
    group: click.Group,
    kind: str,
    moved: str,
    complete: Completer,
    merge: Callable[..., Any],
    remove: Callable[[Session, str], Any],
    questions: bool = False,
) -> None:
    """`KIND merge FROM INTO` and `KIND remove NAME` on `group`; `moved` says
    what a merge moves besides statements ("names, people and history");
    `questions`: records that ask a question (issues), whose merge takes
    --force and --negate when their propositions differ."""
    name = kind.upper()

    def merge_command(source: str, target: str, **how: bool) -> None:
        if how.get("force") and how.get("negate"):
            raise click.UsageError("give --force or --negate, not both")
        with app().db.session(write=True) as session:
            done = merge(session, source, target, **how)
        emit(messages.merged(kind, done))

    merge_command.__doc__ = (
        f"Fold the duplicate {kind} FROM into INTO: its statements, {moved} move to "
        "INTO, and FROM is gone."
    )
    if questions:
        merge_command.__doc__ += (
            " Issues whose propositions differ merge only with --force or --negate."
        )
        merge_command = click.option(
            "--negate",
            is_flag=True,
            help="FROM asks the opposite question: its statements' stances change sign "
            "under INTO (rejects becomes demands), and the history says so.",
        )(merge_command)
        merge_command = click.option(
            "--force",
            is_flag=True,
            help="The propositions differ, but ask the same question in other words.",
        )(merge_command)
    merge_command = click.argument("target", metavar="INTO", shell_complete=complete)(merge_command)
    merge_command = click.argument("source", metavar="FROM", shell_complete=complete)(merge_command)
    group.command("merge")(merge_command)

    @group.command("remove")
    @click.argument("record", metavar=name, shell_complete=complete)
    def remove_command(record: str) -> None:
        with app().db.session(write=True) as session:
            view = remove(session, record)
        emit(messages.removed(kind, view.slug))

    article = "an" if kind[0] in "aeiou" else "a"
    remove_command.help = (
        f"Remove {article} {kind} no statement refers to (one that has statements is "
        "merged into another instead)."
    )
