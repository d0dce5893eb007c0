"""`tracker import`, `tracker export` and `tracker demo`."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from tracker import render
from tracker.cli.options import (
    app,
    atomic_output,
    emit,
    output_option,
    terminal_width,
    use_colour,
)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
    speaker, source, basis, conditions). All or nothing."""
    from tracker.core.transfer import import_file

    with (
        _progress_bar("Importing") as progress,
        app().db.session(write=True, commit=not dry_run) as session,
    ):
        result = import_file(session, file, create_missing, progress, unescape_formulas)
    verb = "Would add" if dry_run else "Added"
    parts = [f"{verb} {result.added:,} statement{'s' if result.added != 1 else ''}"]
    if result.skipped:
        parts.append(f"skipped {result.skipped:,} already present")
    create = "would create" if dry_run else "created"
    if result.parties_created:
        parts.append(f"{create} {_some(result.parties_created, 'party', 'parties')}")
    if result.issues_created:
        parts.append(f"{create} {_some(result.issues_created, 'issue', 'issues')}")
    emit("; ".join(parts) + ".")
    if not dry_run:
        _tidy(result.added)


def _tidy(added: int) -> None:
    """The import is committed and reported: upkeep that fails or is cut short
    only warns (the statements are in)."""
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.core.transfer import after_bulk_import
    from tracker.errors import DatabaseError

    try:
        after_bulk_import(app().db.engine, added)
    except (SQLAlchemyError, DatabaseError, KeyboardInterrupt) as err:
        if isinstance(err, KeyboardInterrupt):
            reason = "interrupted"
        elif isinstance(err, DatabaseError):
            reason = str(err)  # the server's own words
        else:
            reason = type(err).__name__
        click.echo(
            f"Warning: the statements are imported, but refreshing the table's statistics "
            f"did not finish ({reason}); reports may be slower until the server does it.",
            err=True,
        )


def _some(slugs: list[str], one: str, many: str, shown: int = 10) -> str:
    """'issues a, b' or, for a long list, 'issues a, b, … (500 in all)'."""
    noun = one if len(slugs) == 1 else many
    if len(slugs) <= shown:
        return f"{noun} {', '.join(slugs)}"
    return f"{len(slugs)} {noun} ({', '.join(slugs[:shown])}, …)"


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
    from functools import partial

    from tracker.core.transfer import export_csv, export_json

    writer = export_json if fmt == "json" else partial(export_csv, escape_formulas=escape_formulas)
    with app().db.session() as session:
        if output is None:
            writer(session, sys.stdout)
            return
        with atomic_output(output) as out:
            count = writer(session, out)
    click.echo(f"Exported {count} statements to {output}", err=True)


@click.command()
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Put the demo database and pages in this folder and keep the database "
    "(default: a temporary one).",
)
def demo(keep: Path | None) -> None:
    """See tracker work on the 2025 Ukraine–Russia talks, without touching your database.

    Loads the bundled scenario into a scratch database, prints the stance table
    as of the latest date and what moved across the scenario's dates, and
    writes both as HTML pages to open in a browser.
    """
    from tracker.cli.options import App
    from tracker.cli.reports import diff_page, report_page
    from tracker.core import positions
    from tracker.core.transfer import import_file
    from tracker.resources import seed_file

    seed = seed_file()
    # The pages outlive the command (they are there to be opened); the
    # database is kept only with --keep.
    pages = keep or Path(tempfile.mkdtemp(prefix="tracker-demo-"))
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "demo.db"
        path.unlink(missing_ok=True)
        demo_app = App(str(path))
        try:
            with demo_app.db.session(write=True) as session:
                result = import_file(session, seed)
            with demo_app.db.session() as session:
                first, last = _date_range(session)
                rep = positions.report(session, last)
                moved = positions.diff(session, first, last)
                report_html = report_page(session, rep)
        finally:
            demo_app.close()
        written = {"report.html": report_html, "diff.html": diff_page(moved)}
        for name, page in written.items():
            with atomic_output(pages / name) as out:
                out.write(page)
        colour, width = use_colour(), terminal_width()
        emit(
            f"Demo: the 2025 Ukraine–Russia peace talks ({result.added} statements, "
            f"{len(result.parties_created)} parties, {len(result.issues_created)} issues)."
        )
        emit("")
        emit(render.report(rep, "table", colour=colour, width=width))
        emit("")
        emit(render.diff(moved, "table", colour=colour, width=width))
        emit("")
        emit("The same as pages to open in a browser, mail or print:")
        for name in written:
            emit(f"  {(pages / name).resolve().as_uri()}")
        emit("")
        emit("Load the same data into your own database:")
        emit(f"  tracker import {seed}")
        emit(
            f"Then try: tracker report --as-of {last.isoformat()}, tracker history ukraine donbas,"
        )
        emit(f"          tracker diff {first.isoformat()} {last.isoformat()} --format markdown")
        emit(
            f"          tracker report --as-of {last.isoformat()} --format html --output report.html"
        )
        if keep is not None:
            emit(f"The demo database is kept at {path} (tracker --db {path} ...).")


def _date_range(session: object) -> tuple[dt.date, dt.date]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from tracker.schema import STATEMENT

    assert isinstance(session, Session)
    first, last = session.execute(
        select(func.min(STATEMENT.c.stated_on), func.max(STATEMENT.c.stated_on))
    ).one()
    return first, last
