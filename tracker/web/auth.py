"""Who is asking: a signed-in browser (the session cookie), a script (an API
token, `Authorization: Bearer`), or, on a `--public` server, anyone reading.
Every request is checked against the database, so a revocation holds in
every worker at once. Also: the form token (CSRF) of cookie-authenticated
posts, the roles, and the log-in and log-out pages."""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tracker.core import accounts, signin
from tracker.core.accounts import Account
from tracker.dates import utcnow
from tracker.web.params import Problem

COOKIE = "tracker_session"
LOGIN_COOKIE = "tracker_login"  # the log-in form's own token, before any session
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
log = logging.getLogger("tracker.web")


@dataclass(frozen=True, slots=True)
class Viewer:
    """`account` None: a visitor of a public server. `csrf` and `session_id`:
    set for a browser's session, None for an API token."""

    account: Account | None
    csrf: str | None = None
    session_id: int | None = None
    stale: bool = False

    @property
    def role(self) -> str | None:
        return self.account.role if self.account else None

    @property
    def name(self) -> str | None:
        return self.account.name if self.account else None

    def may(self, role: str) -> bool:
        return self.account is not None and self.account.may(role)


def viewer(request: Request, session: Session, public: bool) -> Viewer | None:
    """Who is asking, None if no one who may: a bad API token is a 401."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        owner = accounts.token_owner(session, header[7:].strip())
        if owner is None:
            raise Problem(401, "this API token is not valid (revoked, or never was)")
        return Viewer(owner)
    key = request.cookies.get(COOKIE)
    if key:
        found = signin.find(session, key, utcnow())
        if found is not None:
            return Viewer(found.account, found.csrf, found.session_id, found.stale)
    return Viewer(None) if public else None


def touch(request: Request, who: Viewer) -> None:
    """Write a session's last use, at most once a minute (not a write per request)."""
    if not who.stale or who.session_id is None:
        return
    database = request.app.state.web.database
    with (
        contextlib.suppress(sa_exc.SQLAlchemyError),
        database.session(write=True, data=False) as session,
    ):
        signin.touch(session, who.session_id, utcnow())


def denied(request: Request, who: Viewer | None, role: str | None) -> Problem | None:
    """Why `who` may not do what needs `role` (None: read): 401 or 403."""
    if who is None or (role is not None and who.account is None):
        return Problem(401, "sign in first (POST /login, or an API token)")
    if role is not None and not who.may(role):
        return Problem(403, f"a {who.role} may not do this: it takes a {role}")
    return None


def check_csrf(request: Request, who: Viewer, form: Any) -> None:
    """A cookie-authenticated post carries the session's form token, as the
    form field `csrf_token` or the header X-CSRF-Token; otherwise 403."""
    if who.csrf is None:
        return  # an API token: no cookie a forged page could ride on
    sent = request.headers.get(CSRF_HEADER) or (form.get(CSRF_FIELD) if form else None) or ""
    if not hmac.compare_digest(str(sent).encode(), who.csrf.encode()):
        raise Problem(403, "this form's csrf_token is missing or wrong: reload the page, try again")


def cross_site(request: Request) -> bool:
    """A post whose Origin (browsers send it) is another site's."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc != request.headers.get("host", "")


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this server, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def to_login(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here)}", status_code=303)


def refused(request: Request, problem: Problem, api: bool) -> Response:
    """401/403 for the API as JSON; for a page, the log-in page or a 403 page."""
    if api or request.url.path.startswith("/api/"):
        headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
        return JSONResponse({"error": problem.message}, problem.status, headers=headers)
    if problem.status == 401:
        return to_login(request)
    from tracker.web.errors import error_page

    return error_page(problem.status, problem.message)


def set_session(request: Request, response: Response, key: str) -> None:
    response.set_cookie(
        COOKIE, key, max_age=int(signin.LIFETIME.total_seconds()), path="/", httponly=True,
        samesite="lax", secure=request.url.scheme == "https",
    )  # fmt: skip


def login_page(request: Request, error: str = "", status: int = 200, name: str = "") -> Response:
    """The log-in form, with a token of its own (a cookie and a hidden field
    that must agree), so that no other site can sign a browser in."""
    from tracker.render import site

    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    page = site.Site("", None, None, None, "login")
    text = site.render(
        "login.html", page, csrf=token, error=error, username=name,
        next=local_path(request.query_params.get("next")),
    )  # fmt: skip
    response = HTMLResponse(text, status)
    response.set_cookie(
        LOGIN_COOKIE, token, path="/login", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return response
