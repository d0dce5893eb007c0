"""What the commands share: the app context, parameter types, output options."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from tracker import dates, render, stance
from tracker.cli import complete
from tracker.core.names import check_slug
from tracker.db import Database
from tracker.errors import Invalid
from tracker.files import atomic_output
from tracker.render.textual import check_tablefmt

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """Per-invocation state: the `--db` value, connected on first use."""

    db_option: str | None
    _db: Database | None = field(default=None, repr=False)
    _owned: bool = field(default=True, repr=False)

    @classmethod
    def sharing(cls, database: Database) -> App:
        """An invocation on a database its caller keeps open from one command
        to the next (its engine, its pool, its compiled statements), as a
        process running many commands does; the schema is checked once a
        command all the same, and the database is not closed with it."""
        database.check_again()
        return cls(None, database, _owned=False)

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database.from_option(self.db_option)
        return self._db

    @property
    def opened(self) -> Database | None:
        """The database, if this command has used it."""
        return self._db

    def close(self) -> None:
        if self._db is not None and self._owned:
            self._db.dispose()


# Set in the root context's meta by a command that reads input it cannot
# read again (a pipe): a transaction the server aborts is then not retried.
READS_ONCE = "tracker.reads_once"


def reads_once() -> None:
    """Says this command read input that cannot be read again."""
    click.get_current_context().find_root().meta[READS_ONCE] = True


def app() -> App:
    obj = click.get_current_context().find_object(App)
    assert obj is not None
    return obj


class DateType(click.ParamType[dt.date, Any]):
    name = "DATE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dates.parse_date(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)


class StatementDateType(DateType):
    """A date a statement was made: not before 1900, not more than a week ahead."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        day = super().convert(value, param, ctx)
        try:
            return dates.check_statement_date(day)
        except ValueError as err:
            self.fail(str(err), param, ctx)


class InstantType(click.ParamType[dt.datetime, Any]):
    name = "WHEN"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return dates.parse_instant(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)


class StanceType(click.ParamType[int, Any]):
    name = "STANCE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return stance.parse_stance(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(w) for w in stance.accepted_words() if w.startswith(incomplete)]


# Ids and limits every backend can take: an id is a 32-bit integer on the
# servers; a limit a 64-bit one (and it is asked for plus one).
MAX_ID = 2**31 - 1
STATEMENT_ID = click.IntRange(1, MAX_ID)
MAX_LIMIT = 2**63 - 2
DATE = DateType()
STATEMENT_DATE = StatementDateType()
INSTANT = InstantType()
STANCE = StanceType()


def _check_tablefmt(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An unknown table style is a bad command line (exit 2). tabulate is
    imported only when a style is given."""
    if value is None:
        return None
    try:
        return check_tablefmt(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _check_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """`-o ''` names no file: a bad command line (exit 2)."""
    if value is not None and not value.name:
        raise click.BadParameter("must name a file")
    return value


def output_option() -> Callable[[F], F]:
    """`--output FILE`: write to a file instead of standard output."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_check_output,
        help="Write to this file instead of standard output.",
    )


class FormatChoice(click.Choice[str]):
    """The formats that can print `document`, found when click first needs
    them (to check a --format, for help or completion): finding them imports
    every format module, which the other commands of the same module (`add`
    beside `log`) should not pay for at start-up."""

    def __init__(self, document: str) -> None:
        self.document = document
        self.case_sensitive = False

    @property
    def choices(self) -> tuple[str, ...]:
        return render.formats(self.document)

    @choices.setter
    def choices(self, value: tuple[str, ...]) -> None:
        raise AttributeError("the formats are found in tracker.render, not set")


