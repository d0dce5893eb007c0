"""How every write goes: who asks (and may they), a post from another site
refused, the form token checked, then one transaction written as the
signed-in user (`recorded_by`), run again if the server aborted it as a
deadlock, as the command line does."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from starlette.requests import Request

from tracker.core.values import acting_as
from tracker.db.failures import aborted
from tracker.errors import Conflict, TrackerError
from tracker.web import auth
from tracker.web.params import Problem
from tracker.web.respond import as_problem, database_problem, web

T = TypeVar("T")
TRIES = 3


def signed(request: Request, role: str, form: Any = None) -> auth.Viewer:
    """The signed-in user who may write with `role`, or a Problem: 401, 403
    (their role; a post from another site; a missing or wrong form token).
    A browser's session is used, so its idle expiry moves on, as a page's does."""
    who = auth.allowed(request, role)
    if auth.cross_site(request):
        raise Problem(403, "a post from another site is refused")
    auth.check_csrf(request, who, form)
    auth.touch(request, who)
    return who


def written(
    request: Request,
    who: auth.Viewer,
    action: Callable[[Session], T],
    *,
    data: bool = True,
    missing: int = 400,
) -> T:
    """`action` in one writing transaction, recorded as `who`; a core error
    is a Problem with the CLI's message (NotFound as `missing`)."""
    database = web(request).database
    assert who.name is not None
    # The server checked the schema when it started: an owner may have lifted
    # the ledger's guard for a correction since (`tracker db guard off`), and
    # every command refuses the database meanwhile, so a write here does too.
    if data and (problem := database.problem(database.state())) is not None:
        raise Problem(503, problem)
    for tries in range(1, TRIES + 1):
        try:
            with acting_as(who.name), database.session(write=True, data=data) as session:
                return action(session)
        except TrackerError as err:
            if isinstance(err, Conflict) and tries < TRIES:
                continue
            raise as_problem(err, missing) from None
        except sa_exc.SQLAlchemyError as err:
            if not aborted(err) or tries == TRIES:
                raise database_problem(request, err) from None
        time.sleep(random.uniform(0.05, 0.25) * tries)
    raise AssertionError("unreachable")
