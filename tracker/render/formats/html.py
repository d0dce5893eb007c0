"""`--format html`: the report and the diff as self-contained pages to share
(`tracker.render.page`; jinja2 is imported only when one is written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.render.style import AS_IS, ReportView
from tracker.text import terminal_lines

if TYPE_CHECKING:
    from tracker.core.agreement_types import Alignment, Outlook
    from tracker.core.draft_types import DraftDiff, DraftShow
    from tracker.core.types import Diff, Report
    from tracker.render.style import Style

NAME = "html"
RANK = 40


def report(rep: Report, style: Style, view: ReportView = AS_IS) -> str:
    """The page shows more than the report: each cell's statement, each issue's
    proposition and timeline. `view.briefing` reads them."""
    from tracker.render import page

    if view.briefing is None:
        raise ValueError("an HTML report is drawn from its briefing")
    return _shown(
        page.report(
            view.briefing(),
            standing=view.standing() if view.standing else None,
            drafts=view.drafts() if view.drafts else (),
        ),
        style,
    )


def diff(d: Diff, style: Style) -> str:
    from tracker.render import page

    return _shown(page.diff(d), style)


def outlook(o: Outlook, style: Style) -> str:
    from tracker.render import page

    return _shown(page.outlook(o), style)


def align(a: Alignment, style: Style) -> str:
    from tracker.render import page

    return _shown(page.align(a), style)


def _shown(text: str, style: Style) -> str:
    """A page printed to a terminal shows its control characters escaped."""
    return terminal_lines(text) if style.terminal else text


def draft_show(show: DraftShow, style: Style) -> str:
    from tracker.render import draft_page

    return _shown(draft_page.show(show), style)


def draft_diff(d: DraftDiff, style: Style) -> str:
    from tracker.render import draft_page

    return _shown(draft_page.diff(d), style)
