"""Every way tracker prints data, one module per format in `formats/`: table,
markdown, csv, json and html. The command line asks for a document (a report,
a diff, a list of statements, ...) in a format by name; this module finds the
format's module and hands it the document. A new format is a new module in
`formats/`, and every command whose document it prints offers it.

The documents, and what each format function takes:

- `records(rec, style)`: a plain list of records (`party list`, `issue list`);
- `statements(items, style, changes=None)`: statements (`log`);
- `history(h, style)`: one party's statements on one issue (`history`);
- `statement(s, style)`: one statement in full (`show`);
- `report(rep, style, view)`: the stance table (`ReportView`: detail, transpose,
  and what a page shows beyond it);
- `diff(d, style)`: what moved between two dates;
- `party_page(page, style)`, `issue_page(page, style)`, `person_page(page,
  style)`: a record in full (`show`);
- `search(found, style)`: the statements a search found, best first.


- `proposals(reading, style)`: the statements a text reports (`read`).
- `outlook(o, style)`: each issue's class, closest to a deal first (`outlook`);
- `align(a, style)`: the agreement of each pair of parties, and the blocs (`align`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from tracker.core.types import Diff, History, Report, StatementView, Wordings
from tracker.render.formats.json import to_json
from tracker.render.style import AS_IS, PLAIN, Records, ReportView, Style

if TYPE_CHECKING:  # fractions, which agreement_types imports, is not needed to start
    from tracker.core.agreement_types import Alignment, Outlook
    from tracker.read.types import Reading

__all__ = ["DEFAULT_FORMAT", "Records", "ReportView", "Style", "formats", "to_json"]

# What --format is when not given: a format that prints every document
# (tests/test_cli_docs.py checks each command).
DEFAULT_FORMAT = "table"


@cache
def _modules() -> dict[str, ModuleType]:
    """The format modules by name, in their RANK order."""
    package = importlib.import_module("tracker.render.formats")
    found = [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]
    return {m.NAME: m for m in sorted(found, key=lambda m: (m.RANK, m.NAME))}


def formats(document: str) -> tuple[str, ...]:
    """The formats that can print `document` ("report", "statements", ...)."""
    return tuple(name for name, module in _modules().items() if hasattr(module, document))


def _printer(document: str, fmt: str) -> Callable[..., str]:
    module = _modules().get(fmt)
    printer = getattr(module, document, None)
    if printer is None:
        raise ValueError(f"format {fmt!r} cannot print a {document}")
    assert callable(printer)
    return printer  # type: ignore[no-any-return]


def document(name: str, value: object, fmt: str, style: Style = PLAIN) -> str:
    """Any document that takes only its value and the style: a record's page
    (`party_page`, `issue_page`, `person_page`), a search's results
    (`search`)."""
    return _printer(name, fmt)(value, style)


def records(rec: Records, fmt: str, style: Style = PLAIN) -> str:
    return _printer("records", fmt)(rec, style)


def statements(
    items: Sequence[StatementView],
    fmt: str,
    style: Style = PLAIN,
    changes: Sequence[str | None] | None = None,
) -> str:
    return _printer("statements", fmt)(items, style, changes)


def history(h: History, fmt: str, style: Style = PLAIN) -> str:
    return _printer("history", fmt)(h, style)


def statement(
    s: StatementView, fmt: str, style: Style = PLAIN, wordings: Wordings | None = None
) -> str:
    """`wordings`: if `s` was logged against an earlier wording of its issue."""
    return _printer("statement", fmt)(s, style, wordings)


def report(rep: Report, fmt: str, style: Style = PLAIN, view: ReportView = AS_IS) -> str:
    return _printer("report", fmt)(rep, style, view)


def diff(d: Diff, fmt: str, style: Style = PLAIN) -> str:
    return _printer("diff", fmt)(d, style)


def proposals(reading: Reading, fmt: str, style: Style = PLAIN) -> str:
    return _printer("proposals", fmt)(reading, style)


def outlook(o: Outlook, fmt: str, style: Style = PLAIN) -> str:
    return _printer("outlook", fmt)(o, style)


def align(a: Alignment, fmt: str, style: Style = PLAIN) -> str:
    return _printer("align", fmt)(a, style)
