"""docs/cli.md against the command line itself: every command has a section
that the page's index links to, and every option of every command (its long
name, and the `--no-...` name of a two-way flag) is written in that command's
section, so that the reference cannot drift from `--help`."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest

from helpers import REPO
from tracker.cli import cli

CLI_MD = REPO / "docs" / "cli.md"
# The root group's options are documented before any command.
ROOT_SECTION = "Global options"

CommandPath = tuple[str, ...]


def commands() -> Iterator[tuple[CommandPath, click.Command]]:
    """Every command and group, as (("tracker", "party", "add"), command)."""

    def walk(
        path: CommandPath, command: click.Command, ctx: click.Context
    ) -> Iterator[tuple[CommandPath, click.Command]]:
        yield path, command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, (*path, name)
                yield from walk((*path, name), sub, click.Context(sub, info_name=name, parent=ctx))

    yield from walk(("tracker",), cli, click.Context(cli, info_name="tracker"))


COMMANDS = dict(commands())
LEAVES = [path for path, command in COMMANDS.items() if not isinstance(command, click.Group)]


def long_names(command: click.Command) -> list[str]:
    """The command's options by their long names, `--no-...` ones too; not `--help`."""
    return [
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
        if name.startswith("--") and name != "--help"
    ]


def sections(markdown: str) -> dict[str, str]:
    """Each heading's text and its section: what follows it up to the next
    heading of the same or a higher level (headings inside code blocks are not)."""
    headings: list[tuple[int, int, str]] = []  # (line, level, text)
    lines = markdown.splitlines()
    fenced = False
    for n, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (found := re.match(r"(#{1,6}) +(.+?) *#* *$", line)):
            headings.append((n, len(found[1]), found[2]))
    found_sections = {}
    for k, (start, level, title) in enumerate(headings):
        end = next((n for n, lvl, _ in headings[k + 1 :] if lvl <= level), len(lines))
        found_sections[title] = "\n".join(lines[start + 1 : end])
    return found_sections


def anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, spaces as '-', no punctuation."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def section_title(path: CommandPath, titled: dict[str, str]) -> str | None:
    """The heading of a command's section: its own (`tracker party add`), or
    its group's (`tracker db` holds `db backup`, `db path`, ...)."""
    if path == ("tracker",):
        return ROOT_SECTION
    for end in range(len(path), 1, -1):
        title = " ".join(path[:end])
        if title in titled:
            return title
    return None


def mentions(text: str, option: str) -> bool:
    """Whether `option` is in the text as a whole name (`--all`, not `--all-of`)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    return sections(CLI_MD.read_text(encoding="utf-8"))


def test_the_walk_finds_every_command() -> None:
    """What the walk below relies on: the lazy group lists and loads each command."""
    assert ("tracker", "report") in LEAVES and ("tracker", "party", "add") in LEAVES
    assert ("tracker", "db", "backup") in LEAVES
    assert long_names(COMMANDS["tracker", "export"]) == [
        "--format",
        "--output",
        "--escape-formulas",
        "--no-escape-formulas",
    ]


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_has_a_section(path: CommandPath, reference: dict[str, str]) -> None:
    title = section_title(path, reference)
    assert title is not None, f"docs/cli.md has no section for {' '.join(path)}"
    if title != " ".join(path):  # a subcommand in its group's section is named there
        assert " ".join(path[1:]) in reference[title], (path, title)
    text = CLI_MD.read_text(encoding="utf-8")
    assert f"](#{anchor(title)})" in text, f"the index of docs/cli.md does not link to {title}"


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_every_option_is_in_its_commands_section(
    path: CommandPath, reference: dict[str, str]
) -> None:
    options = long_names(COMMANDS[path])
    if not options:
        return
    title = section_title(path, reference)
    assert title is not None, f"docs/cli.md has no section for {' '.join(path)}"
    missing = [option for option in options if not mentions(reference[title], option)]
    assert missing == [], f"docs/cli.md, section {title!r}: {' '.join(path)} {missing} not found"


def test_the_sections_are_read_as_written() -> None:
    """The parser on a page of the same shape: levels, code blocks, anchors."""
    page = (
        "# reference\n\n## Global options\n\n`--db`\n\n## tracker db\n\n```\n"
        "## not a heading\n```\n\n### tracker db backup\n\n`--force`\n\n## tracker demo\n\n`--keep`\n"
    )
    found = sections(page)
    assert list(found) == [
        "reference",
        "Global options",
        "tracker db",
        "tracker db backup",
        "tracker demo",
    ]
    assert "--force" in found["tracker db"] and "--keep" not in found["tracker db"]
    assert found["tracker db backup"].strip() == "`--force`"
    assert section_title(("tracker", "db", "backup"), found) == "tracker db backup"
    assert section_title(("tracker", "db", "path"), found) == "tracker db"
    assert section_title(("tracker", "party", "add"), found) is None
    assert anchor("tracker party add") == "tracker-party-add"
    assert anchor("The HTML pages") == "the-html-pages"
    assert mentions("`-f/--format`", "--format") and not mentions("`--all-of`", "--all")


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_format_default_is_a_choice(path: CommandPath) -> None:
    """A command's --format defaults to a format that prints its document
    (the choices are found lazily: see `FormatChoice`)."""
    option = next((p for p in COMMANDS[path].params if p.name == "fmt"), None)
    if option is None:
        pytest.skip("no --format")
    assert isinstance(option.type, click.Choice)
    if not isinstance(option.default, str):  # `read`: none given means review them
        pytest.skip("no default format")
    assert option.default in option.type.choices, (option.default, option.type.choices)
