"""The pages that write, for writers and admins: add a statement (names
suggested, the CLI's "did you mean"), retract one, read an article into
statements (each accepted one logged at once, as `tracker add` logs it),
add parties, issues and people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tracker.core import statements as core
from tracker.stance import BASES, LABELS
from tracker.web import auth
from tracker.web.errors import refused_page, to_login
from tracker.web.params import Problem, Query
from tracker.web.respond import Asking, ask, form_of, no_question
from tracker.web.write import signed, written

STATEMENT_FIELDS = ("party", "issue", "stance", "stated_on", "summary", "quote", "speaker",
                    "source", "basis", "conditions")  # fmt: skip


def form_page(
    request: Request, template: str, here: str, status: int = 200, **values: Any
) -> Response:
    """A writer's form, drawn for this request (not cached: it carries what
    was typed), with the names to suggest."""
    from tracker.core.names import spellings
    from tracker.render import site as render_site
    from tracker.web.pages import site_of

    def draw(a: Asking) -> Any:
        from tracker.web.cache import Drawn

        text = render_site.render(
            template, site_of(a, here), stances=list(LABELS.values()), bases=list(BASES),
            party_names=spellings(a.session, "party"), issue_names=spellings(a.session, "issue"),
            **values,
        )  # fmt: skip
        return Drawn.of(text, status)

    return ask(request, no_question, draw, api=False, role="writer", cache=False)


async def handled(request: Request, sync: Any, role: str | None) -> Response:
    """Who asks, and may they (`role`; None: checked by `sync`), before the
    body is read: a refusal is a 401 or 403 whatever was sent. Then reads
    the form and runs `sync(request, form)` in a worker thread; a Problem
    is an error page with its status."""
    try:
        if role is not None:
            await run_in_threadpool(auth.allowed, request, role)
        form = await form_of(request)
        result: Response = await run_in_threadpool(sync, request, form)
        return result
    except Problem as problem:
        if problem.status == 401:
            return to_login(request)
        return await refused_page(request, problem)


# --- add --------------------------------------------------------------------------


def add_page(request: Request) -> Response:
    today = dt.date.today().isoformat()
    return form_page(request, "add.html", "add", v={"stated_on": today, "stance": "open"})


async def add(request: Request) -> Response:
    return await handled(request, _add, "writer")


def _fields(form: Any, prefix: str = "") -> dict[str, str]:
    return {k: (form.get(prefix + k) or "").strip() for k in STATEMENT_FIELDS}


def log_statement(request: Request, who: auth.Viewer, v: dict[str, str]) -> Any:
    """One statement as `tracker add` logs it, from a form's fields."""
    q = Query(v)
    values = dict(
        party=q.required("party"), issue=q.required("issue"), score=q.stance("stance"),
        summary=q.required("summary"), stated_on=q.statement_date("stated_on"),
    )  # fmt: skip
    extra = {k: q.text(k) for k in ("quote", "speaker", "source", "basis", "conditions")}
    return written(request, who, lambda s: core.add_statement(s, **values, **extra))  # type: ignore[arg-type]


def _add(request: Request, form: Any) -> Response:
    from tracker.render import messages

    who = signed(request, "writer", form)
    v = _fields(form)
    try:
        added = log_statement(request, who, v)
    except Problem as problem:
        return form_page(request, "add.html", "add", problem.status, v=v, error=problem.message)
    keep = {"stated_on": v["stated_on"], "stance": v["stance"], "source": v["source"]}
    return form_page(request, "add.html", "add", v=keep, done=messages.added(added),
                     added=added.statement.id)  # fmt: skip


# --- retract ----------------------------------------------------------------------


async def retract(request: Request) -> Response:
    return await handled(request, _retract, "writer")


def _retract(request: Request, form: Any) -> Response:
    from tracker.render import messages
    from tracker.web.questions import statement_id

    who = signed(request, "writer", form)
    number = statement_id(request.path_params["id"])
    reason = form.get("reason", "")
    done = written(request, who, lambda s: core.retract(s, number, reason), missing=404)
    return _statement_page(request, number, messages.retracted(done))


def _statement_page(request: Request, number: int, done: str) -> Response:
    from tracker.core import revisions
    from tracker.render import site as render_site
    from tracker.web.cache import Drawn
    from tracker.web.pages import site_of

    def draw(a: Asking) -> Drawn:
        s = core.get_statement(a.session, number)
        wordings = revisions.earlier_wordings(a.session, [(s.id, s.issue, s.recorded_at)])
        page = render_site.render("statement.html", site_of(a, "log"), s=s, wordings=wordings,
                                  done=done)  # fmt: skip
        return Drawn.of(page)

    return ask(request, no_question, draw, api=False, cache=False)
