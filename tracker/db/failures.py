"""A database's refusal or failure as one line a user can read: which
database, what went wrong, never its password."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import URL
from sqlalchemy import exc as sa_exc

from tracker.db.url import describe, secrets
from tracker.text import shorten

# Refusals for want of a privilege: PostgreSQL's SQLSTATE, MySQL/MariaDB's error numbers.
DENIED_SQLSTATES = {"42501"}
DENIED_MYSQL_ERRORS = {1142, 1143, 1044, 1370}
# MySQL and MariaDB report a failed CHECK as an operational error.
CHECK_FAILED_MYSQL_ERRORS = {3819, 4025}
# MySQL and MariaDB report a trigger's SIGNAL (the append-only ledger) as 1644.
SIGNALLED_MYSQL_ERRORS = {1644}
# A password this short is masked only where it stands alone: masked inside
# words it would blank half of every message ("t***ble").
SHORT_SECRET = 4
# A database's message can quote a whole row back: keep the line readable.
DETAIL_LIMIT = 300
# A transaction the server aborted to let another go on, which may pass if
# run again: a serialization failure or deadlock (PostgreSQL's SQLSTATE),
# a deadlock or a row changed since it was read (MySQL/MariaDB), SQLite's
# busy database (after its busy timeout) or stale snapshot. And a foreign
# key that failed (PostgreSQL's 23503, MySQL's 1451 and 1452): every command
# names the records it refers to in its own transaction, so the record was
# there when it looked, and another command merged or removed it since; run
# again, the command names it anew (a merged party's name is its survivor's).
RETRY_SQLSTATES = {"40001", "40P01", "23503"}
RETRY_MYSQL_ERRORS = {1213, 1020, 1451, 1452}
RETRY_SQLITE_CODES = {5, 517}  # SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT
# Ids used up: PostgreSQL's sequence at its end (SQLSTATE 2200H), MySQL's and
# MariaDB's AUTO_INCREMENT past the column's range (167, 1467), SQLite's
# rowid past it (the trigger statement_insert_guard of revision 0008 says so).
USED_UP_SQLSTATES = {"2200H"}
USED_UP_MYSQL_ERRORS = {167, 1467}
USED_UP = "ids are used up: 2147483647 is the largest a database holds"
# A routine of the schema missing (a restore without it): PostgreSQL's
# undefined function, MySQL's and MariaDB's missing procedure.
MISSING_ROUTINE_SQLSTATES = {"42883"}
MISSING_ROUTINE_MYSQL_ERRORS = {1305}
_WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|COPY)\s+[`\"]?(\w+)", re.IGNORECASE)


def _mysql_error(orig: BaseException) -> int | None:
    """A MySQL or MariaDB error number (PyMySQL's first argument), else None."""
    args: tuple[Any, ...] = getattr(orig, "args", ())
    return args[0] if args and type(args[0]) is int else None


def _refused(err: sa_exc.SQLAlchemyError, orig: BaseException) -> bool:
    """The database understood the request and said no (a constraint, a
    privilege), as opposed to being out of reach or broken."""
    if isinstance(err, sa_exc.IntegrityError | sa_exc.DataError):
        return True
    if getattr(orig, "sqlstate", None) in DENIED_SQLSTATES:
        return True
    refusals = DENIED_MYSQL_ERRORS | CHECK_FAILED_MYSQL_ERRORS | SIGNALLED_MYSQL_ERRORS
    return _mysql_error(orig) in refusals


def denied(err: sa_exc.SQLAlchemyError) -> bool:
    """Whether the database refused the request for want of a privilege."""
    orig = getattr(err, "orig", None)
    if orig is None:
        return False
    if getattr(orig, "sqlstate", None) in DENIED_SQLSTATES:
        return True
    return _mysql_error(orig) in DENIED_MYSQL_ERRORS


def aborted(err: sa_exc.SQLAlchemyError) -> bool:
    """Whether the server aborted the transaction so that another could go on:
    the whole transaction may be run again, and may then pass."""
    orig = getattr(err, "orig", None)
    if orig is None:
        return False
    if getattr(orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    if getattr(orig, "sqlite_errorcode", None) in RETRY_SQLITE_CODES:
        return True
    return _mysql_error(orig) in RETRY_MYSQL_ERRORS


def aborted_message(err: Exception, url: URL | None, tries: int, once: bool) -> str:
    """One line for a transaction aborted `tries` times (see `aborted`), or
    that lost a race (`tracker.errors.Conflict`); `once`: it could not be run
    again (its input was read from a pipe)."""
    where = f" {describe(url)}" if url is not None else ""
    orig = getattr(err, "orig", None) or err
    detail = shorten(scrub(str(orig), url) or type(orig).__name__, DETAIL_LIMIT)
    if once:
        return (
            f"database{where} aborted the transaction to let another go on ({detail}); "
            "nothing was changed, and the input was read from a pipe, so it was not "
            "retried: run the command again"
        )
    return (
        f"database{where} aborted the transaction {tries} times to let others go on "
        f"({detail}); nothing was changed: run the command again"
    )


def scrub(text: str, url: URL | None) -> str:
    """`text` on one line, without the database's password: masked first, so
    neither folding whitespace nor shortening can leave part of it."""
    if url is not None:
        for secret in secrets(url):
            if len(secret) < SHORT_SECRET:  # only where it stands alone, not inside words
                text = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", "***", text)
            else:
                text = text.replace(secret, "***")
    return " ".join(text.split())


def _used_up(orig: BaseException) -> bool:
    return (
        getattr(orig, "sqlstate", None) in USED_UP_SQLSTATES
        or _mysql_error(orig) in USED_UP_MYSQL_ERRORS
        or USED_UP in str(orig)
    )


def failure_message(err: sa_exc.SQLAlchemyError, url: URL | None) -> str:
    """One line about a database failure, naming the database if known."""
    where = f" {describe(url)}" if url is not None else ""
    orig = getattr(err, "orig", None) or err
    if _used_up(orig):
        written = _WRITTEN_TABLE.match(str(getattr(err, "statement", None) or ""))
        table = f"{written.group(1)} " if written else ""
        return f"database{where} refused the request: {table}{USED_UP}"
    if (
        getattr(orig, "sqlstate", None) in MISSING_ROUTINE_SQLSTATES
        or _mysql_error(orig) in MISSING_ROUTINE_MYSQL_ERRORS
    ):
        detail = shorten(scrub(str(orig), url), DETAIL_LIMIT)
        return (
            f"database{where} lacks a routine of its schema ({detail}), as a restore from a "
            "dump made without it does: its owner runs 'tracker db upgrade' to make it again"
        )
    detail = shorten(scrub(str(orig), url) or type(orig).__name__, DETAIL_LIMIT)
    if _refused(err, orig):
        return f"database{where} refused the request: {detail}"
    return f"cannot use database{where}: {detail}"
