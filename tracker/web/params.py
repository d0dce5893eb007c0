"""A request's query string (or form) read as the command line reads its
options: the same types, the same defaults, the same messages for the same
mistakes (click's "Invalid value for ..." naming the parameter as the query
string spells it). A bad value is a `Problem` (400)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Protocol, TypeVar

from tracker import dates, stance

T = TypeVar("T")
MAX_ID = 2**31 - 1  # as `tracker show ID`
MAX_LIMIT = 2**63 - 2
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


class Problem(Exception):
    """An answer that is an error: its HTTP status and its one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Values(Protocol):
    """A query string or a form: one value of a name, or all of them."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


def invalid(name: str, message: str) -> Problem:
    return Problem(400, f"Invalid value for '{name}': {message}")


def missing(name: str) -> Problem:
    return Problem(400, f"Missing parameter '{name}'")


def _text(name: str, value: Any) -> str:
    """A parameter's value as text: not a number, a list or a NUL (a name
    or a date never holds one; a database would refuse it)."""
    if not isinstance(value, str):
        raise invalid(name, "must be text")
    if "\x00" in value:
        raise invalid(name, "holds a NUL character")
    return value


class Query:
    """The parameters of one request, read by type."""

    def __init__(self, values: Values | Mapping[str, Any]) -> None:
        self.values = values

    def only(self, *names: str) -> Query:
        """This query, if it names no parameter but `names`; else a 400 naming
        the first it does not know (as the command line refuses an option)."""
        keys = self.values.keys() if hasattr(self.values, "keys") else ()
        unknown = [k for k in keys if k not in names]
        if unknown:
            known = f"the parameters are {', '.join(names)}" if names else "it takes none"
            raise Problem(400, f"unknown parameter {unknown[0]!r}; {known}")
        return self

    def raw(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return _text(name, value).strip() or None

    def many(self, name: str) -> tuple[str, ...]:
        """A repeatable parameter (`party`, `issue`): blanks left out."""
        getlist = getattr(self.values, "getlist", None)
        found = getlist(name) if getlist else [self.values.get(name)]
        texts = [_text(name, v) for v in found if v is not None]
        return tuple(v.strip() for v in texts if v.strip())

    def _parsed(self, name: str, parse: Callable[[str], T], default: str | None) -> T | None:
        value = self.raw(name) or default
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as err:
            raise invalid(name, str(err)) from None

    def date(self, name: str, default: str | None = None) -> dt.date | None:
        return self._parsed(name, dates.parse_date, default)

    def required_date(self, name: str) -> dt.date:
        found = self.date(name)
        if found is None:
            raise missing(name)
        return found

    def statement_date(self, name: str) -> dt.date:
        """A date a statement was made (default today): as `add --date`."""
        day = self.date(name, "today")
        assert day is not None
        try:
            return dates.check_statement_date(day)
        except ValueError as err:
            raise invalid(name, str(err)) from None

    def instant(self, name: str) -> dt.datetime | None:
        return self._parsed(name, dates.parse_instant, None)

    def integer(self, name: str, default: int, low: int = 0, high: int = MAX_LIMIT) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid(name, f"{value!r} is not a valid integer.") from None
        if not low <= number <= high:
            raise invalid(name, f"{number} is not in the range {low}<=x<={high}.")
        return number

    def flag(self, name: str) -> bool:
        value = (self.raw(name) or "").lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise invalid(name, f"{value!r} is not a valid boolean (use 1 or 0)")

    def text(self, name: str) -> str | None:
        return self.raw(name)

    def required(self, name: str) -> str:
        value = self.raw(name)
        if value is None:
            raise missing(name)
        return value

    def stance(self, name: str) -> int:
        value = self.required(name)
        try:
            return stance.parse_stance(value)
        except ValueError as err:
            raise invalid(name, str(err)) from None

    def threshold(self, name: str, parse: Callable[[str], Fraction], default: str) -> Fraction:
        found = self._parsed(name, parse, default)
        assert found is not None
        return found

    def shown(
        self, names: Sequence[str], flags: Sequence[str] = (), lists: Sequence[str] = ()
    ) -> dict[str, Any]:
        """What the controls show: each parameter as typed (`lists`: all the
        values of a repeatable one), so that a form comes back as it was sent."""
        shown: dict[str, Any] = {n: self.raw(n) for n in names}
        shown |= {n: list(self.many(n)) for n in lists}
        shown |= {n: (self.raw(n) or "").lower() in TRUE for n in flags}
        return shown
