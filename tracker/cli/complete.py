"""Shell completion of names: click's own mechanism asks these for the
PARTY, ISSUE and person arguments and the --party/--issue options. They read
the database `--db` (or $TRACKER_DB) names, and never create one."""

from __future__ import annotations

from collections.abc import Callable

import click
from click.shell_completion import CompletionItem

from tracker.core.names import key, spellings
from tracker.db import Database
from tracker.text import terminal_text

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _names(kind: str) -> Completer:
    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        database = Database.from_option(ctx.find_root().params.get("db_option"))
        try:
            if not database.exists() or database.state().status != "current":
                return []  # completing must not create, or touch, a database
            with database.session() as session:
                names = spellings(session, kind)
        except Exception:  # a completion that fails offers nothing, quietly
            return []
        finally:
            database.dispose()
        wanted = key(incomplete)
        # One line each, whatever an older database holds: a line break would
        # put the shell's reading of the list out of step.
        return [CompletionItem(terminal_text(n)) for n in names if key(n).startswith(wanted)]

    return complete


parties = _names("party")
issues = _names("issue")
people = _names("person")
