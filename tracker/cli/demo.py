"""`tracker demo`: the bundled scenario in a scratch database, as tables and pages."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import click

from tracker import render
from tracker.cli.options import emit, style
from tracker.core import positions
from tracker.core.agreement import outlook_of, standing
from tracker.core.briefing import briefing
from tracker.core.statements import stated_range
from tracker.core.transfer import import_file
from tracker.db import Database
from tracker.files import atomic_output
from tracker.render import messages
from tracker.resources import seed_file


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
    as of the latest date, what moved across the scenario's dates and where a
    deal is possible, and writes them as HTML pages to open in a browser.
    """
    seed = seed_file()
    # The pages outlive the command (they are there to be opened); the
    # database is kept only with --keep.
    pages = keep or Path(tempfile.mkdtemp(prefix="tracker-demo-"))
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "demo.db"
        path.unlink(missing_ok=True)
        database = Database.from_option(str(path))
        try:
            with database.session(write=True) as session:
                result = import_file(session, seed)
            with database.session() as session:
                first, last = stated_range(session)
                rep = positions.report(session, last)
                moved = positions.diff(session, first, last)
                view = render.ReportView(
                    briefing=partial(briefing, session, rep), standing=partial(standing, rep)
                )
                report_html = render.report(rep, "html", view=view)
        finally:
            database.dispose()
        written = {"report.html": report_html, "diff.html": render.diff(moved, "html")}
        for name, page in written.items():
            with atomic_output(pages / name) as out:
                out.write(page)
        terminal = style()
        emit(
            messages.demo_intro(
                result.added, len(result.parties_created), len(result.issues_created)
            )
        )
        emit("")
        emit(render.report(rep, "table", terminal))
        emit("")
        emit(render.diff(moved, "table", terminal))
        emit("")
        emit(render.outlook(outlook_of(rep), "table", terminal))
        emit("")
        kept = path if keep is not None else None
        emit(messages.demo_next_steps([pages / name for name in written], seed, first, last, kept))
