"""The pages `tracker serve` draws: the report, diff, outlook and alignment
pages of `render.page` (the same templates as the files), served with their
stylesheet and scripts from the server instead of inline, a navigation bar,
the controls that put a page's state in its address, and the pages the files
do not have (the log, a statement, the catalog, search, the forms). Only the
server imports this module (and jinja2)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from markupsafe import Markup

from tracker.render.page import TEMPLATES, environment

# The navigation, in order: (key, label, address, role needed or None). A new
# page is one entry here, its template and its route (`tracker/web/app.py`).
NAV: Final[tuple[tuple[str, str, str, str | None], ...]] = (
    ("report", "Report", "/", None),
    ("diff", "Diff", "/diff", None),
    ("outlook", "Outlook", "/outlook", None),
    ("align", "Alignment", "/align", None),
    ("log", "Log", "/log", None),
    ("history", "History", "/history", None),
    ("search", "Search", "/search", None),
    ("drafts", "Drafts", "/drafts", None),
    ("parties", "Parties", "/parties", None),
    ("issues", "Issues", "/issues", None),
    ("people", "People", "/people", None),
    ("add", "Add", "/add", "writer"),
    ("read", "Read an article", "/read", "writer"),
)
ROLES: Final = ("reader", "writer", "admin")


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    digest: str


@cache
def assets() -> dict[str, Asset]:
    """What the pages load from the server: the files' stylesheets (rendered
    from the same templates: the report's, and a draft's side by side), the
    server's own, and the two scripts."""
    env = environment()
    found = {
        "style.css": (env.get_template("style.css").render(), "text/css"),
        "draft.css": (env.get_template("draft.css").render(), "text/css"),
        "site.css": ((TEMPLATES / "site" / "site.css").read_text("utf-8"), "text/css"),
        "popup.js": ((TEMPLATES / "popup.js").read_text("utf-8"), "text/javascript"),
        "live.js": ((TEMPLATES / "site" / "live.js").read_text("utf-8"), "text/javascript"),
    }
    return {
        name: Asset(body.encode(), f"{kind}; charset=utf-8", _digest(body))
        for name, (body, kind) in found.items()
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Site:
    """What a served page knows beyond its document: the data version it was
    drawn at, who is signed in (`user`, `role`; None: a visitor of a public
    server), the form token, which navigation entry it is (`here`), and its
    controls (a GET form: the page's state is its address)."""

    version: str
    user: str | None
    role: str | None
    csrf: str | None
    here: str
    controls: Markup = field(default_factory=Markup)
    public: bool = False

    def asset(self, name: str) -> str:
        return f"/static/{name}?v={assets()[name].digest}"

    def may(self, role: str) -> bool:
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)

    @property
    def nav(self) -> list[tuple[str, str, str]]:
        return [(k, label, href) for k, label, href, role in NAV if role is None or self.may(role)]


# What a page of the server's own says only sometimes (the templates are strict
# about names: a misspelt one is an error, not an empty string).
OPTIONAL: Final[dict[str, Any]] = {
    "error": None, "done": None, "note": None, "cut": False, "changes": None,
    "subtitle": None, "added": None, "logged": (), "unknown": (), "text": None, "url": None,
    "date": None, "source": None, "wordings": {}, "history": None, "activity": None,
    "edit": None, "reference": "", "statements": None, "hits": None,
    "done_links": (),
}  # fmt: skip


class Typed(dict[str, Any]):
    """What a form was sent with: a field not sent reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, site: Site, **values: Any) -> str:
    """A page of the server's own (`templates/site/`), in the files' frame.
    `v`, and each proposal's `v`, are what a form was sent with."""
    if "v" in values:
        values["v"] = Typed(values["v"])
    for p in values.get("proposals") or ():
        p["v"] = Typed(p["v"])
    page = environment().get_template(f"site/{template}")
    return page.render(site=site, **{**OPTIONAL, **values})


def controls(kind: str, **values: Any) -> Markup:
    """The GET form at the top of a page, filled with the page's state."""
    macro = getattr(environment().get_template("site/controls.html").module, kind)
    return Markup(macro(**values))


def choices(refs: Sequence[Any], label: str) -> list[tuple[str, str]]:
    """(slug, label) for a select's options."""
    return [(r.slug, getattr(r, label)) for r in refs]
