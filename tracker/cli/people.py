"""`tracker person ...`: the people who speak for parties."""

from __future__ import annotations

import datetime as dt

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import (
    DATE,
    HISTORY,
    NAME_CHANGES,
    app,
    emit,
    nothing_to_change,
    output_options,
    style,
)
from tracker.core import people
from tracker.render import messages

PARTY = click.option(
    "--party",
    "-p",
    required=True,
    shell_complete=complete.parties,
    help="The party they speak for: slug, name or alias.",
)
ROLE = click.option("--role", help="e.g. 'president', 'chief negotiator'.")


@click.group()
def person() -> None:
    """The people who speak for parties, and when they spoke for which. A person's
    name works wherever a PARTY does: the party they spoke for on the date."""


@person.command("add")
@click.argument("name")
@PARTY
@ROLE
@click.option("--alias", "aliases", multiple=True, metavar="A", help="Another name (repeatable).")
@click.option("--from", "start", type=DATE, help="The first day they spoke for it (default: open).")
@click.option("--until", "end", type=DATE, help="The last day (default: still does).")
@output_options(("table", "json"), tablefmt=False)
def person_add(
    name: str,
    party: str,
    role: str | None,
    aliases: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
    fmt: str,
) -> None:
    """Add a person, NAME, who speaks for a party."""
    with app().db.session(write=True) as session:
        view = people.add_person(session, name, party, role, aliases, start, end)
    emit(render.to_json(view.to_json()) if fmt == "json" else messages.person_added(view))


@person.command("affiliate")
@click.argument("name", shell_complete=complete.people)
@PARTY
@click.option("--from", "start", type=DATE, required=True, help="The first day they speak for it.")
@ROLE
@output_options(("table", "json"), tablefmt=False)
def person_affiliate(name: str, party: str, start: dt.date, role: str | None, fmt: str) -> None:
    """NAME speaks for another party from a date. Their open-ended affiliation
    ends the day before."""
    with app().db.session(write=True) as session:
        view = people.affiliate(session, name, party, start, role)
    emit(render.to_json(view.to_json()) if fmt == "json" else messages.person_affiliated(view))


@person.command("list")
@click.option(
    "--unregistered",
    is_flag=True,
    help="Instead: the speakers in statements that name no person, with the party "
    "each spoke for and how often.",
)
@output_options("records")
def person_list(unregistered: bool, fmt: str, tablefmt: str | None) -> None:
    """List the people, or (--unregistered) the speakers who are not yet people."""
    with app().db.session() as session:
        if unregistered:
            found = people.unregistered(session)
            listing = render.Records(
                ("speaker", "party", "statements"),
                [(u.speaker, u.party, u.statements) for u in found],
                [u.to_json() for u in found],
            )
        else:
            views = people.list_people(session)
            listing = render.Records(
                ("name", "aliases", "affiliations"),
                [(v.name, "; ".join(v.aliases), messages.affiliations(v)) for v in views],
                [v.to_json() for v in views],
            )
    emit(render.records(listing, fmt, style(tablefmt)))


@person.command("show")
@click.argument("name", shell_complete=complete.people)
@HISTORY
@output_options("person_page")
def person_show(name: str, history: bool, fmt: str, tablefmt: str | None) -> None:
    """A person in full: names, affiliations, and how often the ledger quotes them."""
    with app().db.session() as session:
        page = people.person_page(session, name, history)
    emit(render.document("person_page", page, fmt, style(tablefmt)))


@person.command("edit")
@click.argument("name", shell_complete=complete.people)
@click.option("--name", "new_name", help="A new name.")
@NAME_CHANGES
@output_options(("table", "json"), tablefmt=False)
def person_edit(
    name: str,
    new_name: str | None,
    add_aliases: tuple[str, ...],
    remove_aliases: tuple[str, ...],
    fmt: str,
) -> None:
    """Correct a person's names. Every change is kept in their history."""
    if not (new_name or add_aliases or remove_aliases):
        nothing_to_change("--name, --add-alias, --remove-alias")
    with app().db.session(write=True) as session:
        done = people.edit_person(
            session, name, new_name=new_name, add_aliases=add_aliases, remove_aliases=remove_aliases
        )
    emit(render.to_json(done.record.to_json()) if fmt == "json" else messages.person_edited(done))
