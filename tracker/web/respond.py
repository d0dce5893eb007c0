"""How every answer goes out: the reading flow (who asks, the data version,
the ETag and 304, the cache, the per-reader values, gzip), the error pages
and the JSON errors, and the forms' bodies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from markupsafe import escape
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response

from tracker.db import Database
from tracker.db import version as data_version
from tracker.db.failures import failure_message
from tracker.errors import NotFound, TrackerError
from tracker.web import auth
from tracker.web.cache import CSRF, USER, Cache, Drawn
from tracker.web.errors import JSON, error_json, error_page, error_text, json_text

__all__ = ["JSON", "Asking", "Web", "ask", "error_json", "error_page", "json_text"]
from tracker.web.params import Problem

MAX_FORM_FIELDS = 2000


@dataclass
class Web:
    """What every request shares: the database, whether reading is public,
    the cache of drawn answers."""

    database: Database
    public: bool
    cache: Cache


@dataclass(frozen=True, slots=True)
class Asking:
    """A reading request under way: who asks, at which data version."""

    who: auth.Viewer
    version: str
    session: Session


def web(request: Request) -> Web:
    found: Web = request.app.state.web
    return found


def problem_drawn(problem: Problem, api: bool) -> Drawn:
    if api:
        return Drawn.of(json_text({"error": problem.message}), problem.status, JSON)
    return Drawn.of(error_text(problem.status, problem.message), problem.status)


def as_problem(err: TrackerError, missing: int = 400) -> Problem:
    """A core error as an answer: the CLI's message; NotFound as `missing`."""
    return Problem(missing if isinstance(err, NotFound) else 400, str(err))


def database_problem(request: Request, err: sa_exc.SQLAlchemyError) -> Problem:
    return Problem(503, failure_message(err, web(request).database.url))


def ask(
    request: Request,
    key: Hashable,
    draw: Callable[[Asking], Drawn],
    *,
    api: bool,
    role: str | None = None,
    cache: bool = True,
) -> Response:
    """A reading request: who asks (401/403 if no one who may), the data
    version, a 304 if the reader has this very answer, else the answer drawn
    (once per version, day, question and kind of reader) and sent with the
    reader's own values."""
    site = web(request)
    try:
        with site.database.session() as session:
            who = auth.viewer(request, session, site.public)
            refusal = auth.denied(request, who, role)
            if refusal is not None:
                return auth.refused(request, refusal, api)
            assert who is not None
            version = data_version.current(session)
            kind = None if api else (who.role, who.csrf is not None, who.account is not None)
            full_key = (version, dt.date.today(), key, kind)
            values = {CSRF: who.csrf or "", USER: str(escape(who.name or ""))}
            etag = _etag(full_key, who.csrf, who.name)
            response: Response
            if not cache:  # a form's answer, drawn for this one request
                drawn = _drawn(draw, Asking(who, version, session), api)
                response = _send(request, drawn, values, None)
            elif _unchanged(request, etag):
                response = Response(status_code=304, headers=_headers(etag))
            else:
                drawn = site.cache.get(
                    full_key, lambda: _drawn(draw, Asking(who, version, session), api)
                )
                response = _send(request, drawn, values, etag)
    except Problem as problem:
        return auth.refused(request, problem, api)
    except sa_exc.SQLAlchemyError as err:
        failed = database_problem(request, err)
        return error_json(503, failed.message) if api else error_page(503, failed.message)
    auth.touch(request, who)
    return response


def _drawn(draw: Callable[[Asking], Drawn], asking: Asking, api: bool) -> Drawn:
    try:
        return draw(asking)
    except Problem as problem:
        return problem_drawn(problem, api)
    except TrackerError as err:
        return problem_drawn(as_problem(err), api)


def _etag(key: Hashable, csrf: str | None, name: str | None) -> str:
    """The same in every worker for the same answer to the same reader: the
    version, the day, the question, the kind of reader, their own values."""
    digest = hashlib.sha256(repr((key, csrf, name)).encode()).hexdigest()[:24]
    return f'W/"{digest}"'


def _unchanged(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match")
    if not sent:
        return False
    tags = {t.strip().removeprefix("W/") for t in sent.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _headers(etag: str | None) -> dict[str, str]:
    if etag is None:
        return {"Cache-Control": "no-store"}
    return {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "Vary": "Cookie, Authorization, Accept-Encoding",
    }


def _send(request: Request, drawn: Drawn, values: dict[str, str], etag: str | None) -> Response:
    headers = _headers(etag)
    compressed = drawn.compressible() and "gzip" in request.headers.get("accept-encoding", "")
    if compressed:
        headers["Content-Encoding"] = "gzip"
    media = drawn.media_type + ("; charset=utf-8" if drawn.media_type.startswith("text/") else "")
    return Response(drawn.body(values, compressed), drawn.status, headers, media_type=media)


async def form_of(request: Request) -> ImmutableMultiDict[str, str]:
    """A posted form (application/x-www-form-urlencoded: no file uploads), or
    a 400. The body's size is capped by `tracker.web.guard`."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if kind != "application/x-www-form-urlencoded":
        raise Problem(400, "send the form as application/x-www-form-urlencoded")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as err:
        raise Problem(400, f"cannot read the form: {err}") from None
    return ImmutableMultiDict(pairs)


async def json_of(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise Problem(400, f"the body is not JSON: {err}") from None
    if not isinstance(value, dict):
        raise Problem(400, "the body must be a JSON object")
    return value
