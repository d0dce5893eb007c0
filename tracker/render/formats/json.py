"""`--format json`: SPEC's JSON shapes, indented, C1 controls escaped."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracker.render.style import AS_IS, ReportView

if TYPE_CHECKING:
    from tracker.core.agreement_types import Alignment, Outlook
    from tracker.core.draft_types import DraftDiff, DraftFound, DraftShow
    from tracker.core.records import IssuePage, PartyPage, PersonPage
    from tracker.core.types import Diff, Found, History, Report, StatementView, Wordings
    from tracker.read.types import Reading
    from tracker.render.style import Records, Style

NAME = "json"
RANK = 30

_C1 = re.compile(r"[\x80-\x9f]")


def to_json(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    # JSON leaves C1 controls raw (they are legal in strings); escape them, since
    # this output reaches terminals too. They only ever occur inside strings.
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def records(rec: Records, style: Style) -> str:
    return to_json(rec.payload)


def statements(
    items: Sequence[StatementView], style: Style, changes: Sequence[str | None] | None = None
) -> str:
    return to_json([s.to_json() for s in items])


def history(h: History, style: Style) -> str:
    return statements([e.statement for e in h.entries], style)


def statement(s: StatementView, style: Style, wordings: Wordings | None = None) -> str:
    return to_json(s.to_json())


def report(rep: Report, style: Style, view: ReportView = AS_IS) -> str:
    return to_json(rep.to_json())


def diff(d: Diff, style: Style) -> str:
    return to_json(d.to_json())


def party_page(page: PartyPage, style: Style) -> str:
    return to_json(page.to_json())


def issue_page(page: IssuePage, style: Style) -> str:
    return to_json(page.to_json())


def person_page(page: PersonPage, style: Style) -> str:
    return to_json(page.to_json())


def search(found: Found, style: Style) -> str:
    return statements(found.statements, style)


def proposals(reading: Reading, style: Style) -> str:
    """A document `tracker import` takes as it is (SPEC, "Reading articles")."""
    return to_json(reading.to_json())


def outlook(o: Outlook, style: Style) -> str:
    return to_json(o.to_json())


def align(a: Alignment, style: Style) -> str:
    return to_json(a.to_json())


def draft_show(show: DraftShow, style: Style) -> str:
    return to_json(show.to_json())


def draft_diff(d: DraftDiff, style: Style) -> str:
    return to_json(d.to_json())


def draft_search(found: DraftFound, style: Style) -> str:
    return to_json([h.to_json() for h in found.hits])
