"""The pages: every question the command line answers, at an address that
holds its state in the query string. The report, diff, outlook and
alignment pages are `render.page`'s (the files' templates); the others are
`render.site`'s. Each is drawn once per data version (`respond.ask`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from tracker.core import catalog, people
from tracker.core import pages as record_pages
from tracker.core import statements as core
from tracker.web import questions as ask_
from tracker.web.api import catch_up, wants_drafts
from tracker.web.cache import CSRF, USER, Drawn
from tracker.web.params import Problem, Query
from tracker.web.respond import Asking, ask

REPORT = ("as_of", "known_at", "timelines")
STANDING = ("as_of", "known_at", "compare", "threshold")
SPAN = ("party", "issue", "since", "until", "limit")
KINDS = {"parties": "party", "issues": "issue", "people": "person"}


def _key(request: Request) -> tuple[str, tuple[tuple[str, str], ...]]:
    return request.url.path, tuple(sorted(request.query_params.multi_items()))


def site_of(a: Asking, here: str, controls: Markup | None = None) -> Any:
    from tracker.render.site import Site

    who = a.who
    return Site(
        a.version,
        USER if who.account else None,
        who.role,
        CSRF if who.csrf else None,
        here,
        controls or Markup(),
        who.account is None,
    )


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
    kind: str,
    shown: Callable[[Query], dict[str, Any]],
    draw: Callable[[Asking, Query, Any], str],
) -> Response:
    """A page with controls: `draw` renders it with its Site; a bad option is
    the same frame with the CLI's message, and the controls to correct it."""
    q = Query(request.query_params)

    def drawn(a: Asking) -> Drawn:
        site = site_of(a, here, controls(a, kind, shown(q)))
        try:
            return Drawn.of(draw(a, q, site))
        except Problem as problem:
            return Drawn.of(listing(site, problem.message, error=problem.message), problem.status)
        except Exception as err:
            from tracker.errors import TrackerError

            if not isinstance(err, TrackerError):
                raise
            return Drawn.of(listing(site, "Not quite", error=str(err)), 400)

    return ask(request, _key(request), drawn, api=False)


def listing(site: Any, title: str, **values: Any) -> str:
    from tracker.render import site as render_site

    values.setdefault("statements", None)
    return render_site.render("statements.html", site, title=title, **values)


def report(request: Request) -> Response:
    def draw(a: Asking, q: Query, site: Any) -> str:
        from tracker.core.agreement import standing
        from tracker.core.briefing import briefing
        from tracker.core.draft_views import report_drafts
        from tracker.render import page as html

        asked = ask_.report_asked(q)
        rep = ask_.report(a.session, asked)
        b = briefing(a.session, rep, asked.timelines or None, asked.show_retracted)
        drafts = report_drafts(a.session, rep)
        return html.report(b, standing=standing(rep), drafts=drafts, site=site)

    shown = lambda q: q.shown(REPORT, ("show_retracted",), ("party", "issue"))  # noqa: E731
    return page(request, "report", "report", shown, draw)


def _diff_query(q: Query) -> Query:
    """The diff page's dates, when not given: the last 30 days."""
    values = {k: q.values.getlist(k) for k in ("party", "issue")}  # type: ignore[union-attr]
    to = q.raw("to") or dt.date.today().isoformat()
    start = q.raw("from")
    if start is None:
        try:
            start = (dt.date.fromisoformat(to) - dt.timedelta(days=30)).isoformat()
        except ValueError:
            start = to
    single = {k: q.raw(k) for k in ("known_at", "all")}
    from starlette.datastructures import MultiDict

    items = [(k, v) for k, vs in values.items() for v in vs]
    items += [("from", start), ("to", to)] + [(k, v) for k, v in single.items() if v]
    return Query(MultiDict(items))


def diff(request: Request) -> Response:
    def draw(a: Asking, q: Query, site: Any) -> str:
        from tracker.render import page as html

        return html.diff(ask_.diff(a.session, ask_.diff_asked(_diff_query(q))), site=site)

    def shown(q: Query) -> dict[str, Any]:
        return _diff_query(q).shown(("from", "to", "known_at"), ("all",), ("party", "issue"))

    return page(request, "diff", "diff", shown, draw)


