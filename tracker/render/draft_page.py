"""A draft as a page (`draft show` and `draft diff` with `--format html`):
its versions side by side, a column each, paired points on one row, the
words a point lost and gained marked with <del> and <ins> (struck through
and underlined, and named for a screen reader, not by colour alone), and
each row's issues with their outlook class. On a narrow screen the
columns stack. Drawn through the report page's Jinja2 environment
(`page._environment`: autoescaping on, so every stored text stays text)."""

from __future__ import annotations

from tracker.core.draft_types import DraftDiff, DraftShow, SideBySide
from tracker.render.page import _environment


def _render(title: str, side: SideBySide | None, **values: object) -> str:
    if side is None:
        raise ValueError("a draft's page is drawn from its versions side by side")
    return _environment().get_template("draft.html").render(title=title, side=side, **values)


def show(s: DraftShow) -> str:
    """Every version up to the one shown, side by side, its points' issues
    as of the date shown."""
    title = f"{s.draft.title}: {s.version.label}"
    return _render(title, s.side, draft=s.draft, shown=s, d=None, as_of=s.as_of)


def diff(d: DraftDiff) -> str:
    title = f"{d.draft.title}: {d.old.label} to {d.new.label}"
    return _render(title, d.side, draft=d.draft, shown=None, d=d, as_of=d.new.dated_on)
