"""Dates and times on input: ISO dates, `today`, `yesterday`, known-at instants."""

from __future__ import annotations

import datetime as dt

EARLIEST = dt.date(1900, 1, 1)
FUTURE_SLACK = dt.timedelta(days=7)


def today() -> dt.date:
    return dt.date.today()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_date(text: str) -> dt.date:
    """An ISO date (YYYY-MM-DD), `today` or `yesterday`; ValueError otherwise."""
    word = text.strip().lower()
    if word == "today":
        return today()
    if word == "yesterday":
        return today() - dt.timedelta(days=1)
    try:
        if len(word) != 10:
            raise ValueError
        return dt.date.fromisoformat(word)
    except ValueError:
        raise ValueError(f"bad date {text!r}: use YYYY-MM-DD, 'today' or 'yesterday'") from None


def check_statement_date(day: dt.date) -> dt.date:
    """Refuse dates before 1900 or more than a week ahead: almost always a typo."""
    if day < EARLIEST:
        raise ValueError(f"date {day.isoformat()} is before {EARLIEST.isoformat()}")
    latest = today() + FUTURE_SLACK
    if day > latest:
        raise ValueError(
            f"date {day.isoformat()} is more than a week in the future "
            f"(latest accepted: {latest.isoformat()})"
        )
    return day


def parse_instant(text: str) -> dt.datetime:
    """A known-at instant: a bare date means the end of that day (UTC); a
    date-time without an offset is UTC. Returned as an aware UTC datetime."""
    word = text.strip()
    try:
        day = parse_date(word)
    except ValueError:
        pass
    else:
        return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(word.replace("z", "Z"))
    except ValueError:
        raise ValueError(
            f"bad date-time {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:59:59-05:00 is past the last UTC year
        raise ValueError(f"date-time {text!r} is out of range") from None