def outlook(request: Request) -> Response:
    def draw(a: Asking, q: Query, site: Any) -> str:
        from tracker.render import page as html

        return html.outlook(ask_.outlook(a.session, ask_.standing_asked(q)), site=site)

    shown = lambda q: q.shown(STANDING, (), ("party", "issue"))  # noqa: E731
    return page(request, "outlook", "outlook", shown, draw)


def align(request: Request) -> Response:
    def draw(a: Asking, q: Query, site: Any) -> str:
        from tracker.render import page as html

        return html.align(ask_.align(a.session, ask_.standing_asked(q, True)), site=site)

    shown = lambda q: q.shown(STANDING, (), ("party", "issue"))  # noqa: E731
    return page(request, "align", "align", shown, draw)


def log(request: Request) -> Response:
    def draw(a: Asking, q: Query, site: Any) -> str:
        asked = ask_.log_asked(q)
        found, cut = ask_.log(a.session, asked)
        return listing(site, "Log", statements=found, cut=cut, note="Newest first.")

    return page(request, "log", "log", lambda q: q.shown((*SPAN, "recorded_by")), draw)


def history(request: Request) -> Response:
    def draw(a: Asking, q: Query, site: Any) -> str:
        if not (q.raw("party") and q.raw("issue")):
            return listing(site, "History", note="Choose a party and an issue.")
        asked = ask_.history_asked(q)
        h = core.history(a.session, asked.party, asked.issue)
        title = f"{h.party.name} on {h.issue.title}"
        changes = [e.change for e in h.entries]
        return listing(site, title, statements=[e.statement for e in h.entries], changes=changes,
                       note="Oldest first, each with the change it made.")  # fmt: skip

    return page(request, "history", "history", lambda q: q.shown(("party", "issue")), draw)


def search(request: Request) -> Response:
    """/search: the statements (`drafts=1`: the drafts' points) that say `q`."""
    if Query(request.query_params).raw("q") and not wants_drafts(request):
        catch_up(request)

    def draw(a: Asking, q: Query, site: Any) -> str:
        if not q.raw("q"):
            return listing(site, "Search", note='Words, "quoted phrases", prefixes (sanction*).')
        asked = ask_.search_asked(q)
        found = ask_.search(a.session, asked)
        if asked.drafts:
            n = len(found.hits)
            note = (
                f"{n} draft point{'s' if n != 1 else ''} found for “{found.query}”, newest first."
            )
            return listing(site, "Search", hits=list(found.hits), note=note)
        note = f"{len(found.statements)} found for “{found.query}”, best match first."
        return listing(site, "Search", statements=list(found.statements), note=note)

    shown = lambda q: q.shown(("q", *SPAN), ("include_retracted", "drafts"))  # noqa: E731
    return page(request, "search", "search", shown, draw)


def statement(request: Request) -> Response:
    def draw(a: Asking) -> Drawn:
        from tracker.core import revisions
        from tracker.render import site as render_site

        site = site_of(a, "log")
        try:
            s = core.get_statement(a.session, ask_.statement_id(request.path_params["id"]))
        except Exception as err:
            from tracker.errors import NotFound

            if not isinstance(err, NotFound | Problem):
                raise
            return Drawn.of(listing(site, "Not found", error=str(err)), 404)
        wordings = revisions.earlier_wordings(a.session, [(s.id, s.issue, s.recorded_at)])
        return Drawn.of(render_site.render("statement.html", site, s=s, wordings=wordings))

    return ask(request, _key(request), draw, api=False)


def records(request: Request) -> Response:
    """/parties, /issues, /people: the list, and (for writers) a form to add one."""
    kind = {"/parties": "party", "/issues": "issue", "/people": "person"}[request.url.path]

    def draw(a: Asking) -> Drawn:
        return Drawn.of(records_page(a, kind))

    return ask(request, _key(request), draw, api=False)


