"""`tracker serve`: the pages and the API, for a team, over HTTP. The web
stack (Starlette, uvicorn) is imported only here and in `tracker.web`."""

from __future__ import annotations

import os

import click

from tracker.cli.options import app
from tracker.core import accounts


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (each with its own cache; sessions are shared in the database).",
)
@click.option(
    "--public",
    is_flag=True,
    help="Let anyone read the pages and GET /api/... without signing in (writes still need it).",
)
def serve(host: str, port: int, workers: int, public: bool) -> None:
    """Serve the pages and the JSON API of this database to a team: every
    question the command line answers, as a page with its own address.
    Sign-in with the accounts of `tracker user add`; put it behind a reverse
    proxy with TLS to serve beyond this machine (docs/serving.md)."""
    database = app().db
    with database.session() as session:
        someone = accounts.any_user(session)
    if not someone and not public:
        raise click.ClickException(
            "no user can sign in yet: add one with 'tracker user add NAME --role admin' "
            "(or serve read-only to anyone with --public)"
        )
    from tracker.web import server

    os.environ[server.DB_ENV] = database.url.render_as_string(hide_password=False)
    os.environ[server.PUBLIC_ENV] = "1" if public else ""
    click.echo(f"Serving {database.name} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    server.run(host, port, workers)
