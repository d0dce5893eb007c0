"""`tracker import` and `tracker export`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from tracker.cli.options import app, emit, output_option, reads_once
from tracker.core.transfer import after_bulk_import, export_csv, export_json, import_file
from tracker.errors import DatabaseError
from tracker.files import atomic_output
from tracker.render import messages
from tracker.text import TerminalWriter


@click.command("import")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option(
    "--dry-run", is_flag=True, help="Check the file and say what it would add; write nothing."
)
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create parties and issues the file names but the database lacks.",
)
@click.option(
    "--unescape-formulas/--no-unescape-formulas",
    default=True,
    show_default=True,
    help="csv: take off the ' that export puts before text a spreadsheet would run as a "
    "formula. --no-unescape-formulas for a file exported with --no-escape-formulas.",
)
def import_(file: Path, dry_run: bool, create_missing: bool, unescape_formulas: bool) -> None:
    """Import statements from FILE: JSON (as exported) or CSV (one statement a
    row; columns party, issue, stance, stated_on, summary, and optionally quote,
    speaker, source, basis, conditions). All or nothing. FILE may be a pipe,
    or - for standard input."""
    if str(file) == "-" or not file.is_file():  # a pipe: read once, never again
        reads_once()
    with (
        _progress_bar("Importing") as progress,
        app().db.session(write=True, commit=not dry_run) as session,
    ):
        result = import_file(session, file, create_missing, progress, unescape_formulas)
    for warning in result.warnings:
        click.echo(messages.import_warning(warning), err=True)
    emit(
        messages.imported(
            result.added,
            result.skipped,
            result.parties_created,
            result.issues_created,
            dry_run,
            result.retracted,
            result.people_created,
            result.catalog_changes,
        )
    )
    if result.versions_added or result.versions_skipped or result.drafts_created:
        from tracker.render.drafts import imported

        emit(imported(result, dry_run))
    if not dry_run:
        _tidy(result.added)


def _tidy(added: int) -> None:
    """The import is committed and reported: upkeep that fails or is cut short
    only warns (the statements are in)."""
    try:
        after_bulk_import(app().db.engine, added)
    except (SQLAlchemyError, DatabaseError, KeyboardInterrupt) as err:
        if isinstance(err, KeyboardInterrupt):
            reason = "interrupted"
        elif isinstance(err, DatabaseError):
            reason = str(err)  # the server's own words
        else:
            reason = type(err).__name__
        click.echo(messages.upkeep_failed(reason), err=True)


@contextlib.contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """click's progress bar on stderr when stderr is a terminal; nothing otherwise
    (a log or a pipe gets no bar, and no label either)."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@click.command()
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("json", "csv"), case_sensitive=False),
    default="json",
    show_default=True,
    help="json: everything; csv: the statements, one a row.",
)
@output_option()
@click.option(
    "--escape-formulas/--no-escape-formulas",
    default=True,
    show_default=True,
    help="csv: put a ' before text that a spreadsheet would run as a formula "
    "(starting with = + - @, tab or carriage return); import takes it off again.",
)
def export(fmt: str, output: Path | None, escape_formulas: bool) -> None:
    """Export the database, statements in the order they were recorded."""
    writer = export_json if fmt == "json" else partial(export_csv, escape_formulas=escape_formulas)
    with app().db.session() as session:
        if output is None:
            # A terminal shows CSV's control characters escaped (JSON's always are).
            out: Any = TerminalWriter(sys.stdout) if sys.stdout.isatty() else sys.stdout
            writer(session, out)
            return
        with atomic_output(output, app().db.file) as out:
            count = writer(session, out)
    click.echo(messages.exported(count, output), err=True)
