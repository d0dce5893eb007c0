"""The `tracker` command line: parse, call the core, print through render."""

from __future__ import annotations

import importlib
import itertools
import os
import random
import signal
import sys
import time
from typing import Any, ClassVar

import click
from sqlalchemy import URL
from sqlalchemy import exc as sa_exc

from tracker import __version__
from tracker.cli.options import READS_ONCE, App
from tracker.db.failures import DETAIL_LIMIT, aborted, aborted_message, failure_message, scrub
from tracker.errors import Conflict, TrackerError
from tracker.text import shorten, terminal_text


def _database_url() -> URL | None:
    """The URL of the database this command opened, if it opened one: its
    password is kept out of every message."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(App) if ctx else None
    return obj.opened.url if obj is not None and obj.opened is not None else None


class TrackerGroup(click.Group):
    """Loads each command's module only when that command runs (so `tracker
    add` never imports what `report` or `import` need), and turns every error
    a user can cause into one line (control characters made visible: it may
    quote text a file or a database holds) and an exit code."""

    COMMANDS: ClassVar[dict[str, str]] = {
        "add": "tracker.cli.statements:add",
        "log": "tracker.cli.statements:log",
        "history": "tracker.cli.statements:history",
        "show": "tracker.cli.statements:show",
        "retract": "tracker.cli.statements:retract",
        "report": "tracker.cli.reports:report",
        "diff": "tracker.cli.reports:diff",
        "party": "tracker.cli.parties:party",
        "issue": "tracker.cli.issues:issue",
        "person": "tracker.cli.people:person",
        "search": "tracker.cli.search:search",
        "outlook": "tracker.cli.outlook:outlook",
        "align": "tracker.cli.outlook:align",
        "import": "tracker.cli.transfer:import_",
        "export": "tracker.cli.transfer:export",
        "read": "tracker.cli.read:read",
        "draft": "tracker.cli.drafts:draft",
        "demo": "tracker.cli.demo:demo",
        "db": "tracker.cli.database:db",
        "user": "tracker.cli.users:user",
        "serve": "tracker.cli.serve:serve",
    }

    # How many times a command runs whose transaction the server aborts to let
    # another go on (a deadlock, a serialization failure), before it gives up.
    TRIES: ClassVar[int] = 3
    # The pause before each try again, in seconds, times the tries so far:
    # random, so that two commands aborted together do not collide again.
    PAUSE: ClassVar[tuple[float, float]] = (0.05, 0.25)

    def _tries(self, ctx: click.Context) -> Any:
        """Runs the command; again, from the start, if the server aborted its
        transaction as a deadlock or serialization failure (every write is one
        transaction, rolled back: nothing was changed, nothing printed yet),
        up to TRIES times. Not a command that read a pipe (`reads_once`):
        its input is gone."""
        protected, args = list(ctx._protected_args), list(ctx.args)
        for tries in itertools.count(1):
            try:
                return super().invoke(ctx)
            except (sa_exc.SQLAlchemyError, Conflict) as err:
                if isinstance(err, sa_exc.SQLAlchemyError) and not aborted(err):
                    raise
                once = bool(ctx.meta.get(READS_ONCE))
                if once or tries >= self.TRIES:
                    raise _GaveUp(aborted_message(err, _database_url(), tries, once)) from None
            ctx._protected_args, ctx.args = list(protected), list(args)
            time.sleep(random.uniform(*self.PAUSE) * tries)  # let the other one finish
        raise AssertionError("unreachable")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._tries(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except _GaveUp as gave:
            raise click.ClickException(terminal_text(gave.message)) from None
        except TrackerError as err:
            raise click.ClickException(terminal_text(str(err))) from None
        except sa_exc.SQLAlchemyError as err:
            raise click.ClickException(
                terminal_text(failure_message(err, _database_url()))
            ) from None
        except BrokenPipeError:
            # `tracker log | head`: the reader left; stop quietly.
            sys.stderr.close()
            raise click.exceptions.Exit(1) from None
        except OSError as err:
            name = f": {err.filename}" if err.filename else ""
            raise click.ClickException(terminal_text(f"{err.strerror or err}{name}")) from None
        except Exception as err:
            if os.environ.get("TRACKER_DEBUG"):
                raise
            detail = shorten(scrub(str(err), _database_url()), DETAIL_LIMIT)
            raise click.ClickException(
                terminal_text(
                    f"internal error: {type(err).__name__}: {detail}"
                    " (set TRACKER_DEBUG=1 for details)"
                )
            ) from None


class _GaveUp(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    # A caller that runs many commands in one process passes its own App
    # (`App.sharing`) as the context's object.
    obj = ctx.obj if isinstance(ctx.obj, App) else App(db_option)
    ctx.obj = obj
    ctx.call_on_close(obj.close)


def _stop(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    # SIGTERM and SIGHUP (a `kill`, a closed terminal) end tracker as Ctrl-C
    # does, not at once: the transaction is rolled back and scratch files are
    # removed on the way out. Only SIGKILL leaves one (the next write removes it).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    cli.main(prog_name="tracker")
