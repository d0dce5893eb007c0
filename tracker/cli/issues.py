"""`tracker issue ...`: the issues on the table, and keeping them right."""

from __future__ import annotations

import click

from tracker import render
from tracker.cli import complete
from tracker.cli.options import (
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
@click.option(
    "--keyword",
    "keywords",
    multiple=True,
    metavar="K",
    help="A word or phrase that signals the issue in text (repeatable): Donetsk, "
    "'line of contact'.",
)
@output_options(("table", "json"), tablefmt=False)
def issue_add(
    slug: str,
    title: str,
    proposition: str | None,
    description: str | None,
    keywords: tuple[str, ...],
    fmt: str,
) -> None:
    """Add an issue named SLUG (lowercase letters, digits, '-')."""
    with app().db.session(write=True) as session:
        view = catalog.add_issue(session, slug, title, proposition, description, keywords)
    emit(render.to_json(view.to_json()) if fmt == "json" else messages.issue_added(view))


@issue.command("edit")
@click.argument("name", metavar="ISSUE", shell_complete=complete.issues)
@click.option("--title", help="A new title.")
@click.option(
    "--proposition",
    help="A new proposition. Once statements were logged against the current one, "
    "this needs --force.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Change the proposition although statements were logged against it "
    "(the old wording is kept, with the dates it was in force).",
)
@click.option("--description", help="A new description ('' clears it).")
@click.option(
    "--add-keyword", "add_keywords", multiple=True, metavar="K", help="Add a keyword (repeatable)."
)
@click.option(
    "--remove-keyword",
    "remove_keywords",
    multiple=True,
    metavar="K",
    help="Remove a keyword (repeatable).",
)
@RENAME
@output_options(("table", "json"), tablefmt=False)
def issue_edit(
    name: str,
    title: str | None,
    proposition: str | None,
    force: bool,
    description: str | None,
    add_keywords: tuple[str, ...],
    remove_keywords: tuple[str, ...],
    rename: str | None,
    fmt: str,
) -> None:
    """Correct ISSUE. Every change is kept in its history (issue show --history)."""
    if not (title or proposition is not None or description is not None or add_keywords
            or remove_keywords or rename):  # fmt: skip
        nothing_to_change(
            "--title, --proposition, --description, --add-keyword, --remove-keyword, --rename"
        )
    with app().db.session(write=True) as session:
        done = edits.edit_issue(
            session,
            name,
            title=title,
            proposition=proposition,
            force=force,
            description=description,
            add_keywords=add_keywords,
            remove_keywords=remove_keywords,
            rename=rename,
        )
    emit(render.to_json(done.record.to_json()) if fmt == "json" else messages.issue_edited(done))


add_list(
    issue, "issues",
    lambda session: catalog.list_issues(session),  # looked up when the command runs
    ("slug", "title", "proposition", "keywords", "description"),
    lambda v: (v.slug, v.title, v.proposition, "; ".join(v.keywords), v.description),
)  # fmt: skip
add_show(
    issue, "issue", complete.issues, pages.issue_page,
    "An issue in full: its proposition and earlier wordings, keywords, what the ledger "
    "holds of it, and the stances on it as of a date (today).",
)  # fmt: skip
add_merge_and_remove(
    issue, "issue", "names, keywords and history", complete.issues, merge.merge_issues,
    edits.remove_issue, questions=True,
)  # fmt: skip
