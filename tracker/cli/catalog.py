"""`tracker party ...` and `tracker issue ...`."""

from __future__ import annotations

import click

from tracker import render
from tracker.cli.options import app, emit, output_options, slug_argument
from tracker.core import catalog


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
    if fmt == "json":
        emit(render.to_json(view.to_json()))
        return
    also = f" (also {', '.join(view.aliases)})" if view.aliases else ""
    emit(f"Added party {view.slug}: {render.terminal_text(view.name)}{render.terminal_text(also)}")


@party.command("list")
@output_options()
def party_list(fmt: str, tablefmt: str | None) -> None:
    """List the parties."""
    with app().db.session() as session:
        views = catalog.list_parties(session)
    if fmt == "json":
        emit(render.to_json([v.to_json() for v in views]))
        return
    rows = [(v.slug, v.name, v.kind, "; ".join(v.aliases), v.description) for v in views]
    emit(render.table(("slug", "name", "kind", "aliases", "description"), rows, fmt, tablefmt))


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
    if fmt == "json":
        emit(render.to_json(view.to_json()))
        return
    emit(f"Added issue {view.slug}: {render.terminal_text(view.title)}")
    if view.proposition is None:
        emit("Tip: give it a --proposition next time; it is what makes stances comparable.")


@issue.command("list")
@output_options()
def issue_list(fmt: str, tablefmt: str | None) -> None:
    """List the issues."""
    with app().db.session() as session:
        views = catalog.list_issues(session)
    if fmt == "json":
        emit(render.to_json([v.to_json() for v in views]))
        return
    rows = [(v.slug, v.title, v.proposition, v.description) for v in views]
    emit(render.table(("slug", "title", "proposition", "description"), rows, fmt, tablefmt))