def records_page(a: Asking, kind: str, **values: Any) -> str:
    from tracker.core.names import spellings
    from tracker.render import site as render_site

    here = {"party": "parties", "issue": "issues", "person": "people"}[kind]
    if kind == "party":
        views = catalog.list_parties(a.session)
        rows: list[tuple[str, tuple[str | None, ...]]] = [
            (f"/parties/{v.slug}", (v.slug, v.name, v.kind, "; ".join(v.aliases))) for v in views
        ]
        headers: tuple[str, ...] = ("Slug", "Name", "Kind", "Also")
    elif kind == "issue":
        issues = catalog.list_issues(a.session)
        rows = [(f"/issues/{v.slug}", (v.slug, v.title, v.proposition)) for v in issues]
        headers = ("Slug", "Title", "Proposition")
    else:
        from tracker.render.messages import affiliations

        found = people.list_people(a.session)
        rows = [
            (f"/people/{v.name}", (v.name, "; ".join(v.aliases), affiliations(v))) for v in found
        ]
        headers = ("Name", "Also", "Speaks for")
    values.setdefault("v", {})
    return render_site.render(
        "records.html", site_of(a, here), title=here.capitalize(), headers=headers, rows=rows,
        kind=kind, action=f"/{here}", party_names=spellings(a.session, "party"), **values,
    )  # fmt: skip


def record(request: Request) -> Response:
    """/parties/NAME, /issues/NAME, /people/NAME: a record in full."""
    kind = request.url.path.split("/")[1]
    name = request.path_params["name"]
    q = Query(request.query_params)

    def draw(a: Asking) -> Drawn:
        from tracker.errors import NotFound

        try:
            return Drawn.of(record_page(a, kind, name, q))
        except (NotFound, Problem) as err:
            return Drawn.of(listing(site_of(a, kind), "Not found", error=str(err)), 404)

    return ask(request, _key(request), draw, api=False)


def record_page(a: Asking, kind: str, name: str, q: Query, **values: Any) -> str:
    from tracker.render import site as render_site

    asked = ask_.record_asked(q, name)
    shown = q.shown(("as_of",), ("history",))
    if kind == "parties":
        p = record_pages.party_page(a.session, name, asked.as_of, asked.history)
        v = p.party
        fields = [("Slug", v.slug), ("Kind", v.kind), ("Also", "; ".join(v.aliases)),
                  ("Description", v.description), ("People", "; ".join(p.people))]  # fmt: skip
        edit = [("name", "Name", v.name), ("kind", "Kind", v.kind or ""),
                ("description", "Description", v.description or ""),
                ("add_alias", "Add another name", ""), ("remove_alias", "Remove a name", ""),
                ("rename", "New slug (the old one stays a name)", "")]  # fmt: skip
        extra = {"title": v.name, "activity": p.activity, "other": "issue", "slug": v.slug,
                 "history": p.history, "base": f"/parties/{v.slug}"}  # fmt: skip
    elif kind == "issues":
        i = record_pages.issue_page(a.session, name, asked.as_of, asked.history)
        w = i.issue
        also = "; ".join(f"{n} (negated)" if n in w.negated_aliases else n for n in w.aliases)
        fields = [("Slug", w.slug), ("Proposition", w.proposition), ("Keywords", "; ".join(w.keywords)),
                  ("Also", also), ("Description", w.description)]  # fmt: skip
        edit = [("title", "Title", w.title), ("proposition", "Proposition", w.proposition or ""),
                ("force", "Change the proposition although statements were logged against it", ""),
                ("description", "Description", w.description or ""),
                ("add_keyword", "Add a keyword", ""), ("remove_keyword", "Remove a keyword", ""),
                ("rename", "New slug (the old one stays a name)", "")]  # fmt: skip
        extra = {"title": w.title, "activity": i.activity, "other": "party", "slug": w.slug,
                 "history": i.history, "wordings": i.wordings if len(i.wordings) > 1 else (),
                 "base": f"/issues/{w.slug}"}  # fmt: skip
    else:
        person = people.person_page(a.session, name, asked.history)
        pv = person.person
        from tracker.render.messages import affiliations

        fields = [("Also", "; ".join(pv.aliases)), ("Speaks for", affiliations(pv)),
                  ("Statements naming them", str(person.statements))]  # fmt: skip
        edit = [("name", "Name", pv.name), ("add_alias", "Add another name", ""),
                ("remove_alias", "Remove a name", "")]  # fmt: skip
        extra = {"title": pv.name, "activity": None, "history": person.history,
                 "base": f"/people/{pv.name}"}  # fmt: skip
    site = site_of(a, kind, _record_controls(shown, str(extra["base"])))
    return render_site.render(
        "record.html", site, fields=fields, edit=edit, kind=KINDS[kind], **{**extra, **values},
    )  # fmt: skip


def _record_controls(shown: dict[str, Any], action: str) -> Markup:
    from tracker.render import site

    return site.controls("record", q=shown, action=action)


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
