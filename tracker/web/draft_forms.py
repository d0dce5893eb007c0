"""Drafts written from the browser, by writers and admins: add a draft, add
a version (pasted, or fetched from an address by the loader `tracker draft
version` uses), withdraw one with a reason, link and unlink a point's
issues. Each form goes through the core function its command calls, as the
signed-in user, and answers with the page it came from and the CLI's own
message (what it did, or what was wrong)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tracker.core import draft_store, drafts
from tracker.errors import NotFound, TrackerError
from tracker.render import drafts as said
from tracker.web.cache import Drawn
from tracker.web.drafts import HERE, list_page, show_page, versions_page
from tracker.web.forms import handled
from tracker.web.pages import listing, site_of
from tracker.web.params import MAX_ID, Problem, Query, missing
from tracker.web.respond import Asking, as_problem, ask, no_question
from tracker.web.write import signed, written

VERSION_FIELDS = ("text", "url", "label", "date", "by", "source")


def _names(value: str | None) -> tuple[str, ...]:
    """`a; b; c` as the names it lists."""
    return tuple(n.strip() for n in (value or "").split(";") if n.strip())


def _answer(request: Request, draw: Callable[[Asking], str], status: int = 200) -> Response:
    """The page a form came from, drawn again for this request (not cached:
    it carries what was done, or what was typed and what was wrong)."""
    return ask(request, no_question, lambda a: Drawn.of(draw(a), status), api=False, cache=False)


def _on_draft(
    request: Request, slug: str, status: int = 200, label: str | None = None, **values: Any
) -> Response:
    """The draft's versions page, or with `label` its page at that version
    (the latest if it has none such), with `values`; 404 for no such draft."""

    def draw(a: Asking) -> Drawn:
        try:
            draft = draft_store.get_draft(a.session, slug)
        except NotFound as err:
            return Drawn.of(listing(site_of(a, HERE), "Not found", error=str(err)), 404)
        found = draft_store.versions(a.session, draft, withdrawn=True)
        if label is None:
            return Drawn.of(versions_page(a, draft, found, **values), status)
        live = {v.label for v in found if not v.withdrawn}
        shown = Query({"version": label if label in live else None})
        return Drawn.of(show_page(a, shown, draft, found, **values), status)

    return ask(request, no_question, draw, api=False, cache=False)


# --- a draft ----------------------------------------------------------------------------


async def add_draft(request: Request) -> Response:
    return await handled(request, _add_draft, "writer")


def _add_draft(request: Request, form: Any) -> Response:
    who = signed(request, "writer", form)
    q = Query(form)
    v = {k: form.get(k, "") for k in ("slug", "title", "description")}
    try:
        slug, title = q.required("slug"), q.required("title")
        added = written(
            request, who, lambda s: drafts.add_draft(s, slug, title, q.text("description"))
        )
    except Problem as problem:
        message = problem.message
        return _answer(request, lambda a: list_page(a, v=v, error=message), problem.status)
    done = said.draft_added(added, hint=False)
    return _answer(request, lambda a: list_page(a, done=done, added=added.slug))


# --- a version --------------------------------------------------------------------------


async def add_version(request: Request) -> Response:
    return await handled(request, _add_version, "writer")


def _add_version(request: Request, form: Any) -> Response:
    slug = request.path_params["slug"]
    who = signed(request, "writer", form)
    q = Query(form)
    v = {k: form.get(k, "") for k in VERSION_FIELDS}
    try:
        label = q.required("label")
        q.required("date")
        day = q.statement_date("date")
        by = _names(q.text("by"))
        body, where, cite = version_text(q, form.get("text") or "")
        done = written(
            request, who, lambda s: drafts.add_version(s, slug, body, label, day, by, cite, where)
        )
    except Problem as problem:
        return _on_draft(request, slug, problem.status, v=v, error=problem.message)
    links = [(f"/drafts/{slug}?version={_quoted(done.version.label)}", "See its points")]
    if done.previous is not None:
        compared = f"from={_quoted(done.previous)}&to={_quoted(done.version.label)}"
        links.append((f"/drafts/{slug}/diff?{compared}", "See what changed"))
    return _on_draft(request, slug, done=said.version_added(done), done_links=links)


def version_text(q: Query, pasted: str) -> tuple[str, str, str | None]:
    """A version's text as `tracker draft version` reads it (`tracker.read.source`,
    the one loader): pasted, as from standard input, or fetched from `url`.
    Returns the text to store, what to call it in a message, and its source."""
    from tracker.read import source

    url = q.text("url")
    if url and pasted.strip():
        raise Problem(400, "paste the text or give its address, not both (the address of "
                      "a pasted text goes in 'source')")  # fmt: skip
    try:
        if url:
            if not source.is_url(url):
                raise Problem(400, f"Invalid value for 'url': {url!r} is not an http(s) address")
            doc, where = source.load(url), url
        elif pasted.strip():
            # A browser sends a text area's line breaks as CRLF: the text as typed has LF.
            raw = pasted.replace("\r\n", "\n").encode("utf-8")
            doc, where = source.load("-", io.BytesIO(raw)), "the pasted text"
        else:
            raise Problem(400, "paste the version's text, or give its address")
    except TrackerError as err:  # the loader's: a fetch that failed, a page too large
        raise as_problem(err) from None
    return doc.stored, where, q.text("source") or (doc.url if url else None)


def _quoted(label: str) -> str:
    from urllib.parse import quote

    return quote(label, safe="")


async def withdraw(request: Request) -> Response:
    return await handled(request, _withdraw, "writer")


def _withdraw(request: Request, form: Any) -> Response:
    slug = request.path_params["slug"]
    who = signed(request, "writer", form)
    q = Query(form)
    try:
        label, reason = q.required("label"), q.required("reason")
        version, draft = written(
            request,
            who,
            lambda s: (drafts.withdraw(s, slug, label, reason), draft_store.get_draft(s, slug)),
            missing=404,
        )
    except Problem as problem:
        return _on_draft(request, slug, problem.status, error=problem.message)
    return _on_draft(request, slug, done=said.withdrawn(draft, version))


# --- a point's issues -------------------------------------------------------------------


async def relink(request: Request) -> Response:
    return await handled(request, _relink, "writer")


def _relink(request: Request, form: Any) -> Response:
    """`draft link` (action=link) or `draft unlink` (action=unlink) on point
    `point` of version `version` (default: the latest)."""
    slug = request.path_params["slug"]
    who = signed(request, "writer", form)
    q = Query(form)
    label = q.text("version")
    v = {k: form.get(k, "") for k in ("point", "issues")}
    try:
        action = q.text("action")
        if action not in ("link", "unlink"):
            raise Problem(400, f"Invalid value for 'action': {action!r}; use link or unlink")
        if q.raw("point") is None:
            raise missing("point")
        point = q.integer("point", 0, 0, MAX_ID)
        issues = _names(q.text("issues"))
        if not issues:
            raise missing("issues")
        done = written(
            request, who, lambda s: drafts.relink(s, slug, point, issues, label, action == "link")
        )
    except Problem as problem:
        return _on_draft(request, slug, problem.status, label=label or "", v=v,
                         error=problem.message)  # fmt: skip
    return _on_draft(request, slug, label=done.version.label, v={"point": v["point"]},
                     done=said.relinked(done))  # fmt: skip
