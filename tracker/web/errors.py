"""Error answers, as a page (with a reference where the server's log has the
details) or as JSON (`{"error": message}`): what every layer of the web
package answers a refusal or a failure with. Under `/api/` every error is
JSON, the router's 404 and 405 too; a page is drawn for whoever asks (their
navigation, their form token, the data version the live notice compares)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

if TYPE_CHECKING:
    from tracker.render.site import Site
    from tracker.web.auth import Viewer
    from tracker.web.params import Problem

JSON = "application/json"
NO_STORE = {"Cache-Control": "no-store"}
TITLES = {400: "Not quite", 401: "Sign in", 403: "Not allowed", 404: "Not found",
          405: "Not allowed", 413: "Too large", 429: "Too many attempts",
          503: "Database unavailable"}  # fmt: skip
ROUTER = {404: "no such address: {path}", 405: "{path} does not take {method}"}


def json_text(value: Any) -> str:
    from tracker.render import to_json

    return to_json(value) + "\n"


def error_text(status: int, message: str, reference: str = "", site: Site | None = None) -> str:
    from tracker.render import site as render_site

    page = site or render_site.Site("", None, None, None, "")
    title = TITLES.get(status, "Something went wrong")
    return render_site.render("error.html", page, title=title, message=message, reference=reference)


def error_page(
    status: int,
    message: str,
    reference: str = "",
    site: Site | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return HTMLResponse(
        error_text(status, message, reference, site), status, {**NO_STORE, **(headers or {})}
    )


def error_json(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json_text({"error": message}), status, {**NO_STORE, **(headers or {})}, media_type=JSON
    )


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def site_for(request: Request) -> Site:
    """The frame of a page drawn for this request alone: who asks (as the
    request found them, or looked up now) and the data version. The database
    failing, or anything else: a frame for no one, without a data version."""
    from tracker.db import version as data_version
    from tracker.render.site import Site
    from tracker.web import auth
    from tracker.web.params import Problem

    with contextlib.suppress(Exception):
        web = request.app.state.web
        with web.database.session() as session:
            who = getattr(request.state, "viewer", None)
            if who is None:
                with contextlib.suppress(Problem):
                    who = auth.viewer(request, session, web.public)
            version = data_version.current(session)
        return own_site(who, version)
    return Site("", None, None, None, "")


def own_site(who: Any, version: str) -> Site:
    """The frame of a page for `who` (a Viewer, None: no one) alone: their
    own values, not the cache's markers."""
    from tracker.render.site import Site

    if who is None:
        return Site(version, None, None, None, "")
    return Site(version, who.name, who.role, who.csrf, "", public=who.account is None)


async def answer(
    request: Request,
    status: int,
    message: str,
    reference: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    """An error met outside a handler's own answer: JSON under /api/, else a
    page in the frame of whoever asks."""
    if is_api(request):
        text = f"{message} (reference {reference})" if reference else message
        return error_json(status, text, headers)
    site = await run_in_threadpool(site_for, request)
    return error_page(status, message, reference, site, headers)


async def refused_page(request: Request, problem: Any) -> Response:
    """A handler's Problem (403, 400, ...) as a page in the asker's frame."""
    return await answer(request, problem.status, problem.message)


async def router_error(request: Request, exc: Exception) -> Response:
    """The router's 404 (no such address) and 405 (a method it does not take)."""
    assert isinstance(exc, HTTPException)
    template = ROUTER.get(exc.status_code, "{path}: {detail}")
    message = template.format(path=request.url.path, method=request.method, detail=exc.detail)
    return await answer(request, exc.status_code, message, headers=dict(exc.headers or {}))


def to_login(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here)}", status_code=303)


def refused(request: Request, problem: Problem, api: bool, who: Viewer | None = None,
            version: str = "") -> Response:  # fmt: skip
    """401/403 for the API as JSON; for a page, the log-in page or a 403 page
    in the frame of `who`."""
    if api or is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
        return error_json(problem.status, problem.message, headers)
    if problem.status == 401:
        return to_login(request)
    return error_page(problem.status, problem.message, site=own_site(who, version))
