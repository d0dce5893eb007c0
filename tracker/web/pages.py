"""The pages: every question the command line answers, at an address that
holds its state in the query string. The report, diff, outlook and
alignment pages are `render.page`'s (the files' templates); the others are
`render.site`'s. Each is drawn once per data version (`respond.ask`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from tracker.core import catalog
from tracker.core import statements as core
from tracker.errors import TrackerError
from tracker.web import questions as ask_
from tracker.web.api import catch_up, wants_drafts
from tracker.web.cache import Drawn
from tracker.web.params import Problem, Query
from tracker.web.respond import Asking, ask, frame

REPORT = ("as_of", "known_at", "timelines")
STANDING = ("as_of", "known_at", "compare")
LISTS = ("party", "issue")
SPAN = ("party", "issue", "since", "until", "limit")


def site_of(a: Asking, here: str, controls: Markup | None = None) -> Any:
    return frame(a.who, a.version, here, controls)


def choices(a: Asking) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every party and issue, for the controls' lists: (slug, name or title)."""
    parties = [(v.slug, v.name) for v in catalog.list_parties(a.session)]
    issues = [(v.slug, v.title) for v in catalog.list_issues(a.session)]
    return parties, issues


def controls(a: Asking, kind: str, shown: dict[str, Any]) -> Markup:
    from tracker.render import site

    parties, issues = choices(a)
    return site.controls(kind, q=shown, parties=parties, issues=issues)


def page(
    request: Request,
    here: str,
    params: tuple[str, ...],
    parse: Callable[[Query], Hashable],
    shown: Callable[[Query], dict[str, Any]],
    draw: Callable[[Asking, Any, Any], str],
) -> Response:
    """A page with controls: `params` are the query parameters it takes,
    `parse` reads them into its question, `draw(a, asked, site)` renders it.
    It is kept by the question and by what its controls show (as typed,
    trimmed). A mistake is the same frame with the CLI's message, and the
    controls to correct it."""
    q = Query(request.query_params)

    def question() -> Hashable:
        asked = parse(q.only(*params))
        return asked, tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in shown(q).items()
        )

    def framed(a: Asking) -> Any:
        return site_of(a, here, controls(a, here, shown(q)))

    def drawn(a: Asking) -> Drawn:
        site = framed(a)
        try:
            return Drawn.of(draw(a, a.asked[0], site))
        except Problem as problem:
            return Drawn.of(listing(site, problem.message, error=problem.message), problem.status)
        except TrackerError as err:
            return Drawn.of(listing(site, "Not quite", error=str(err)), 400)

    def mistake(a: Asking, problem: Problem) -> Drawn:
        return Drawn.of(listing(framed(a), "Not quite", error=problem.message), problem.status)

    return ask(request, question, drawn, api=False, mistake=mistake)


def listing(site: Any, title: str, **values: Any) -> str:
    from tracker.render import site as render_site

    values.setdefault("statements", None)
    return render_site.render("statements.html", site, title=title, **values)


def report(request: Request) -> Response:
    def draw(a: Asking, asked: ask_.ReportAsked, site: Any) -> str:
        from tracker.core.agreement import standing
        from tracker.core.briefing import briefing
        from tracker.core.draft_views import report_drafts
        from tracker.render import page as html

        rep = ask_.report(a.session, asked)
        b = briefing(a.session, rep, asked.timelines or None, asked.show_retracted)
        drafts = report_drafts(a.session, rep)
        return html.report(b, standing=standing(rep), drafts=drafts, site=site)

    shown = lambda q: q.shown(REPORT, ("show_retracted",), LISTS)  # noqa: E731
    params = (*REPORT, "show_retracted", *LISTS)
    return page(request, "report", params, ask_.report_asked, shown, draw)


def _diff_query(q: Query) -> Query:
    """The diff page's dates, when not given: the last 30 days."""
    values = {k: q.many(k) for k in LISTS}
    to = q.raw("to") or dt.date.today().isoformat()
    start = q.raw("from")
    if start is None:
        try:
            start = (dt.date.fromisoformat(to) - dt.timedelta(days=30)).isoformat()
        except (ValueError, OverflowError):  # not a date (its 400 follows), or too early
            start = to
    single = {k: q.raw(k) for k in ("known_at", "all")}
    from starlette.datastructures import MultiDict

    items = [(k, v) for k, vs in values.items() for v in vs]
    items += [("from", start), ("to", to)] + [(k, v) for k, v in single.items() if v]
    return Query(MultiDict(items))


def diff(request: Request) -> Response:
    def draw(a: Asking, asked: ask_.DiffAsked, site: Any) -> str:
        from tracker.render import page as html

        return html.diff(ask_.diff(a.session, asked), site=site)

    def shown(q: Query) -> dict[str, Any]:
        return _diff_query(q).shown(("from", "to", "known_at"), ("all",), LISTS)

    params = ("from", "to", "known_at", "all", *LISTS)
    return page(request, "diff", params, lambda q: ask_.diff_asked(_diff_query(q)), shown, draw)


