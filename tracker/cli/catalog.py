"""`tracker party ...` and `tracker issue ...`."""

from __future__ import annotations

import click

from tracker import render
from tracker.cli.options import app, emit, output_options, slug_argument, style
from tracker.core import catalog
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


@click.group()
def issue() -> None:
    """The issues on the table, each with the proposition stances are measured on."""


@issue.command("add")
@click.argument("slug", callback=slug_argument)
@click.option("--title", required=True, help="e.g. 'Donbas territory'.")
@click.option(
    "--proposition",
    help="The one sentence whose support a stance measures, e.g. "
    "'Ukraine withdraws its forces from the part of Donetsk it still holds'.",
)
@click.option("--description", help="Free text.")
@output_options(("table", "json"), tablefmt=False)
def issue_add(
    slug: str,
    title: str,
    proposition: str | None,
    description: str | None,
    fmt: str,
) -> None:
    """Add an issue named SLUG (lowercase letters, digits, '-')."""
    with app().db.session(write=True) as session:
        view = catalog.add_issue(session, slug, title, proposition, description)
    emit(render.to_json(view.to_json()) if fmt == "json" else messages.issue_added(view))


@issue.command("list")
@output_options("records")
def issue_list(fmt: str, tablefmt: str | None) -> None:
    """List the issues."""
    with app().db.session() as session:
        views = catalog.list_issues(session)
    listing = render.Records(
        ("slug", "title", "proposition", "description"),
        [(v.slug, v.title, v.proposition, v.description) for v in views],
        [v.to_json() for v in views],
    )
    emit(render.records(listing, fmt, style(tablefmt)))
