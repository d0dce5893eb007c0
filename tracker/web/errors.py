"""Error answers, as a page (with a reference where the server's log has the
details) or as JSON (`{"error": message}`): what every layer of the web
package answers a refusal or a failure with."""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse, Response

JSON = "application/json"


def json_text(value: Any) -> str:
    from tracker.render import to_json

    return to_json(value) + "\n"


def error_text(status: int, message: str, reference: str = "") -> str:
    from tracker.render import site

    titles = {400: "Not quite", 401: "Sign in", 403: "Not allowed", 404: "Not found",
              413: "Too large", 429: "Too many attempts", 503: "Database unavailable"}  # fmt: skip
    page = site.Site("", None, None, None, "")
    title = titles.get(status, "Something went wrong")
    return site.render("error.html", page, title=title, message=message, reference=reference)


def error_page(status: int, message: str, reference: str = "") -> Response:
    return HTMLResponse(error_text(status, message, reference), status)


def error_json(status: int, message: str) -> Response:
    return Response(json_text({"error": message}), status, media_type=JSON)