def outlook(request: Request) -> Response:
    def draw(a: Asking, asked: ask_.StandingAsked, site: Any) -> str:
        from tracker.render import page as html

        return html.outlook(ask_.outlook(a.session, asked), site=site)

    shown = lambda q: q.shown(STANDING, (), LISTS)  # noqa: E731
    return page(request, "outlook", (*STANDING, *LISTS), ask_.standing_asked, shown, draw)


def align(request: Request) -> Response:
    def draw(a: Asking, asked: ask_.StandingAsked, site: Any) -> str:
        from tracker.render import page as html

        return html.align(ask_.align(a.session, asked), site=site)

    shown = lambda q: q.shown((*STANDING, "threshold"), (), LISTS)  # noqa: E731
    parse = lambda q: ask_.standing_asked(q, True)  # noqa: E731
    return page(request, "align", (*STANDING, "threshold", *LISTS), parse, shown, draw)


def log(request: Request) -> Response:
    def draw(a: Asking, asked: ask_.LogAsked, site: Any) -> str:
        found, cut = ask_.log(a.session, asked)
        return listing(site, "Log", statements=found, cut=cut, note="Newest first.")

    params = (*SPAN, "recorded_by")
    return page(request, "log", params, ask_.log_asked, lambda q: q.shown(params), draw)


def history(request: Request) -> Response:
    def draw(a: Asking, asked: ask_.HistoryAsked | None, site: Any) -> str:
        if asked is None:
            return listing(site, "History", note="Choose a party and an issue.")
        h = core.history(a.session, asked.party, asked.issue)
        title = f"{h.party.name} on {h.issue.title}"
        changes = [e.change for e in h.entries]
        return listing(site, title, statements=[e.statement for e in h.entries], changes=changes,
                       note="Oldest first, each with the change it made.")  # fmt: skip

    def parse(q: Query) -> ask_.HistoryAsked | None:
        return ask_.history_asked(q) if q.raw("party") and q.raw("issue") else None

    return page(request, "history", LISTS, parse, lambda q: q.shown(LISTS), draw)


def search(request: Request) -> Response:
    """/search: the statements (`drafts=1`: the drafts' points) that say `q`."""
    if Query(request.query_params).raw("q") and not wants_drafts(request):
        catch_up(request)

    def draw(a: Asking, asked: ask_.SearchAsked | None, site: Any) -> str:
        if asked is None:
            return listing(site, "Search", note='Words, "quoted phrases", prefixes (sanction*).')
        found = ask_.search(a.session, asked)
        if asked.drafts:
            n = len(found.hits)
            note = (
                f"{n} draft point{'s' if n != 1 else ''} found for “{found.query}”, newest first."
            )
            return listing(site, "Search", hits=list(found.hits), note=note)
        note = f"{len(found.statements)} found for “{found.query}”, best match first."
        return listing(site, "Search", statements=list(found.statements), note=note)

    flags = ("include_retracted", "drafts")
    shown = lambda q: q.shown(("q", *SPAN), flags)  # noqa: E731
    parse = lambda q: ask_.search_asked(q) if q.raw("q") else None  # noqa: E731
    return page(request, "search", ("q", *SPAN, *flags), parse, shown, draw)


def statement(request: Request) -> Response:
    def draw(a: Asking) -> Drawn:
        from tracker.core import revisions
        from tracker.errors import NotFound
        from tracker.render import site as render_site

        try:
            s = core.get_statement(a.session, a.asked)
        except NotFound as err:
            return not_found(a, "log", Problem(404, str(err)))
        wordings = revisions.earlier_wordings(a.session, [(s.id, s.issue, s.recorded_at)])
        return Drawn.of(render_site.render("statement.html", site_of(a, "log"), s=s,
                                           wordings=wordings))  # fmt: skip

    def question() -> int:
        Query(request.query_params).only()
        return ask_.statement_id(request.path_params["id"])

    return ask(request, question, draw, api=False, mistake=lambda a, p: not_found(a, "log", p))


def takes_none(request: Request) -> Callable[[], None]:
    """The question of a page that takes no parameters: a 400 for any."""

    def question() -> None:
        Query(request.query_params).only()

    return question


def not_found(a: Asking, here: str, problem: Problem) -> Drawn:
    """A record that is not there (or a mistake in asking for it), in the frame."""
    title = "Not found" if problem.status == 404 else "Not quite"
    return Drawn.of(listing(site_of(a, here), title, error=problem.message), problem.status)


def assets(request: Request) -> Response:
    """/static/NAME: the stylesheets and scripts, cached for a year (their
    addresses change with their content)."""
    from tracker.render.site import assets as found

    asset = found().get(request.path_params["name"])
    if asset is None:
        return Response("not found", 404, media_type="text/plain")
    etag = f'"{asset.digest}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, headers=headers, media_type=asset.content_type)
