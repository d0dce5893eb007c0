"""How every answer goes out: the reading flow (who asks, the data version,
the question parsed, the ETag and 304, the cache, the per-reader values,
gzip)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from markupsafe import Markup, escape
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from tracker.db import Database
from tracker.db import version as data_version
from tracker.db.failures import failure_message
from tracker.errors import NotFound, TrackerError
from tracker.web import auth
from tracker.web.bodies import form_of, json_of
from tracker.web.cache import CSRF, USER, Cache, Drawn
from tracker.web.errors import JSON, error_json, error_page, error_text, json_text, refused
from tracker.web.params import Problem

if TYPE_CHECKING:
    from tracker.web.hashing import Hashing

__all__ = ["JSON", "Asking", "Web", "ask", "error_json", "error_page", "form_of", "json_of",
           "json_text"]  # fmt: skip


@dataclass
class Web:
    """What every request shares: the database, whether reading is public,
    the cache of drawn answers."""

    database: Database
    public: bool
    cache: Cache
    hashing: Hashing  # the password checks this process runs at once


@dataclass(frozen=True, slots=True)
class Asking:
    """A reading request under way: who asks, at which data version, and
    the question as it was parsed (`asked`; a Problem if it could not be)."""

    who: auth.Viewer
    version: str
    session: Session
    asked: Any = None


def web(request: Request) -> Web:
    found: Web = request.app.state.web
    return found


def frame(who: auth.Viewer, version: str, here: str = "", controls: Markup | None = None) -> Any:
    """A page's Site: the reader's own values as markers, filled per response."""
    from tracker.render.site import Site

    return Site(
        version,
        USER if who.account else None,
        who.role,
        CSRF if who.csrf else None,
        here,
        controls or Markup(),
        who.account is None,
    )


def problem_drawn(problem: Problem, api: bool, site: Any = None) -> Drawn:
    if api:
        return Drawn.of(json_text({"error": problem.message}), problem.status, JSON)
    return Drawn.of(error_text(problem.status, problem.message, site=site), problem.status)


def as_problem(err: TrackerError, missing: int = 400) -> Problem:
    """A core error as an answer: the CLI's message; NotFound as `missing`."""
    return Problem(missing if isinstance(err, NotFound) else 400, str(err))


def database_problem(request: Request, err: sa_exc.SQLAlchemyError) -> Problem:
    return Problem(503, failure_message(err, web(request).database.url))


def no_question() -> None:
    """The question of an answer drawn for one request (a form's): none to key."""
    return None


def ask(
    request: Request,
    question: Callable[[], Hashable],
    draw: Callable[[Asking], Drawn],
    *,
    api: bool,
    role: str | None = None,
    cache: bool = True,
    mistake: Callable[[Asking, Problem], Drawn] | None = None,
) -> Response:
    """A reading request: who asks (401/403 if no one who may), the data
        version, the question parsed (`question`: its options read and checked,
        a Problem for a mistake), a 304 if the reader has this very answer, else
        the answer drawn (once per version, day, path, parsed question and kind
        of reader; a mistake, or an error, for this request alone) and sent with
        the reader's own values. Only a 200 carries an ETag. `mistake` draws the
    answer to a question that could not be parsed (default: an error page)."""
    site = web(request)
    try:
        with site.database.session() as session:
            who = auth.viewer(request, session, site.public)
            version = data_version.current(session)
            refusal = auth.denied(request, who, role)
            if refusal is not None:
                return refused(request, refusal, api, who, version)
            assert who is not None
            request.state.viewer = who
            try:
                asked: Any = question()
            except Problem as mistaken:
                asked, cache = mistaken, False
            asking = Asking(who, version, session, asked)
            kind = None if api else (who.role, who.csrf is not None, who.account is not None)
            full_key = (version, dt.date.today(), request.url.path, asked, kind)
            values = {CSRF: who.csrf or "", USER: str(escape(who.name or ""))}
            if isinstance(asked, Problem):
                draw = _mistaken(asked, mistake)
            response = _answer(
                request, site, full_key if cache else None, asking, draw, api, values
            )
    except Problem as problem:
        return refused(request, problem, api)
    except sa_exc.SQLAlchemyError as err:
        failed = database_problem(request, err)
        return error_json(503, failed.message) if api else error_page(503, failed.message)
    auth.touch(request, who)
    return response


def _answer(
    request: Request,
    site: Web,
    key: Hashable | None,
    asking: Asking,
    draw: Callable[[Asking], Drawn],
    api: bool,
    values: dict[str, str],
) -> Response:
    """The drawn answer, or 304 (RFC 9110: `If-None-Match` with a tag this
    answer has, compared weakly; `*` when the answer is a 200)."""
    if key is None:
        return _send(request, _drawn(draw, asking, api), values, None)
    etag = _etag(key, asking.who.csrf, asking.who.name)
    wanted = if_none_match(request.headers.get("if-none-match"))
    if isinstance(wanted, frozenset) and _opaque(etag) in wanted:
        return Response(status_code=304, headers=_headers(etag))  # only a 200 had this tag
    drawn = site.cache.get(key, lambda: _drawn(draw, asking, api))
    if drawn.status != 200:
        return _send(request, drawn, values, None)
    if wanted == ANY:
        return Response(status_code=304, headers=_headers(etag))
    return _send(request, drawn, values, etag)


def _mistaken(
    problem: Problem, mistake: Callable[[Asking, Problem], Drawn] | None
) -> Callable[[Asking], Drawn]:
    def draw(a: Asking) -> Drawn:
        if mistake is None:
            raise problem
        return mistake(a, problem)

    return draw


def _drawn(draw: Callable[[Asking], Drawn], asking: Asking, api: bool) -> Drawn:
    page = None if api else frame(asking.who, asking.version)
    try:
        return draw(asking)
    except Problem as problem:
        return problem_drawn(problem, api, page)
    except TrackerError as err:
        return problem_drawn(as_problem(err), api, page)


def _etag(key: Hashable, csrf: str | None, name: str | None) -> str:
    """The same in every worker for the same answer to the same reader: the
    data version, the day, the question, the kind of reader, their own values."""
    digest = hashlib.sha256(repr((key, csrf, name)).encode()).hexdigest()[:24]
    return f'W/"{digest}"'


ANY: Final = "*"
_TAG = re.compile(r'(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)"')


def if_none_match(header: str | None) -> frozenset[str] | str | None:
    """`If-None-Match` as RFC 9110 (13.1.2) reads it: `*`, or a list of entity
    tags (their opaque parts: the comparison is weak). None when absent, or
    malformed (then it is ignored, as if absent)."""
    if header is None or not header.strip():
        return None
    if header.strip() == ANY:
        return ANY
    tags: set[str] = set()
    for item in _list_items(header):
        found = _TAG.fullmatch(item)
        if found is None:
            return None
        tags.add(found.group(1))
    return frozenset(tags) or None


def _list_items(header: str) -> list[str]:
    """The members of a comma-separated list; a comma inside a quoted tag is
    the tag's own (RFC 9110 allows it in an opaque tag)."""
    items, current, quoted = [], "", False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    items.append(current.strip())
    return [item for item in items if item]


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/")[1:-1]


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
