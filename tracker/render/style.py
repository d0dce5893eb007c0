"""What every format is handed beside its document: how to lay text out, and
the simplest document of all, a plain list of records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.core.agreement_types import Standing
    from tracker.core.draft_types import DraftStanding
    from tracker.core.types import Briefing


@dataclass(frozen=True, slots=True)
class Style:
    """How text output is laid out: the tabulate style (None: the default),
    terminal colours, the width to fit tables to (None: do not fit), and
    whether it goes to a terminal (where no format may print a raw control
    character; in a file or a pipe, CSV keeps text verbatim)."""

    tablefmt: str | None = None
    colour: bool = False
    width: int | None = None
    terminal: bool = False


PLAIN = Style()


@dataclass(frozen=True, slots=True)
class Records:
    """A plain list of records (`party list`, `issue list`): a row of cells
    each for the text formats, and each record's JSON shape for json."""

    headers: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    payload: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReportView:
    """How to show a report: each stance's date and conditions (`detail`),
    parties in rows (`transpose`), and, for a page, how to read what it shows
    beyond the report (`briefing`: each cell's statement, the timelines;
    `standing`: the outlook and the alignment; `drafts`: each draft's latest
    version and the classes of the issues its points settle)."""

    detail: bool = False
    transpose: bool = False
    briefing: Callable[[], Briefing] | None = None
    standing: Callable[[], Standing] | None = None
    drafts: Callable[[], Sequence[DraftStanding]] | None = None


AS_IS = ReportView()
