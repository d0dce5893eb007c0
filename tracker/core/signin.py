"""Signing in to `tracker serve`: log-in sessions kept in the database (so
that every worker sees a revocation at once), their expiry, and the
throttling of failed log-ins per user name (SPEC, "Serving a team")."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.core.accounts import NAME_LENGTH, Account, digest
from tracker.db.schema import ACCOUNT, ACCOUNT_SESSION, LOGIN_FAILURE
from tracker.errors import TrackerError

IDLE: Final = dt.timedelta(days=1)
LIFETIME: Final = dt.timedelta(weeks=1)
# A session's last use is written at most this often: not a write per request.
TOUCH_EVERY: Final = dt.timedelta(minutes=1)
FAILURES: Final = 5
WINDOW: Final = dt.timedelta(minutes=15)


class Throttled(TrackerError):
    """Too many failed log-ins for one user name: refused for a while."""

    def __init__(self, name: str, until: dt.datetime) -> None:
        self.until = until
        super().__init__(
            f"too many failed log-ins for {name!r}: try again after "
            f"{until.astimezone(dt.UTC):%H:%M} UTC"
        )


@dataclass(frozen=True, slots=True)
class Signed:
    """A signed-in browser: its account, its session's row, the token every
    form it posts must carry, and whether its last use should be written."""

    account: Account
    session_id: int
    csrf: str
    stale: bool


def throttled_until(
    session: Session, name: str, now: dt.datetime, besides: int | None = None
) -> dt.datetime | None:
    """When log-ins for `name` are allowed again, if they are not now: after
    FAILURES failures within WINDOW, until WINDOW after the last of them.
    Attempts still being checked count as failures; `besides` is the asker's
    own attempt, left out."""
    f = LOGIN_FAILURE.c
    times = session.scalars(
        select(f.failed_at)
        .where(f.name == name[:NAME_LENGTH], f.id != (besides or 0))
        .order_by(f.failed_at.desc())
        .limit(FAILURES)
    ).all()
    if len(times) < FAILURES:
        return None
    last, first = times[0], times[-1]
    if last - first <= WINDOW and now < last + WINDOW:
        until: dt.datetime = last + WINDOW
        return until
    return None


def attempt(session: Session, name: str, now: dt.datetime) -> int:
    """A log-in attempt for `name`, recorded (and committed by the caller)
    before its password is checked: a failure until `start` settles it as a
    success. So attempts made at once, in any worker, are counted at once:
    the k-th to commit sees at least k-1 others, and at most FAILURES of a
    burst are let through to the slow check. Returns the attempt's id."""
    done = session.execute(insert(LOGIN_FAILURE).values(name=name[:NAME_LENGTH], failed_at=now))
    new_id = cast(CursorResult[Any], done).inserted_primary_key
    assert new_id is not None
    return int(new_id[0])


def forget(session: Session, attempt_id: int) -> None:
    """An attempt that was never checked (throttled, or the server too busy)."""
    session.execute(delete(LOGIN_FAILURE).where(LOGIN_FAILURE.c.id == attempt_id))


def sweep(session: Session, now: dt.datetime) -> None:
    """What no rule can use any more: failures older than twice the window.
    A transaction of its own (on MariaDB a delete's gap locks beside the
    inserts of attempts made at once would deadlock them)."""
    session.execute(delete(LOGIN_FAILURE).where(LOGIN_FAILURE.c.failed_at < now - 2 * WINDOW))


def start(
    session: Session, account: Account, now: dt.datetime, attempt_id: int | None = None
) -> tuple[str, str]:
    """A new session for `account`: (the cookie's key, the form token). The
    account's failures up to this attempt are forgotten (not the attempts
    made after it, still being checked), and expired sessions of anyone removed."""
    f = LOGIN_FAILURE.c
    forgotten = f.name == account.name
    if attempt_id is not None:
        forgotten &= f.id <= attempt_id
    session.execute(delete(LOGIN_FAILURE).where(forgotten))
    s = ACCOUNT_SESSION.c
    session.execute(
        delete(ACCOUNT_SESSION).where((s.seen_at < now - IDLE) | (s.created_at < now - LIFETIME))
    )
    key, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.execute(
        insert(ACCOUNT_SESSION).values(
            account_id=account.id, key_hash=digest(key), csrf_token=csrf, created_at=now,
            seen_at=now,
        )
    )  # fmt: skip
    return key, csrf


def find(session: Session, key: str, now: dt.datetime) -> Signed | None:
    """The live session whose cookie key is `key`; None if there is none, or
    it was revoked, idle a day or begun a week ago."""
    s = ACCOUNT_SESSION.c
    row = session.execute(
        select(
            s.id,
            s.csrf_token,
            s.created_at,
            s.seen_at,
            ACCOUNT.c.id.label("account"),
            ACCOUNT.c.name,
            ACCOUNT.c.role,
        )
        .join(ACCOUNT, ACCOUNT.c.id == s.account_id)
        .where(s.key_hash == digest(key))
    ).first()
    if row is None or now - row.seen_at > IDLE or now - row.created_at > LIFETIME:
        return None
    account = Account(row.account, row.name, row.role)
    return Signed(account, row.id, row.csrf_token, now - row.seen_at > TOUCH_EVERY)


def touch(session: Session, session_id: int, now: dt.datetime) -> None:
    session.execute(
        update(ACCOUNT_SESSION).where(ACCOUNT_SESSION.c.id == session_id).values(seen_at=now)
    )


def end(session: Session, key: str) -> None:
    session.execute(delete(ACCOUNT_SESSION).where(ACCOUNT_SESSION.c.key_hash == digest(key)))
