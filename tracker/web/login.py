"""Signing in and out. The log-in form has a token of its own (a cookie and a
hidden field that must agree: no other site can sign a browser in). An
attempt is recorded in the database before its password is checked, so the
throttle counts attempts made at once, in every worker (`signin.attempt`);
the check itself runs in a worker thread, bounded per process
(`hashing.Hashing`), so a flood of log-ins waits or is refused (503)
instead of taking every core."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from typing import Any, Final

from sqlalchemy import exc as sa_exc
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tracker.core import accounts, signin
from tracker.dates import utcnow
from tracker.errors import Invalid
from tracker.web import auth
from tracker.web.hashing import Busy, Hashing
from tracker.web.params import Problem
from tracker.web.respond import database_problem, error_page, form_of, web

LOGIN_COOKIE: Final = "tracker_login"  # the log-in form's own token, before any session
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
WRONG: Final = "wrong user name or password"
BUSY: Final = "too many sign-ins at once: try again in a moment"


def login_page(request: Request, error: str = "", status: int = 200, name: str = "") -> Response:
    """The log-in form, with its token as a cookie and a hidden field."""
    from tracker.render import site

    kept = request.cookies.get(LOGIN_COOKIE) or ""
    token = kept if _TOKEN.fullmatch(kept) else secrets.token_urlsafe(24)
    page = site.Site("", None, None, None, "login")
    text = site.render(
        "login.html", page, csrf=token, error=error, username=name[: accounts.NAME_LENGTH],
        next=auth.local_path(request.query_params.get("next")),
        max_password=accounts.MAX_PASSWORD,
    )  # fmt: skip
    response = HTMLResponse(text, status, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        LOGIN_COOKIE, token, path="/login", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


def login_form(request: Request) -> Response:
    return login_page(request)


def _token_sent(request: Request, form: Any) -> bool:
    """The double submit: the form's field and the form's cookie, both there
    and the same (a page of another site can send the field, not the cookie)."""
    sent, kept = str(form.get(auth.CSRF_FIELD) or ""), request.cookies.get(LOGIN_COOKIE) or ""
    return bool(kept) and hmac.compare_digest(sent.encode(), kept.encode())


async def login(request: Request) -> Response:
    try:
        form = await form_of(request)
    except Problem as problem:
        return error_page(problem.status, problem.message)
    name = str(form.get("username") or "")
    if auth.cross_site(request) or not _token_sent(request, form):
        message = "this sign-in form's token is missing or wrong: sign in again below"
        return login_page(request, message, 403, name)
    hashing: Hashing = web(request).hashing
    if not hashing.admit():
        return _busy(request, name)
    try:
        return await _sign_in(request, form, hashing)
    except Problem as problem:  # the database, unreachable
        return login_page(request, problem.message, problem.status, name)
    finally:
        hashing.leave()


async def _sign_in(request: Request, form: Any, hashing: Hashing) -> Response:
    typed, password = str(form.get("username") or ""), str(form.get("password") or "")
    try:
        name = accounts.check_name(typed)
    except Invalid:  # no account has such a name: nothing to count or check
        return login_page(request, WRONG, 401, typed)
    now = utcnow()
    begun = await run_in_threadpool(_begin, request, name, now)
    if isinstance(begun, signin.Throttled):
        return login_page(request, str(begun), 429, typed)
    attempt_id, found = begun
    try:
        right = await run_in_threadpool(hashing.matches, found[1] if found else None, password)
    except Busy:
        await run_in_threadpool(_settle, request, attempt_id, None, now)
        return _busy(request, typed)
    if not right or found is None:
        await run_in_threadpool(_settle, request, attempt_id, False, now)
        return login_page(request, WRONG, 401, typed)
    key = await run_in_threadpool(_start, request, found[0], attempt_id, now)
    response = RedirectResponse(auth.local_path(form.get("next")), status_code=303)
    auth.set_session(request, response, key)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _begin(
    request: Request, name: str, now: dt.datetime
) -> tuple[int, tuple[accounts.Account, str] | None] | signin.Throttled:
    """The attempt recorded (committed), then the throttle asked with every
    attempt others have recorded meanwhile; and the account's hash."""
    database = web(request).database
    try:
        with database.session(write=True, data=False) as session:
            attempt_id = signin.attempt(session, name, now)
        with database.session() as session:
            until = signin.throttled_until(session, name, now, besides=attempt_id)
            found = None if until else accounts.password_hash_of(session, name)
        if until is None:
            return attempt_id, found
        with database.session(write=True, data=False) as session:
            signin.forget(session, attempt_id)
    except sa_exc.SQLAlchemyError as err:
        raise database_problem(request, err) from None
    return signin.Throttled(name, until)


def _settle(request: Request, attempt_id: int, failed: bool | None, now: dt.datetime) -> None:
    """A failure stays recorded (and what no rule needs any more goes); an
    attempt never checked (None) is forgotten."""
    database = web(request).database
    try:
        with database.session(write=True, data=False) as session:
            if failed is None:
                signin.forget(session, attempt_id)
            else:
                signin.sweep(session, now)
    except sa_exc.SQLAlchemyError as err:
        if failed is None:
            raise database_problem(request, err) from None


def _start(request: Request, account: accounts.Account, attempt_id: int, now: dt.datetime) -> str:
    try:
        with web(request).database.session(write=True, data=False) as session:
            key, _ = signin.start(session, account, now, attempt_id)
    except sa_exc.SQLAlchemyError as err:
        raise database_problem(request, err) from None
    return key


def _busy(request: Request, name: str) -> Response:
    response = login_page(request, BUSY, 503, name)
    response.headers["Retry-After"] = "5"
    return response


async def logout(request: Request) -> Response:
    from tracker.web.forms import handled

    return await handled(request, _logout, None)


def _logout(request: Request, form: Any) -> Response:
    from tracker.web.write import signed

    key = request.cookies.get(auth.COOKIE)
    if key:
        signed(request, "reader", form)  # the form token: no other site signs anyone out
        with web(request).database.session(write=True, data=False) as session:
            signin.end(session, key)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response
