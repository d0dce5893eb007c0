"""The catalog from the browser: writers add parties, issues and people;
admins edit, merge and remove them. Each form goes through the core
function its command calls, and answers with the CLI's own messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from tracker.core import catalog, edits, merge, people
from tracker.core.records import Edited, IssueView
from tracker.render import messages
from tracker.web.forms import handled
from tracker.web.params import Problem, Query
from tracker.web.records import KINDS, record_page, records_page
from tracker.web.respond import Asking, ask, no_question
from tracker.web.write import signed, written


def _names(value: str | None) -> tuple[str, ...]:
    """`a; b; c` as the names it lists."""
    return tuple(n.strip() for n in (value or "").split(";") if n.strip())


def _answer(request: Request, draw: Callable[[Asking], str], status: int = 200) -> Response:
    from tracker.web.cache import Drawn

    return ask(request, no_question, lambda a: Drawn.of(draw(a), status), api=False, cache=False)


# --- adding (writers) --------------------------------------------------------------


async def add_record(request: Request) -> Response:
    return await handled(request, _add_record, "writer")


def _add_record(request: Request, form: Any) -> Response:
    kind = KINDS[request.url.path.strip("/")]
    who = signed(request, "writer", form)
    q = Query(form)
    v = {k: form.get(k, "") for k in form}
    try:
        if kind == "party":
            view: Any = written(request, who, lambda s: catalog.add_party(
                s, q.required("slug"), q.required("name"), q.text("kind"),
                _names(q.text("aliases")), q.text("description")))  # fmt: skip
            done = messages.party_added(view)
        elif kind == "issue":
            view = written(request, who, lambda s: catalog.add_issue(
                s, q.required("slug"), q.required("title"), q.text("proposition"),
                q.text("description"), _names(q.text("keywords"))))  # fmt: skip
            done = messages.issue_added(view)
        else:
            start, end = q.date("start"), q.date("end")
            view = written(request, who, lambda s: people.add_person(
                s, q.required("name"), q.required("party"), q.text("role"),
                _names(q.text("aliases")), start, end))  # fmt: skip
            done = messages.person_added(view)
    except Problem as problem:
        message = problem.message
        return _answer(request, lambda a: records_page(a, kind, v=v, error=message), problem.status)
    return _answer(request, lambda a: records_page(a, kind, done=done))


# --- correcting (admins) -----------------------------------------------------------


async def edit(request: Request) -> Response:
    return await handled(request, _edit, "admin")


def _edit(request: Request, form: Any) -> Response:
    kind, name = request.url.path.split("/")[1], request.path_params["name"]
    who = signed(request, "admin", form)
    q = Query(form)
    adding, removing = _names(q.text("add_alias")), _names(q.text("remove_alias"))
    try:
        if kind == "parties":
            party = written(request, who, lambda s: edits.edit_party(
                s, name, new_name=q.text("name"), kind=form.get("kind", ""),
                description=form.get("description", ""), add_aliases=adding,
                remove_aliases=removing, rename=q.text("rename")))  # fmt: skip
            done, slug = messages.party_edited(party), party.record.slug
        elif kind == "issues":
            issue = written(request, who, lambda s: _edit_issue(s, name, q, form))
            done, slug = messages.issue_edited(issue), issue.record.slug
        else:
            person = written(request, who, lambda s: people.edit_person(
                s, name, new_name=q.text("name"), add_aliases=adding,
                remove_aliases=removing))  # fmt: skip
            done, slug = messages.person_edited(person), person.record.name
    except Problem as problem:
        return _refused(request, kind, name, problem)
    return _answer(request, lambda a: record_page(a, kind, slug, Query({}), done=done))


def _edit_issue(session: Session, name: str, q: Query, form: Any) -> Edited[IssueView]:
    current = catalog.get_issue(session, name)
    proposition = form.get("proposition", "")
    unchanged = (proposition.strip() or None) == current.proposition
    return edits.edit_issue(
        session, name, title=q.text("title"),
        proposition=None if unchanged else proposition, force=q.flag("force"),
        description=form.get("description", ""),
        add_keywords=_names(q.text("add_keyword")), remove_keywords=_names(q.text("remove_keyword")),
        rename=q.text("rename"),
    )  # fmt: skip


async def merge_record(request: Request) -> Response:
    return await handled(request, _merge, "admin")


# What the issue merge form's `asks` says FROM asks, as `issue merge`'s
# options: (force, negate).
ASKS = {"same": (False, False), "other-words": (True, False), "opposite": (False, True)}


def _merge(request: Request, form: Any) -> Response:
    kind, name = request.url.path.split("/")[1], request.path_params["name"]
    who = signed(request, "admin", form)
    asks = form.get("asks") or "same"
    try:
        into = Query(form).required("into")
        if asks not in ASKS:
            raise Problem(400, f"asks: unknown choice {asks!r}; use one of {', '.join(ASKS)}")
        force, negate = ASKS[asks]

        def join(s: Any) -> Any:
            if kind == "parties":
                return merge.merge_parties(s, name, into)
            return merge.merge_issues(s, name, into, force=force, negate=negate)

        done = written(request, who, join)
    except Problem as problem:
        return _refused(request, kind, name, problem)
    said = messages.merged(KINDS[kind], done)
    return _answer(request, lambda a: record_page(a, kind, done.into.slug, Query({}), done=said))


async def remove(request: Request) -> Response:
    return await handled(request, _remove, "admin")


def _remove(request: Request, form: Any) -> Response:
    kind, name = request.url.path.split("/")[1], request.path_params["name"]
    who = signed(request, "admin", form)
    gone = edits.remove_party if kind == "parties" else edits.remove_issue
    try:
        view = written(request, who, lambda s: gone(s, name))
    except Problem as problem:
        return _refused(request, kind, name, problem)
    said = messages.removed(KINDS[kind], view.slug)
    return _answer(request, lambda a: records_page(a, KINDS[kind], done=said))


def _refused(request: Request, kind: str, name: str, problem: Problem) -> Response:
    """The record's page again, with the CLI's message for what was wrong."""
    message = problem.message
    return _answer(
        request, lambda a: record_page(a, kind, name, Query({}), error=message), problem.status
    )
