"""The JSON API: `/api/...` answers exactly what the command's `--format
json` prints for the same options (the same core call, the same json
format of `tracker.render`), and takes the writes `add` and `retract` do."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tracker import render
from tracker.core import catalog, pages, people
from tracker.core import statements as core
from tracker.errors import NotFound
from tracker.web import auth
from tracker.web import questions as ask_
from tracker.web.cache import Drawn
from tracker.web.errors import refused
from tracker.web.params import TRUE, Problem, Query
from tracker.web.respond import JSON, Asking, ask, form_of, json_of, json_text
from tracker.web.write import signed, written


def _json(text: str, status: int = 200) -> Drawn:
    return Drawn.of(text + "\n", status, JSON)


def answer(
    request: Request,
    params: tuple[str, ...],
    parse: Callable[[Query], Hashable],
    show: Callable[[Asking, Any], str],
    missing: int = 400,
) -> Response:
    """A GET of the API: `params` are the query parameters it takes, `parse`
    reads them into the question (the cache's key), and `show` is the
    command's core call and json format. A name that names nothing is a
    `missing` (404 for an endpoint of one record)."""
    q = Query(request.query_params)

    def drawn(a: Asking) -> Drawn:
        try:
            return _json(show(a, a.asked))
        except NotFound as err:
            raise Problem(missing, str(err)) from None

    return ask(request, lambda: parse(q.only(*params)), drawn, api=True)


def nothing(q: Query) -> None:
    return None


REPORT = ("as_of", "known_at", "party", "issue")
STANDING = (*REPORT, "compare")
SPAN = ("party", "issue", "since", "until", "limit")
SEARCH = ("q", *SPAN, "include_retracted", "drafts")


def report(request: Request) -> Response:
    def show(a: Asking, asked: ask_.ReportAsked) -> str:
        return render.report(ask_.report(a.session, asked), "json")

    return answer(request, REPORT, ask_.report_asked, show)


def diff(request: Request) -> Response:
    def show(a: Asking, asked: ask_.DiffAsked) -> str:
        return render.diff(ask_.diff(a.session, asked), "json")

    params = ("from", "to", "party", "issue", "all", "known_at")
    return answer(request, params, ask_.diff_asked, show)


def outlook(request: Request) -> Response:
    def show(a: Asking, asked: ask_.StandingAsked) -> str:
        return render.outlook(ask_.outlook(a.session, asked), "json")

    return answer(request, STANDING, ask_.standing_asked, show)


def align(request: Request) -> Response:
    def show(a: Asking, asked: ask_.StandingAsked) -> str:
        return render.align(ask_.align(a.session, asked), "json")

    parse = lambda q: ask_.standing_asked(q, True)  # noqa: E731
    return answer(request, (*STANDING, "threshold"), parse, show)


def log(request: Request) -> Response:
    def show(a: Asking, asked: ask_.LogAsked) -> str:
        return render.statements(ask_.log(a.session, asked)[0], "json")

    return answer(request, (*SPAN, "recorded_by"), ask_.log_asked, show)


def history(request: Request) -> Response:
    def show(a: Asking, asked: ask_.HistoryAsked) -> str:
        return render.history(core.history(a.session, asked.party, asked.issue), "json")

    return answer(request, ("party", "issue"), ask_.history_asked, show)


def search(request: Request) -> Response:
    """`tracker search QUERY` (`drafts=1`: `--drafts`, which needs no index)."""
    if not wants_drafts(request):
        catch_up(request)

    def show(a: Asking, asked: ask_.SearchAsked) -> str:
        found = ask_.search(a.session, asked)
        return render.document("draft_search" if asked.drafts else "search", found, "json")

    return answer(request, SEARCH, ask_.search_asked, show)


def wants_drafts(request: Request) -> bool:
    """Whether a search is of the drafts (a bad value is the answer's 400)."""
    return (request.query_params.get("drafts") or "").strip().lower() in TRUE


def catch_up(request: Request) -> None:
    """What a bulk import left to the next search, indexed first (as `tracker
    search`); not for a request that may not search (it is refused next)."""
    from tracker.core import statement_search
    from tracker.web import auth

    site = request.app.state.web
    with contextlib.suppress(Problem), site.database.session() as session:
        if auth.denied(request, auth.viewer(request, session, site.public), None) is not None:
            return
        behind = statement_search.pending(session)
    if behind:
        with site.database.session(write=True, data=False) as session:
            statement_search.catch_up(session)


def statement(request: Request) -> Response:
    def show(a: Asking, number: int) -> str:
        from tracker.core import revisions

        found = core.get_statement(a.session, number)
        logged = [(found.id, found.issue, found.recorded_at)]
        return render.statement(
            found, "json", wordings=revisions.earlier_wordings(a.session, logged)
        )

    return answer(request, (), lambda q: ask_.statement_id(request.path_params["id"]), show, 404)


def parties(request: Request) -> Response:
    return answer(
        request, (), nothing,
        lambda a, _: json_list([v.to_json() for v in catalog.list_parties(a.session)]),
    )  # fmt: skip


def issues(request: Request) -> Response:
    return answer(
        request, (), nothing,
        lambda a, _: json_list([v.to_json() for v in catalog.list_issues(a.session)]),
    )  # fmt: skip


def people_list(request: Request) -> Response:
    return answer(
        request, (), nothing,
        lambda a, _: json_list([v.to_json() for v in people.list_people(a.session)]),
    )  # fmt: skip


def json_list(payload: list[dict[str, Any]]) -> str:
    return render.records(render.Records((), [], payload), "json")


def party(request: Request) -> Response:
    def show(a: Asking, asked: ask_.RecordAsked) -> str:
        page = pages.party_page(a.session, asked.name, asked.as_of, asked.history)
        return render.document("party_page", page, "json")

    parse = lambda q: ask_.record_asked(q, request.path_params["name"])  # noqa: E731
    return answer(request, ("as_of", "history"), parse, show, 404)


def issue(request: Request) -> Response:
    def show(a: Asking, asked: ask_.RecordAsked) -> str:
        page = pages.issue_page(a.session, asked.name, asked.as_of, asked.history)
        return render.document("issue_page", page, "json")

    parse = lambda q: ask_.record_asked(q, request.path_params["name"])  # noqa: E731
    return answer(request, ("as_of", "history"), parse, show, 404)


def person(request: Request) -> Response:
    def show(a: Asking, history: bool) -> str:
        page = people.person_page(a.session, request.path_params["name"], history)
        return render.document("person_page", page, "json")

    return answer(request, ("history",), lambda q: q.flag("history"), show, 404)


def drafts(request: Request) -> Response:
    """`tracker draft list`."""

    def show(a: Asking, _: None) -> str:
        from tracker.core import draft_views

        return json_list([d.to_json() for d in draft_views.list_drafts(a.session)])

    return answer(request, (), nothing, show)


def draft(request: Request) -> Response:
    """`tracker draft show SLUG` with `version` and `as_of`."""

    def show(a: Asking, asked: ask_.DraftShowAsked) -> str:
        return render.document("draft_show", ask_.draft_show(a.session, asked), "json")

    parse = lambda q: ask_.draft_show_asked(q, request.path_params["slug"])  # noqa: E731
    return answer(request, ("version", "as_of"), parse, show, 404)


def draft_versions(request: Request) -> Response:
    """`tracker draft versions SLUG`: withdrawn ones too."""

    def show(a: Asking, _: None) -> str:
        from tracker.core import draft_views

        found = draft_views.draft_versions(a.session, request.path_params["slug"])
        return json_list([v.history_json() for v in found.versions])

    return answer(request, (), nothing, show, 404)


def draft_diff(request: Request) -> Response:
    """`tracker draft diff SLUG [FROM_LABEL TO_LABEL]`, as `from` and `to`."""

    def show(a: Asking, asked: ask_.DraftDiffAsked) -> str:
        return render.document("draft_diff", ask_.draft_diff(a.session, asked), "json")

    parse = lambda q: ask_.draft_diff_asked(q, request.path_params["slug"])  # noqa: E731
    return answer(request, ("from", "to"), parse, show, 404)


def version(request: Request) -> Response:
    """The data's version, for a page to tell its reader the data has changed."""
    return answer(request, (), nothing, lambda a, _: json_text({"version": a.version}).rstrip("\n"))


# --- writes ----------------------------------------------------------------------

FIELDS = ("party", "issue", "stance", "summary", "stated_on", "quote", "speaker", "source",
          "basis", "conditions")  # fmt: skip


async def add(request: Request) -> Response:
    """POST /api/statements: `add`'s fields as a JSON object; 201 and the
    statement, as `add --format json` prints it."""
    try:
        await run_in_threadpool(auth.allowed, request, "writer")
        body = await json_of(request)
        return await run_in_threadpool(_add, request, body)
    except Problem as problem:
        return refused(request, problem, True)


def _add(request: Request, body: dict[str, Any]) -> Response:
    who = signed(request, "writer")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise Problem(400, f"unknown field {unknown[0]!r}; the fields are {', '.join(FIELDS)}")
    q = Query(body)
    values = dict(
        party=q.required("party"), issue=q.required("issue"), score=q.stance("stance"),
        summary=q.required("summary"), stated_on=q.statement_date("stated_on"),
    )  # fmt: skip
    extra = {k: q.text(k) for k in ("quote", "speaker", "source", "basis", "conditions")}
    added = written(request, who, lambda s: core.add_statement(s, **values, **extra))  # type: ignore[arg-type]
    return Response(json_text(added.statement.to_json()), 201, media_type=JSON)


async def retract(request: Request) -> Response:
    """POST /api/statements/ID/retract: `{"reason"}`; the statement, retracted."""
    try:
        await run_in_threadpool(auth.allowed, request, "writer")
        kind = request.headers.get("content-type", "")
        body = await (form_of(request) if "urlencoded" in kind else json_of(request))
        return await run_in_threadpool(_retract, request, body)
    except Problem as problem:
        return refused(request, problem, True)


def _retract(request: Request, body: Any) -> Response:
    who = signed(request, "writer")
    number = ask_.statement_id(request.path_params["id"])
    reason = Query(body).required("reason")
    done = written(request, who, lambda s: core.retract(s, number, reason), missing=404)
    return Response(json_text(done.statement.to_json()), 200, media_type=JSON)
