"""`tracker read`: the statements a text reports, proposed for the analyst
to accept, correct or skip. The reading machinery (`tracker.read`, and the
libraries it uses) is imported by this command only."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import Any

import click
from sqlalchemy.orm import Session

from tracker import dates, render
from tracker.cli import complete
from tracker.cli.options import (
    DATE,
    STANCE,
    STATEMENT_DATE,
    FormatChoice,
    _check_tablefmt,
    app,
    emit,
    style,
    use_colour,
)
from tracker.core import statements as core
from tracker.core.types import Added
from tracker.errors import TrackerError
from tracker.read.types import Proposal
from tracker.render import messages
from tracker.stance import BASES

ACCEPT_ALL = "all"


def _accept(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """`all`, or proposal numbers counted from 1: "1,3"."""
    if value is None or value.strip().lower() == ACCEPT_ALL:
        return value and ACCEPT_ALL
    try:
        numbers = [int(n) for n in value.split(",") if n.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r}: use 'all' or numbers such as 1,3") from None
    if not numbers or min(numbers) < 1:
        raise click.BadParameter(f"{value!r}: use 'all' or numbers from 1, such as 1,3")
    return list(dict.fromkeys(numbers))


def interactive() -> bool:
    """Whether to review the proposals one by one: stdin and stdout are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


@click.command()
@click.argument("source_arg", metavar="SOURCE")
@click.option(
    "--date",
    "-d",
    "stated_on",
    type=STATEMENT_DATE,
    help="The statements' date (default: the page's publication date, else a dateline).",
)
@click.option(
    "--source", "cite", help="URL or citation the statements carry (default: the URL read)."
)
@click.option(
    "--party",
    "-p",
    "parties",
    multiple=True,
    shell_complete=complete.parties,
    help="Only this party (repeatable).",
)
@click.option(
    "--issue",
    "-i",
    "issues",
    multiple=True,
    shell_complete=complete.issues,
    help="Only this issue (repeatable).",
)
@click.option(
    "--accept",
    metavar="all|N,M",
    callback=_accept,
    help="Log these proposals (numbers from 1, or all) without asking.",
)
@click.option(
    "--min-confidence",
    "min_confidence",
    type=click.FloatRange(0, 1),
    default=0,
    metavar="X",
    help="Only proposals whose confidence is at least X (0 to 1).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=FormatChoice("proposals"),
    help="Print the proposals in this format instead of reviewing them.",
)
@click.option(
    "--tablefmt",
    metavar="STYLE",
    callback=_check_tablefmt,
    help="Table style for --format table (any tabulate style).",
)
def read(
    source_arg: str,
    stated_on: dt.date | None,
    cite: str | None,
    parties: Sequence[str],
    issues: Sequence[str],
    accept: str | list[int] | None,
    min_confidence: float,
    fmt: str | None,
    tablefmt: str | None,
) -> None:
    """Propose the statements a text reports, to accept, edit or skip.

    \b
    SOURCE: a file (text, Markdown or HTML), - for standard input, or an
    http(s) URL. In a terminal each proposal is shown with its sentence,
    and a key accepts, edits, skips or quits; elsewhere, or with --format,
    the proposals are printed. --format json is a file `tracker import` takes.
    """
    from tracker.core import reader_catalog as core_reading
    from tracker.core.names import resolve_issues, resolve_parties
    from tracker.read import propose, source

    doc = source.load(source_arg, sys.stdin.buffer)
    day = stated_on or doc.date
    if day is None:
        raise click.UsageError(messages.no_date(source_arg))
    try:
        dates.check_statement_date(day)
    except ValueError as err:
        raise click.UsageError(f"{err} (the text's own date): give --date") from None
    cite = cite or (doc.url if source.is_url(source_arg) else None)
    with app().db.session() as session:
        known = core_reading.known_from_catalog(session, opposites=True)
        only_parties = [p.slug for p in resolve_parties(session, parties) or []]
        only_issues = [i.slug for i in resolve_issues(session, issues) or []]
        # The names that ask the opposite of their questions are theirs too.
        only_issues += [i.slug for i in known.issues if i.opposite_of in only_issues]
        found = propose.read(doc, known, day, cite, only_parties, only_issues)
        if min_confidence:
            found = dataclasses.replace(
                found, proposals=tuple(p for p in found.proposals if p.confidence >= min_confidence)
            )
        held = core_reading.held(session, found.proposals)
    if fmt is not None or (accept is None and not interactive()):
        emit(render.proposals(found, fmt or "table", style(tablefmt)))
    if accept is not None:
        if accept == ACCEPT_ALL:
            click.echo(messages.accept_all_warning(), err=True)
        _log_chosen(found.proposals, accept, held)
    elif fmt is None and interactive():
        _review(found.proposals, held)
        if found.unknown:
            click.echo(messages.not_in_catalog(found.unknown))


