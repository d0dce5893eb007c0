"""The drafts' pages: the list (`draft list`), a draft (`draft show`, its
`version` and `as_of` in the query string), its versions (`draft
versions`, withdrawn ones marked) and what changed between two (`draft
diff`, `from` and `to`). A draft and a diff are `render.draft_page`'s
side-by-side page, the one `--format html` writes, drawn in the site's
frame. Each is drawn once per data version (`respond.ask`); the forms that
write drafts are `draft_forms`'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from tracker.core.draft_types import DraftRef, VersionView
from tracker.errors import NotFound, TrackerError
from tracker.web import questions as ask_
from tracker.web.cache import Drawn
from tracker.web.pages import listing, site_of, takes_none
from tracker.web.params import Problem, Query
from tracker.web.respond import Asking, ask

HERE = "drafts"  # the navigation's entry

# A draft's page, drawn from the draft and all its versions (withdrawn ones too).
Draw = Callable[[DraftRef, list[VersionView]], str]


def controls(kind: str, shown: dict[str, Any], draft: DraftRef, found: list[VersionView]) -> Markup:
    """The links between a draft's pages, and the page's GET form: its live
    versions to choose from."""
    from tracker.render import site

    versions = [
        (v.label, f"{v.label} ({v.dated_on.isoformat()})") for v in found if not v.withdrawn
    ]
    return site.controls(f"draft_{kind}", q=shown, slug=draft.slug, versions=versions)


def drawn(a: Asking, slug: str, kind: str, shown: dict[str, Any], draw: Draw) -> Drawn:
    """A draft's page: 404 for a draft that does not exist; a bad option (a
    version it lacks, a withdrawn one) is the page's frame with the CLI's
    message, and the controls to correct it."""
    from tracker.core import draft_store

    try:
        draft = draft_store.get_draft(a.session, slug)
    except NotFound as err:
        return Drawn.of(listing(site_of(a, HERE), "Not found", error=str(err)), 404)
    found = draft_store.versions(a.session, draft, withdrawn=True)
    try:
        return Drawn.of(draw(draft, found))
    except (Problem, TrackerError) as err:
        if isinstance(err, Problem):
            status = err.status
        else:
            status = 404 if isinstance(err, NotFound) else 400
        site = site_of(a, HERE, controls(kind, shown, draft, found))
        return Drawn.of(listing(site, draft.title, error=str(err)), status)


# --- the list -------------------------------------------------------------------------


def drafts(request: Request) -> Response:
    """/drafts: every draft, and (for writers) a form to add one."""
    return ask(request, takes_none(request), lambda a: Drawn.of(list_page(a)), api=False)


def list_page(a: Asking, **values: Any) -> str:
    from tracker.core import draft_views
    from tracker.render import site as render_site

    values.setdefault("v", {})
    found = draft_views.list_drafts(a.session)
    return render_site.render(
        "drafts.html", site_of(a, HERE), drafts=found, **{"added": None, **values}
    )


# --- a draft ----------------------------------------------------------------------------


def show(request: Request) -> Response:
    """/drafts/SLUG: a version's points side by side with those before it,
    each row with its issues' class and stances (`draft show --format html`)."""
    slug, q = request.path_params["slug"], Query(request.query_params)

    def draw(a: Asking) -> Drawn:
        shown = q.shown(("version", "as_of"))
        return drawn(a, slug, "show", shown, lambda d, found: show_page(a, q, d, found))

    def question() -> Hashable:
        asked = ask_.draft_show_asked(q.only("version", "as_of"), slug)
        return asked, q.raw("as_of")

    return ask(
        request, question, draw, api=False, mistake=_mistake(slug, "show", q, ("version", "as_of"))
    )


def _mistake(
    slug: str, kind: str, q: Query | None = None, names: tuple[str, ...] = ()
) -> Callable[[Asking, Problem], Drawn]:
    """A question a draft's page cannot read: the draft's frame, its controls
    showing what was typed (`names` of `q`), with the message."""

    def draw(a: Asking, problem: Problem) -> Drawn:
        def fail(draft: DraftRef, found: list[VersionView]) -> str:
            raise problem

        try:
            shown = q.shown(names) if q else {}
        except Problem:  # what was typed cannot be shown either
            shown = dict.fromkeys(names)
        return drawn(a, slug, kind, shown, fail)

    return draw


def show_page(a: Asking, q: Query, draft: DraftRef, found: list[VersionView], **served: Any) -> str:
    """A draft's page; one with no version yet is its versions' page, where
    the first is added."""
    from tracker.core.names import spellings
    from tracker.render import draft_page

    if all(v.withdrawn for v in found):
        note = "No version yet: add its text below." if not found else "Every version is withdrawn."
        return versions_page(a, draft, found, note=note, **served)
    shown = ask_.draft_show(a.session, ask_.draft_show_asked(q, draft.slug), side_by_side=True)
    site = site_of(a, HERE, controls("show", q.shown(("version", "as_of")), draft, found))
    names = spellings(a.session, "issue") if site.may("writer") else ()
    return draft_page.show(shown, site, issue_names=names, **served)


def diff(request: Request) -> Response:
    """/drafts/SLUG/diff: what changed between two versions (`from`, `to`;
    default the two latest), side by side (`draft diff --format html`)."""
    slug, q = request.path_params["slug"], Query(request.query_params)

    def draw(a: Asking) -> Drawn:
        shown = q.shown(("from", "to"))
        return drawn(a, slug, "diff", shown, lambda d, found: diff_page(a, q, d, found))

    def question() -> Hashable:
        return ask_.draft_diff_asked(q.only("from", "to"), slug)

    return ask(
        request, question, draw, api=False, mistake=_mistake(slug, "diff", q, ("from", "to"))
    )


def diff_page(a: Asking, q: Query, draft: DraftRef, found: list[VersionView]) -> str:
    from tracker.render import draft_page

    compared = ask_.draft_diff(a.session, ask_.draft_diff_asked(q, draft.slug), side_by_side=True)
    shown = {"from": compared.old.label, "to": compared.new.label}
    return draft_page.diff(compared, site_of(a, HERE, controls("diff", shown, draft, found)))


# --- its versions -----------------------------------------------------------------------


def versions(request: Request) -> Response:
    """/drafts/SLUG/versions: every version, withdrawn ones marked; for
    writers, the forms that add one and withdraw one."""
    slug = request.path_params["slug"]

    def draw(a: Asking) -> Drawn:
        return drawn(a, slug, "versions", {}, lambda d, found: versions_page(a, d, found))

    return ask(request, takes_none(request), draw, api=False, mistake=_mistake(slug, "versions"))


def versions_page(a: Asking, draft: DraftRef, found: list[VersionView], **values: Any) -> str:
    from tracker.core.names import spellings
    from tracker.render import site as render_site

    site = site_of(a, HERE, controls("versions", {}, draft, found))
    names = spellings(a.session, "party") if site.may("writer") else ()
    values.setdefault("v", {})
    return render_site.render(
        "draft_versions.html", site, draft=draft, versions=found, party_names=names,
        today=dt.date.today().isoformat(), **values,
    )  # fmt: skip
