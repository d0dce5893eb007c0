"""`tracker party ...`: the parties, and keeping them right."""

from __future__ import annotations

import datetime as dt

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import (
    HISTORY,
    NAME_CHANGES,
    SHOWN_AS_OF,
    app,
    emit,
    nothing_to_change,
    output_options,
    slug_argument,
    style,
)
from tracker.cli.records import add_merge_and_remove
from tracker.core import catalog, edits, merge, pages
from tracker.render import messages


@click.group()
def party() -> None:
    """The parties to the negotiation: states, blocs, organisations, delegations."""


@party.command("add")
@click.argument("slug", callback=slug_argument)
@click.option("--name", required=True, help="Display name, e.g. 'United States'.")
@click.option("--kind", help="state, bloc, organisation, delegation, ...")
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="A",
    help="Another name it goes by (repeatable): Kyiv, UA, Україна.",
)
@click.option("--description", help="Free text.")
@output_options(("table", "json"), tablefmt=False)
def party_add(
    slug: str,
    name: str,
    kind: str | None,
    aliases: tuple[str, ...],
    description: str | None,
    fmt: str,
) -> None:
    """Add a party named SLUG (lowercase letters, digits, '-')."""
    with app().db.session(write=True) as session:
        view = catalog.add_party(session, slug, name, kind, aliases, description)
    emit(render.to_json(view.to_json()) if fmt == "json" else messages.party_added(view))


@party.command("list")
@output_options("records")
def party_list(fmt: str, tablefmt: str | None) -> None:
    """List the parties."""
    with app().db.session() as session:
        views = catalog.list_parties(session)
    listing = render.Records(
        ("slug", "name", "kind", "aliases", "description"),
        [(v.slug, v.name, v.kind, "; ".join(v.aliases), v.description) for v in views],
        [v.to_json() for v in views],
    )
    emit(render.records(listing, fmt, style(tablefmt)))


@party.command("show")
@click.argument("name", metavar="PARTY", shell_complete=complete.parties)
@SHOWN_AS_OF
@HISTORY
@output_options("party_page")
def party_show(name: str, as_of: dt.date, history: bool, fmt: str, tablefmt: str | None) -> None:
    """A party in full: its names, its people, what the ledger holds of it, and
    its stances as of a date (today)."""
    with app().db.session() as session:
        page = pages.party_page(session, name, as_of, history)
    emit(render.document("party_page", page, fmt, style(tablefmt)))


@party.command("edit")
@click.argument("name", metavar="PARTY", shell_complete=complete.parties)
@click.option("--name", "new_name", help="A new display name.")
@click.option("--kind", help="A new kind ('' clears it).")
@click.option("--description", help="A new description ('' clears it).")
@NAME_CHANGES
@click.option(
    "--rename",
    metavar="SLUG",
    callback=slug_argument,
    help="A new slug; the old one stays an alias.",
)
@output_options(("table", "json"), tablefmt=False)
def party_edit(
    name: str,
    new_name: str | None,
    kind: str | None,
    description: str | None,
    add_aliases: tuple[str, ...],
    remove_aliases: tuple[str, ...],
    rename: str | None,
    fmt: str,
) -> None:
    """Correct PARTY. Every change is kept in its history (party show --history)."""
    if not (new_name or kind is not None or description is not None or add_aliases
            or remove_aliases or rename):  # fmt: skip
        nothing_to_change("--name, --kind, --description, --add-alias, --remove-alias, --rename")
    with app().db.session(write=True) as session:
        done = edits.edit_party(
            session,
            name,
            new_name=new_name,
            kind=kind,
            description=description,
            add_aliases=add_aliases,
            remove_aliases=remove_aliases,
            rename=rename,
        )
    emit(render.to_json(done.record.to_json()) if fmt == "json" else messages.party_edited(done))


add_merge_and_remove(
    party, "party", "names, people and history", complete.parties, merge.merge_parties,
    edits.remove_party,
)  # fmt: skip
