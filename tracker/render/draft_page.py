"""A draft as a page (`draft show` and `draft diff` with `--format html`):
its versions side by side, a column each, paired points on one row, the
words a point lost and gained marked with <del> and <ins> (struck through
and underlined, and named for a screen reader, not by colour alone), and
each row's issues with their outlook class. On a narrow screen the
columns stack. Drawn through the report page's Jinja2 environment
(`page._environment`: autoescaping on, so every stored text stays text).

`tracker serve` draws the same pages with a `site` (`tracker.render.site.Site`):
its navigation and controls around them, links to the versions and
issues, and, on a version's page, the form that corrects its points'
links (`served`: what that form shows)."""

from __future__ import annotations

from typing import Any

from tracker.core.draft_types import DraftDiff, DraftShow, SideBySide
from tracker.render.page import _environment

# What a served draft page says only sometimes (the templates are strict
# about names).
SERVED: dict[str, Any] = {"done": None, "error": None, "v": {}, "issue_names": ()}


def _render(title: str, side: SideBySide | None, site: Any, **values: Any) -> str:
    if side is None:
        raise ValueError("a draft's page is drawn from its versions side by side")
    served = {} if site is None else {"site": site, **SERVED}
    page = _environment().get_template("draft.html")
    return page.render(title=title, side=side, **{**served, **values})


def show(s: DraftShow, site: Any = None, **served: Any) -> str:
    """Every version up to the one shown, side by side, its points' issues
    as of the date shown."""
    title = f"{s.draft.title}: {s.version.label}"
    return _render(title, s.side, site, draft=s.draft, shown=s, d=None, as_of=s.as_of, **served)


def diff(d: DraftDiff, site: Any = None) -> str:
    title = f"{d.draft.title}: {d.old.label} to {d.new.label}"
    return _render(title, d.side, site, draft=d.draft, shown=None, d=d, as_of=d.new.dated_on)