def output_options(
    document: str | tuple[str, ...],
    *,
    tablefmt: bool = True,
    output: bool = False,
) -> Callable[[F], F]:
    """`--format`: every format that can print `document` ("report", ...; see
    `tracker.render`), or the formats given. Also `--tablefmt`, for commands
    that print tables, and `--output`, for those that can write a file."""
    if isinstance(document, str):
        choice: click.Choice[str] = FormatChoice(document)
        default = render.DEFAULT_FORMAT
    else:
        choice, default = click.Choice(document, case_sensitive=False), document[0]

    def decorate(f: F) -> F:
        if output:
            f = output_option()(f)
        if tablefmt:
            f = click.option(
                "--tablefmt",
                metavar="STYLE",
                callback=_check_tablefmt,
                help="Table style for --format table (any tabulate style: simple, grid, "
                "github, ...).",
            )(f)
        return click.option(
            "--format",
            "-f",
            "fmt",
            type=choice,
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return decorate


def style(tablefmt: str | None = None, output: Path | None = None) -> render.Style:
    """How to lay out text for where it goes: fitted to the terminal and
    coloured there; neither in a file, or when piped."""
    if output is not None:
        return render.Style(tablefmt)
    return render.Style(tablefmt, use_colour(), terminal_width(), sys.stdout.isatty())


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def terminal_width() -> int | None:
    """The width to fit tables to: $COLUMNS, else the terminal's; None when piped."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return None


def emit(text: str, output: Path | None = None) -> None:
    """Print `text`, or write it to `output` (whole, or not at all)."""
    if output is None:
        # color=True: click would strip what looks like a colour code from
        # stored text in a pipe; tracker colours only a terminal itself.
        click.echo(text, color=True)
        return
    with atomic_output(output, app().db.file) as out:
        out.write(text + "\n")
    click.echo(f"Wrote {output}", err=True)


def required_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A text option that must say something: blank is a bad command line (exit 2)."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty")
    return value


def slug_argument(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A bad slug is a bad command line (exit 2), like a bad date."""
    if value is None:
        return None
    try:
        return check_slug(value)
    except Invalid as err:
        raise click.BadParameter(str(err)) from None


def check_span(start: dt.date | None, end: dt.date | None, start_name: str, end_name: str) -> None:
    """A span of dates that ends before it begins is a bad command line (exit 2)."""
    if start is not None and end is not None and end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before {start_name} {start.isoformat()}",
            param_hint=f"'{end_name}'",
        )


def nothing_to_change(options: str) -> NoReturn:
    """An edit that names no change is a bad command line (exit 2)."""
    raise click.UsageError(f"nothing to change: give one or more of {options}")


HISTORY = click.option(
    "--history", is_flag=True, help="Also every change made to the record: when, by whom."
)
SHOWN_AS_OF = click.option(
    "--as-of",
    type=DATE,
    default="today",
    show_default=True,
    help="The date of the stances shown.",
)


def stacked(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Options that go together as one decorator, in the order written."""

    def decorate(f: F) -> F:
        for d in reversed(decorators):
            f = d(f)
        return f

    return decorate


# `log` and `search`: the statements of one party, on one issue, in a span.
STATEMENT_FILTERS = stacked(
    click.option("--party", "-p", shell_complete=complete.parties, help="Only this party."),
    click.option("--issue", "-i", shell_complete=complete.issues, help="Only this issue."),
    click.option("--since", type=DATE, help="Stated on or after this date."),
    click.option("--until", type=DATE, help="Stated on or before this date."),
)
# `party edit` and `person edit`: the names a record goes by.
NAME_CHANGES = stacked(
    click.option(
        "--add-alias", "add_aliases", multiple=True, metavar="A", help="Add a name (repeatable)."
    ),
    click.option(
        "--remove-alias",
        "remove_aliases",
        multiple=True,
        metavar="A",
        help="Remove a name (repeatable).",
    ),
)
# `party edit` and `issue edit`: a new slug.
RENAME = click.option(
    "--rename",
    metavar="SLUG",
    callback=slug_argument,
    help="A new slug; the old one stays an alias.",
)
