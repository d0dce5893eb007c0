"""The web application: Starlette routes over the handlers of `tracker.web`,
inside `guard.Guard`. `factory` is what uvicorn's workers build it with."""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from tracker.db import Database, resolve_url
from tracker.web import admin, api, draft_forms, drafts, forms, login, pages, reading, records
from tracker.web.cache import Cache
from tracker.web.errors import router_error
from tracker.web.guard import Guard
from tracker.web.hashing import Hashing
from tracker.web.respond import Web

DB_ENV = "TRACKER_SERVE_DB"
PUBLIC_ENV = "TRACKER_SERVE_PUBLIC"
CACHE_ENV = "TRACKER_SERVE_CACHE_MB"

ROUTES = [
    # The pages: what the command line prints, one address each.
    Route("/", pages.report),
    Route("/diff", pages.diff),
    Route("/outlook", pages.outlook),
    Route("/align", pages.align),
    Route("/log", pages.log),
    Route("/history", pages.history),
    Route("/search", pages.search),
    Route("/statements/{id}", pages.statement),
    Route("/parties", records.records),
    Route("/issues", records.records),
    Route("/people", records.records),
    # A name may hold `/` (`{name:path}`); a write's address ends with its verb.
    Route("/parties/{name:path}", records.record),
    Route("/issues/{name:path}", records.record),
    Route("/people/{name:path}", records.record),
    Route("/drafts", drafts.drafts),
    Route("/drafts/{slug}", drafts.show),
    Route("/drafts/{slug}/versions", drafts.versions),
    Route("/drafts/{slug}/diff", drafts.diff),
    Route("/static/{name}", pages.assets),
    # Writing: writers and admins.
    Route("/add", forms.add_page),
    Route("/add", forms.add, methods=["POST"]),
    Route("/statements/{id}/retract", forms.retract, methods=["POST"]),
    Route("/read", reading.read_page),
    Route("/read", reading.read, methods=["POST"]),
    Route("/parties", admin.add_record, methods=["POST"]),
    Route("/issues", admin.add_record, methods=["POST"]),
    Route("/people", admin.add_record, methods=["POST"]),
    *(
        Route(f"/{kind}/{{name:path}}/edit", admin.edit, methods=["POST"])
        for kind in ("parties", "issues", "people")
    ),
    *(
        Route(f"/{kind}/{{name:path}}/merge", admin.merge_record, methods=["POST"])
        for kind in ("parties", "issues")
    ),
    *(
        Route(f"/{kind}/{{name:path}}/remove", admin.remove, methods=["POST"])
        for kind in ("parties", "issues")
    ),
    Route("/drafts", draft_forms.add_draft, methods=["POST"]),
    Route("/drafts/{slug}/versions", draft_forms.add_version, methods=["POST"]),
    Route("/drafts/{slug}/withdraw", draft_forms.withdraw, methods=["POST"]),
    Route("/drafts/{slug}/links", draft_forms.relink, methods=["POST"]),
    # Signing in and out.
    Route("/login", login.login_form),
    Route("/login", login.login, methods=["POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    # The API: JSON, as `--format json` prints it.
    Route("/api/version", api.version),
    Route("/api/report", api.report),
    Route("/api/diff", api.diff),
    Route("/api/outlook", api.outlook),
    Route("/api/align", api.align),
    Route("/api/log", api.log),
    Route("/api/history", api.history),
    Route("/api/search", api.search),
    Route("/api/statements", api.add, methods=["POST"]),
    Route("/api/statements/{id}", api.statement),
    Route("/api/statements/{id}/retract", api.retract, methods=["POST"]),
    Route("/api/parties", api.parties),
    Route("/api/issues", api.issues),
    Route("/api/people", api.people_list),
    Route("/api/parties/{name:path}", api.party),
    Route("/api/issues/{name:path}", api.issue),
    Route("/api/people/{name:path}", api.person),
    Route("/api/drafts", api.drafts),
    Route("/api/drafts/{slug}", api.draft),
    Route("/api/drafts/{slug}/versions", api.draft_versions),
    Route("/api/drafts/{slug}/diff", api.draft_diff),
]


def create(database: Database, public: bool = False, cache_bytes: int = 512 * 2**20) -> Starlette:
    database.ensure_current()
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(Guard)],
        exception_handlers={HTTPException: router_error},
    )
    app.state.web = Web(database, public, Cache(cache_bytes), Hashing())
    return app


def factory() -> Starlette:
    """The application as `tracker serve` configured it (through the environment:
    each of uvicorn's worker processes builds its own)."""
    database = Database(resolve_url(os.environ[DB_ENV]))
    megabytes = int(os.environ.get(CACHE_ENV) or 512)
    return create(database, bool(os.environ.get(PUBLIC_ENV)), megabytes * 2**20)
