"""Running the application under uvicorn, a production ASGI server: one
process, or `--workers N` processes that each build the application
(`app.factory`) and share the sessions through the database."""

from __future__ import annotations

import logging

from tracker.web.app import DB_ENV, PUBLIC_ENV

__all__ = ["DB_ENV", "PUBLIC_ENV", "run"]


def run(host: str, port: int, workers: int) -> None:
    import uvicorn

    logging.getLogger("tracker.web").setLevel(logging.INFO)
    uvicorn.run(
        "tracker.web.app:factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,  # X-Forwarded-Proto from a proxy on this machine: https cookies
        server_header=False,
        log_level="info",
    )
