"""What the party and issue command groups share: `merge` and `remove`, the
same for both kinds of record but for the words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.orm import Session

from tracker.cli.complete import Completer
from tracker.cli.options import app, emit
from tracker.render import messages


def add_merge_and_remove(
    group: click.Group,
    kind: str,
    moved: str,
    complete: Completer,
    merge: Callable[[Session, str, str], Any],
    remove: Callable[[Session, str], Any],
) -> None:
    """`KIND merge FROM INTO` and `KIND remove NAME` on `group`; `moved` says
    what a merge moves besides statements ("names, people and history")."""
    name = kind.upper()

    @group.command("merge")
    @click.argument("source", metavar="FROM", shell_complete=complete)
    @click.argument("target", metavar="INTO", shell_complete=complete)
    def merge_command(source: str, target: str) -> None:
        with app().db.session(write=True) as session:
            done = merge(session, source, target)
        emit(messages.merged(kind, done))

    merge_command.help = (
        f"Fold the duplicate {kind} FROM into INTO: its statements, {moved} move to "
        "INTO, and FROM is gone."
    )

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
