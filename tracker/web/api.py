"""The JSON API: `/api/...` answers exactly what the command's `--format
json` prints for the same options (the same core call, the same json
format of `tracker.render`), and takes the writes `add` and `retract` do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tracker import render
from tracker.core import catalog, pages, people
from tracker.core import statements as core
from tracker.web import questions as ask_
from tracker.web.cache import Drawn
from tracker.web.params import TRUE, Problem, Query
from tracker.web.respond import JSON, Asking, ask, error_json, form_of, json_of, json_text
from tracker.web.write import signed, written


def _key(request: Request) -> tuple[str, tuple[tuple[str, str], ...]]:
    return request.url.path, tuple(sorted(request.query_params.multi_items()))


def _json(text: str, status: int = 200) -> Drawn:
    return Drawn.of(text + "\n", status, JSON)


def answer(request: Request, draw: Callable[[Asking, Query], str]) -> Response:
    """A GET of the API: `draw` is the command's core call and json format."""
    q = Query(request.query_params)
    return ask(request, _key(request), lambda a: _json(draw(a, q)), api=True)


def report(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        return render.report(ask_.report(a.session, ask_.report_asked(q)), "json")

    return answer(request, draw)


def diff(request: Request) -> Response:
    return answer(
        request, lambda a, q: render.diff(ask_.diff(a.session, ask_.diff_asked(q)), "json")
    )


def outlook(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        return render.outlook(ask_.outlook(a.session, ask_.standing_asked(q)), "json")

    return answer(request, draw)


def align(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        return render.align(ask_.align(a.session, ask_.standing_asked(q, True)), "json")

    return answer(request, draw)


def log(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        return render.statements(ask_.log(a.session, ask_.log_asked(q))[0], "json")

    return answer(request, draw)


def history(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        asked = ask_.history_asked(q)
        return render.history(core.history(a.session, asked.party, asked.issue), "json")

    return answer(request, draw)


def search(request: Request) -> Response:
    """`tracker search QUERY` (`drafts=1`: `--drafts`, which needs no index)."""
    if not wants_drafts(request):
        catch_up(request)

    def draw(a: Asking, q: Query) -> str:
        asked = ask_.search_asked(q)
        found = ask_.search(a.session, asked)
        return render.document("draft_search" if asked.drafts else "search", found, "json")

    return answer(request, draw)


def wants_drafts(request: Request) -> bool:
    """Whether a search is of the drafts (a bad value is the answer's 400)."""
    return (request.query_params.get("drafts") or "").strip().lower() in TRUE


def catch_up(request: Request) -> None:
    """What a bulk import left to the next search, indexed first (as `tracker search`)."""
    from tracker.core import statement_search

    database = request.app.state.web.database
    with database.session() as session:
        behind = statement_search.pending(session)
    if behind:
        with database.session(write=True, data=False) as session:
            statement_search.catch_up(session)


def statement(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        from tracker.core import revisions

        found = core.get_statement(a.session, ask_.statement_id(request.path_params["id"]))
        logged = [(found.id, found.issue, found.recorded_at)]
        return render.statement(
            found, "json", wordings=revisions.earlier_wordings(a.session, logged)
        )

    return _found(request, draw)


def _found(request: Request, draw: Callable[[Asking, Query], str]) -> Response:
    """A GET of one record: a name that names nothing is a 404."""
    from tracker.errors import NotFound

    def drawn(a: Asking, q: Query) -> str:
        try:
            return draw(a, q)
        except NotFound as err:
            raise Problem(404, str(err)) from None

    return answer(request, drawn)


def parties(request: Request) -> Response:
    return answer(
        request, lambda a, q: json_list([v.to_json() for v in catalog.list_parties(a.session)])
    )


def issues(request: Request) -> Response:
    return answer(
        request, lambda a, q: json_list([v.to_json() for v in catalog.list_issues(a.session)])
    )


def people_list(request: Request) -> Response:
    return answer(
        request, lambda a, q: json_list([v.to_json() for v in people.list_people(a.session)])
    )


def json_list(payload: list[dict[str, Any]]) -> str:
    return render.records(render.Records((), [], payload), "json")


def party(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        asked = ask_.record_asked(q, request.path_params["name"])
        page = pages.party_page(a.session, asked.name, asked.as_of, asked.history)
        return render.document("party_page", page, "json")

    return _found(request, draw)


def issue(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        asked = ask_.record_asked(q, request.path_params["name"])
        page = pages.issue_page(a.session, asked.name, asked.as_of, asked.history)
        return render.document("issue_page", page, "json")

    return _found(request, draw)


def person(request: Request) -> Response:
    def draw(a: Asking, q: Query) -> str:
        page = people.person_page(
            a.session, request.path_params["name"], Query(request.query_params).flag("history")
        )
        return render.document("person_page", page, "json")

    return _found(request, draw)


def drafts(request: Request) -> Response:
    """`tracker draft list`."""

    def draw(a: Asking, q: Query) -> str:
        from tracker.core import draft_views

        return json_list([d.to_json() for d in draft_views.list_drafts(a.session)])

    return answer(request, draw)


def draft(request: Request) -> Response:
    """`tracker draft show SLUG` with `version` and `as_of`."""

    def draw(a: Asking, q: Query) -> str:
        asked = ask_.draft_show_asked(q, request.path_params["slug"])
        return render.document("draft_show", ask_.draft_show(a.session, asked), "json")

    return _found(request, draw)


def draft_versions(request: Request) -> Response:
    """`tracker draft versions SLUG`: withdrawn ones too."""

    def draw(a: Asking, q: Query) -> str:
        from tracker.core import draft_views

        found = draft_views.draft_versions(a.session, request.path_params["slug"])
        return json_list([v.history_json() for v in found.versions])

    return _found(request, draw)


def draft_diff(request: Request) -> Response:
    """`tracker draft diff SLUG [FROM_LABEL TO_LABEL]`, as `from` and `to`."""

    def draw(a: Asking, q: Query) -> str:
        asked = ask_.draft_diff_asked(q, request.path_params["slug"])
        return render.document("draft_diff", ask_.draft_diff(a.session, asked), "json")

    return _found(request, draw)


def version(request: Request) -> Response:
    """The data's version, for a page to tell its reader the data has changed."""

    def draw(a: Asking) -> Drawn:
        return Drawn.of(json_text({"version": a.version}), 200, JSON)

    return ask(request, ("version",), draw, api=True)


# --- writes ----------------------------------------------------------------------

FIELDS = ("party", "issue", "stance", "summary", "stated_on", "quote", "speaker", "source",
          "basis", "conditions")  # fmt: skip


async def add(request: Request) -> Response:
    """POST /api/statements: `add`'s fields as a JSON object; 201 and the
    statement, as `add --format json` prints it."""
    try:
        body = await json_of(request)
        return await run_in_threadpool(_add, request, body)
    except Problem as problem:
        return error_json(problem.status, problem.message)


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
        kind = request.headers.get("content-type", "")
        body = await (form_of(request) if "urlencoded" in kind else json_of(request))
        return await run_in_threadpool(_retract, request, body)
    except Problem as problem:
        return error_json(problem.status, problem.message)


def _retract(request: Request, body: Any) -> Response:
    who = signed(request, "writer")
    number = ask_.statement_id(request.path_params["id"])
    reason = Query(body).required("reason")
    done = written(request, who, lambda s: core.retract(s, number, reason), missing=404)
    return Response(json_text(done.statement.to_json()), 200, media_type=JSON)
