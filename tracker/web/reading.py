"""Read an article in the browser: paste a text or give its address, get
`tracker read`'s proposals, and accept, correct or skip each. The form
carries every proposal's fields, so the page holds no state on the server:
"Log this one now" logs one at once, "Log every accepted one" the rest,
each as `tracker add` logs a statement, in a transaction of its own."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tracker.web.forms import _fields, form_page, handled, log_statement
from tracker.web.params import Problem, Query
from tracker.web.respond import web
from tracker.web.write import signed

MAX_PROPOSALS = 200


def read_page(request: Request) -> Response:
    return form_page(request, "read.html", "read", proposals=None)


async def read(request: Request) -> Response:
    return await handled(request, _read, "writer")


def _read(request: Request, form: Any) -> Response:
    who = signed(request, "writer", form)
    if form.get("count") is None:
        return _propose(request, form)
    try:
        count = min(int(form.get("count", "0")), MAX_PROPOSALS)
    except ValueError:
        raise Problem(400, "Invalid value for 'count': not a number") from None
    which = form.get("log", "accepted")
    proposals, logged = [], []
    for n in range(1, count + 1):
        p = _proposal(form, n)
        wanted = p["state"] == "accept" and which in ("accepted", str(n))
        if wanted:
            try:
                added = log_statement(request, who, p["v"])
            except Problem as problem:
                p["error"] = problem.message
            else:
                p["state"], p["logged"] = "logged", added.statement.id
                logged.append(f"Proposal {n}: added statement #{added.statement.id}.")
        proposals.append(p)
    return form_page(request, "read.html", "read", proposals=proposals, logged=logged, unknown=())


def _proposal(form: Any, n: int) -> dict[str, Any]:
    prefix = f"p{n}-"
    state = form.get(prefix + "state", "accept")
    return {
        "v": _fields(form, prefix),
        "state": state if state in ("accept", "skip", "logged", "held") else "accept",
        "logged": form.get(prefix + "logged") or None,
        "evidence": form.get(prefix + "evidence", ""),
        "cue": form.get(prefix + "cue", ""),
        "error": None,
    }


def _propose(request: Request, form: Any) -> Response:
    """The proposals `tracker read` makes of the text (or the page at the
    address), each already held by the database marked as such."""
    from tracker.core import reader_catalog
    from tracker.dates import check_statement_date
    from tracker.errors import TrackerError
    from tracker.read import propose, source

    q = Query(form)
    text, url = q.text("text"), q.text("url")
    typed = {"text": text, "url": url, "date": q.text("date"), "source": q.text("source")}
    try:
        if url:
            if not source.is_url(url):
                raise Problem(400, f"Invalid value for 'url': {url!r} is not an http(s) address")
            doc = source.load(url)
        elif text:
            doc = source.document(text.encode("utf-8"))
        else:
            raise Problem(400, "paste a text, or give the address of one")
        day = q.date("date") or doc.date
        if day is None:
            raise Problem(400, "the text says no date: give the date of the statements")
        try:
            check_statement_date(day)
        except ValueError as err:
            raise Problem(400, f"{err} (the text's own date): give the date") from None
        cite = q.text("source") or (doc.url if url else None)
        with web(request).database.session() as session:
            known = reader_catalog.known_from_catalog(session, opposites=True)
            found = propose.read(doc, known, day, cite)
            held = reader_catalog.held(session, found.proposals)
    except Problem as problem:
        return form_page(request, "read.html", "read", problem.status, proposals=None,
                         error=problem.message, **typed)  # fmt: skip
    except TrackerError as err:
        return form_page(request, "read.html", "read", 400, proposals=None, error=str(err), **typed)
    proposals = [
        {
            "v": {
                **{k: "" if v is None else str(v) for k, v in p.to_json().items()},
                "stance": p.stance,
            },
            "state": "held" if p.key() in held else "accept",
            "logged": None,
            "evidence": p.evidence,
            "cue": p.cue,
            "error": None,
        }
        for p in found.proposals
    ]
    return form_page(request, "read.html", "read", proposals=proposals, unknown=found.unknown)
