"""Who is asking: a signed-in browser (the session cookie), a script (an API
token, `Authorization: Bearer`), or, on a `--public` server, anyone reading.
Every request is checked against the database, so a revocation holds in
every worker at once. Also: the form token (CSRF) of cookie-authenticated
posts, the roles."""

from __future__ import annotations

import contextlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from tracker.core import accounts, signin
from tracker.core.accounts import Account
from tracker.dates import utcnow
from tracker.web.params import Problem

COOKIE = "tracker_session"
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


def allowed(request: Request, role: str | None) -> Viewer:
    """Who asks, if they may do what needs `role` (None: read); else a Problem,
    401 or 403. Asked once per request (kept in `request.state`): a write's
    refusal comes before its body is read, and its check needs no second look."""
    who = getattr(request.state, "viewer", None)
    if who is None:
        site = request.app.state.web
        try:
            with site.database.session() as session:
                who = viewer(request, session, site.public)
        except sa_exc.SQLAlchemyError as err:
            from tracker.db.failures import failure_message

            raise Problem(503, failure_message(err, site.database.url)) from None
        request.state.viewer = who
    refusal = denied(request, who, role)
    if refusal is not None:
        raise refusal
    assert who is not None
    return who


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


def set_session(request: Request, response: Response, key: str) -> None:
    response.set_cookie(
        COOKIE, key, max_age=int(signin.LIFETIME.total_seconds()), path="/", httponly=True,
        samesite="lax", secure=request.url.scheme == "https",
    )  # fmt: skip
