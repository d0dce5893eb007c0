"""`tracker party ...`: the parties, and keeping them right."""

from __future__ import annotations

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import (
    NAME_CHANGES,
    RENAME,
    app,
    emit,
    nothing_to_change,
    output_options,
    slug_argument,
)
from tracker.cli.records import add_list, add_merge_and_remove, add_show
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


@party.command("edit")
@click.argument("name", metavar="PARTY", shell_complete=complete.parties)
@click.option("--name", "new_name", help="A new display name.")
@click.option("--kind", help="A new kind ('' clears it).")
@click.option("--description", help="A new description ('' clears it).")
@NAME_CHANGES
@RENAME
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


add_list(
    party, "parties",
    lambda session: catalog.list_parties(session),  # looked up when the command runs
    ("slug", "name", "kind", "aliases", "description"),
    lambda v: (v.slug, v.name, v.kind, "; ".join(v.aliases), v.description),
)  # fmt: skip
add_show(
    party, "party", complete.parties, pages.party_page,
    "A party in full: its names, its people, what the ledger holds of it, and its stances "
    "as of a date (today).",
)  # fmt: skip
add_merge_and_remove(
    party, "party", "names, people and history", complete.parties, merge.merge_parties,
    edits.remove_party,
)  # fmt: skip