def _log(p: Proposal) -> None:
    """A proposal logged as `tracker add` logs a statement, in its own
    transaction: quitting later loses nothing already accepted."""
    with app().db.session(write=True) as session:
        done = _add(session, p)
    click.echo(messages.added(done))


def _add(session: Session, p: Proposal) -> Added:
    return core.add_statement(
        session, p.party, p.issue, p.score, p.summary, p.stated_on, quote=p.quote,
        speaker=p.speaker, source=p.source, basis=p.basis, conditions=p.conditions,
    )  # fmt: skip


def _log_chosen(
    proposals: Sequence[Proposal], accept: str | list[int], held: set[tuple[object, ...]]
) -> None:
    """`--accept`: the chosen proposals logged in one transaction, each as
    `tracker add` logs a statement; if one cannot be, none is."""
    numbers = list(range(1, len(proposals) + 1)) if accept == ACCEPT_ALL else accept
    assert isinstance(numbers, list)
    for number in numbers:
        if number > len(proposals):
            raise click.UsageError(messages.too_few(number, len(proposals)))
    said: list[str] = []
    with app().db.session(write=True) as session:
        for number in numbers:
            p = proposals[number - 1]
            if p.key() in held:
                said.append(messages.already_held(number))
                continue
            try:
                said.append(messages.added(_add(session, p)))
            except TrackerError as err:
                raise TrackerError(messages.not_logged(number, str(err))) from None
            held.add(p.key())
    for line in said:
        click.echo(line)


def _review(proposals: Sequence[Proposal], held: set[tuple[object, ...]]) -> None:
    from tracker.render import reader_layout as shown

    logged = 0
    keys = _Keys()
    for number, p in enumerate(proposals, 1):
        already = p.key() in held
        click.echo(shown.card(p, number, len(proposals), use_colour(), already))
        if already:
            continue
        while True:
            key = keys.next()
            if key == "q":
                click.echo(messages.review_done(logged, number - 1))
                return
            if key == "s":
                break
            chosen = _edited(p) if key == "e" else p
            try:
                _log(chosen)
            except TrackerError as err:
                click.echo(f"Error: {err}", err=True)
                continue
            held.add(chosen.key())
            logged += 1
            break
    click.echo(messages.review_done(logged, len(proposals)))


class _Keys:
    """The review's keys, taken as they are pressed (no Enter). What one read
    of the terminal returns (keys typed ahead, or pasted) is taken in order;
    blanks, other keys and escape sequences (arrows) are passed over; the
    end of the input (Ctrl-D) quits, keeping what was accepted."""

    def __init__(self) -> None:
        self.ahead = ""

    def next(self) -> str:
        click.echo(f"{messages.review_prompt()}: ", nl=False)
        while True:
            if not self.ahead:
                try:
                    self.ahead = _pressed() or "\x04"  # nothing read: the input ended
                except EOFError:
                    self.ahead = "\x04"
                if self.ahead.startswith("\x1b"):
                    self.ahead = ""
                    continue
            key, self.ahead = self.ahead[0].lower(), self.ahead[1:]
            if key == "\x04":  # Ctrl-D, or the end of the input
                key = "q"
            if key in ("a", "e", "s", "q"):
                click.echo(key)
                return key


def _pressed() -> str:
    """What the terminal has for us, one key at least. Not `click.getchar`:
    it flushes the keys typed before it is called (TCSAFLUSH), and a key
    pressed while a statement was being logged was lost."""
    try:
        import termios
        import tty
    except ImportError:  # no POSIX terminal (Windows)
        return click.getchar()
    if not sys.stdin.isatty():
        return click.getchar()
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # keys already typed stay
        return os.read(fd, 32).decode(sys.stdin.encoding or "utf-8", "replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _optional(value: str | None) -> str | None:
    return None if value is None or value.strip() in ("", "-") else value


def _edited(p: Proposal) -> Proposal:
    """Each field prompted, the proposal's value as the default."""
    click.echo(messages.edit_hint())
    ask = click.prompt
    return dataclasses.replace(
        p,
        party=ask("party", default=p.party),
        issue=ask("issue", default=p.issue),
        score=ask("stance", default=p.stance, type=STANCE),
        stated_on=ask("date", default=p.stated_on.isoformat(), type=DATE),
        summary=ask("summary", default=p.summary),
        quote=_optional(ask("quote", default=p.quote or "", show_default=bool(p.quote))),
        speaker=_optional(ask("speaker", default=p.speaker or "", show_default=bool(p.speaker))),
        source=_optional(ask("source", default=p.source or "", show_default=bool(p.source))),
        basis=ask("basis", default=p.basis, type=click.Choice(BASES)),
        conditions=_optional(
            ask("conditions", default=p.conditions or "", show_default=bool(p.conditions))
        ),
    )
