"""The `tracker` command line: parse, call the core, print through render."""

from __future__ import annotations

import os
import sys
from typing import Any, ClassVar

import click
from sqlalchemy import exc as sa_exc

from tracker import __version__
from tracker.cli.options import App
from tracker.errors import TrackerError

# Refusals for want of a privilege: PostgreSQL's SQLSTATE, MySQL/MariaDB's error numbers.
DENIED_SQLSTATES = {"42501"}
DENIED_MYSQL_ERRORS = {1142, 1143, 1044}


def _denied(orig: BaseException) -> bool:
    if getattr(orig, "sqlstate", None) in DENIED_SQLSTATES:
        return True
    args: tuple[Any, ...] = getattr(orig, "args", ())
    return bool(args) and args[0] in DENIED_MYSQL_ERRORS


def one_line(message: str) -> str:
    """A message as it may reach a terminal: one line, control characters
    made visible (it may quote text a file or a database holds)."""
    from tracker.render import terminal_text

    return terminal_text(message)


def shorten(detail: str, limit: int = 300) -> str:
    """A database's message can quote a whole row back: keep the line readable."""
    return detail if len(detail) <= limit else detail[: limit - 1] + "…"


def scrub(text: str) -> str:
    """`text` on one line, without the database's password: masked first, so
    neither folding whitespace nor shortening can leave part of it."""
    from tracker.db import secrets

    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(App) if ctx else None
    if obj is not None and obj._db is not None:
        for secret in secrets(obj._db.url):
            text = text.replace(secret, "***")
    return " ".join(text.split())


def database_message(err: sa_exc.SQLAlchemyError) -> str:
    """One line about a database failure, naming the database, never a password."""
    from tracker.db import describe

    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(App) if ctx else None
    where = ""
    if obj is not None and obj._db is not None:
        where = f" {describe(obj._db.url)}"
    orig = getattr(err, "orig", None) or err
    detail = shorten(scrub(str(orig)) or type(orig).__name__)
    # MySQL and MariaDB report a failed CHECK as an operational error (3819, 4025).
    refused = getattr(orig, "args", (None,))[:1] in ((3819,), (4025,))
    if refused or _denied(orig) or isinstance(err, sa_exc.IntegrityError | sa_exc.DataError):
        return f"database{where} refused the request: {detail}"
    return f"cannot use database{where}: {detail}"


class TrackerGroup(click.Group):
    """Loads each command's module only when that command runs (so `tracker
    add` never imports what `report` or `import` need), and turns every error
    a user can cause into one line and an exit code."""

    COMMANDS: ClassVar[dict[str, str]] = {
        "add": "tracker.cli.statements:add",
        "log": "tracker.cli.statements:log",
        "history": "tracker.cli.statements:history",
        "show": "tracker.cli.statements:show",
        "retract": "tracker.cli.statements:retract",
        "report": "tracker.cli.reports:report",
        "diff": "tracker.cli.reports:diff",
        "party": "tracker.cli.catalog:party",
        "issue": "tracker.cli.catalog:issue",
        "import": "tracker.cli.transfer:import_",
        "export": "tracker.cli.transfer:export",
        "demo": "tracker.cli.transfer:demo",
        "db": "tracker.cli.database:db",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.COMMANDS.get(cmd_name)
        if target is None:
            return None
        import importlib

        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except TrackerError as err:
            raise click.ClickException(one_line(str(err))) from None
        except sa_exc.SQLAlchemyError as err:
            raise click.ClickException(one_line(database_message(err))) from None
        except BrokenPipeError:
            # `tracker log | head`: the reader left; stop quietly.
            sys.stderr.close()
            raise click.exceptions.Exit(1) from None
        except OSError as err:
            name = f": {err.filename}" if err.filename else ""
            raise click.ClickException(one_line(f"{err.strerror or err}{name}")) from None
        except Exception as err:
            if os.environ.get("TRACKER_DEBUG"):
                raise
            raise click.ClickException(
                one_line(
                    f"internal error: {type(err).__name__}: {shorten(scrub(str(err)))}"
                    " (set TRACKER_DEBUG=1 for details)"
                )
            ) from None


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=TrackerGroup, context_settings=CONTEXT)
@click.option(
    "--db",
    "db_option",
    metavar="PATH|URL",
    envvar="TRACKER_DB",
    help="Database: a SQLite file path or an SQLAlchemy URL "
    "(env TRACKER_DB; default: a file in your user data folder).",
)
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db_option: str | None) -> None:
    """Track what the parties to a negotiation say about each issue, over time.

    \b
    Log:      tracker add ukraine donbas rejects --summary "..." --date 2025-11-30
    Read:     tracker report --as-of 2025-12-02
    Compare:  tracker diff 2025-11-20 2025-12-02
    Try it:   tracker demo
    """
    obj = App(db_option)
    ctx.obj = obj
    ctx.call_on_close(obj.close)


def main() -> None:
    cli.main(prog_name="tracker")
