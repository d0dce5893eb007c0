"""What every response goes through: a cap on the request's body, the
security headers, and, for anything that escapes the handlers, an error
page with a reference whose traceback goes to the server's log only."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.errors import DatabaseError

MAX_BODY = 2 * 2**20  # bytes: a pasted article fits; a form of megabytes is not one
log = logging.getLogger("tracker.web")

# Scripts only from the server itself; styles from it too, and in style
# attributes (the charts' widths); no frames, no other host, no plugins.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware around the whole application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in HEADERS if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await self._error(scope, send_secured, 413, "the request's body is too large")
            return
        received = 0

        async def receive_capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise TooLarge
            return message

        try:
            await self.app(scope, receive_capped, send_secured)
        except TooLarge:
            if not started:
                await self._error(scope, send_secured, 413, "the request's body is too large")
        except DatabaseError as err:  # at another revision, or its guard lifted: said in the log
            reference = uuid.uuid4().hex[:12]
            log.warning("error %s on %s %s: %s", reference, scope.get("method"),
                        scope.get("path"), err)  # fmt: skip
            if not started:
                await self._error(scope, send_secured, 503,
                                  "The database cannot be used at the moment; try again later.",
                                  reference)  # fmt: skip
        except Exception:
            reference = uuid.uuid4().hex[:12]
            log.exception("error %s on %s %s", reference, scope.get("method"), scope.get("path"))
            if not started:
                await self._error(scope, send_secured, 500, "Something went wrong on the server.",
                                  reference)  # fmt: skip

    async def _error(
        self, scope: Scope, send: Any, status: int, message: str, reference: str = ""
    ) -> None:
        from starlette.requests import Request

        from tracker.web.errors import answer

        response = await answer(Request(scope), status, message, reference)

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)
