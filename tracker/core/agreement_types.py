"""The values `outlook` and `align` return (SPEC, "Outlook and alignment").

Agreements are kept exact (`Fraction`): blocs are drawn from the exact
values, and they are rounded to 3 decimals only when printed (`rounded`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final

from tracker.core.types import IssueRef, PartyRef, iso_instant

# An issue's class, closest to a deal first: the order issues are listed in.
AGREED: Final = "agreed"
WITHIN_REACH: Final = "within reach"
CONTESTED: Final = "contested"
DEADLOCKED: Final = "deadlocked"
CLASSES: Final[tuple[str, ...]] = (AGREED, WITHIN_REACH, CONTESTED, DEADLOCKED)
CLASS_RANK: Final[dict[str, int]] = {name: n for n, name in enumerate(CLASSES)}
DEFAULT_THRESHOLD: Final = Fraction(3, 4)


def rounded(value: Fraction | None) -> float | None:
    """`value` rounded to 3 decimals (half to even, as Python's `round`), as the
    float that prints as those decimals. In integers: `round(value, 3)` takes
    ten times as long, and a large alignment rounds 60,000 values."""
    if value is None:
        return None
    thousandths, rest = divmod(value.numerator * 1000, value.denominator)
    twice = 2 * rest
    if twice > value.denominator or (twice == value.denominator and thousandths % 2):
        thousandths += 1
    return thousandths / 1000


def _slugs(parties: tuple[PartyRef, ...]) -> list[str]:
    return [p.slug for p in parties]


@dataclass(frozen=True, slots=True)
class IssueOutlook:
    """One issue with at least two holders. `low` and `high` hold the lowest
    and the highest score (`low_score`, `high_score`); each party tuple is
    sorted by slug. `compare_class` is the class at the compare date (None:
    no compare date, or fewer than two holders then)."""

    issue: IssueRef
    kind: str  # the class: one of CLASSES
    side: str | None  # "for" or "against" when agreed
    spread: int
    holders: int
    low: tuple[PartyRef, ...]
    high: tuple[PartyRef, ...]
    low_score: int
    high_score: int
    holdouts: tuple[PartyRef, ...]
    undecided: tuple[PartyRef, ...]
    compare_class: str | None = None

    @property
    def moved(self) -> str | None:
        """ "closer" (to a deal) or "further" when the class changed since the
        compare date, else None."""
        then = self.compare_class
        if then is None or then == self.kind:
            return None
        return "closer" if CLASS_RANK[self.kind] < CLASS_RANK[then] else "further"

    def to_json(self) -> dict[str, Any]:
        return {
            "issue": self.issue.slug,
            "class": self.kind,
            "side": self.side,
            "spread": self.spread,
            "holders": self.holders,
            "low": _slugs(self.low),
            "high": _slugs(self.high),
            "holdouts": _slugs(self.holdouts),
            "undecided": _slugs(self.undecided),
            "compare_class": self.compare_class,
        }


@dataclass(frozen=True, slots=True)
class Outlook:
    as_of: dt.date
    known_at: dt.datetime | None
    compare: dt.date | None
    issues: tuple[IssueOutlook, ...]

    def counts(self) -> dict[str, int]:
        """How many issues are in each class, every class once."""
        found = dict.fromkeys(CLASSES, 0)
        for item in self.issues:
            found[item.kind] += 1
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "known_at": iso_instant(self.known_at),
            "compare": None if self.compare is None else self.compare.isoformat(),
            "issues": [i.to_json() for i in self.issues],
        }


@dataclass(frozen=True, slots=True)
class PairAlignment:
    """Two parties (`a` before `b` by slug) with at least one shared issue."""

    a: PartyRef
    b: PartyRef
    shared: int
    agreement: Fraction
    compare_agreement: Fraction | None = None
    # agreement - compare_agreement (None without both), computed once.
    change: Fraction | None = field(init=False)

    def __post_init__(self) -> None:
        then = self.compare_agreement
        object.__setattr__(self, "change", None if then is None else self.agreement - then)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.slug,
            "b": self.b.slug,
            "shared": self.shared,
            "agreement": rounded(self.agreement),
            "compare_agreement": rounded(self.compare_agreement),
            "change": rounded(self.change),
        }


@dataclass(frozen=True, slots=True)
class Alignment:
    """Every pair of parties with a shared issue, and the blocs they form.

    `parties` are those with a stance, in the matrix's order: each bloc's
    members together (the blocs in their order), then the rest by slug."""

    as_of: dt.date
    known_at: dt.datetime | None
    compare: dt.date | None
    threshold: Fraction
    parties: tuple[PartyRef, ...]
    pairs: tuple[PairAlignment, ...]
    blocs: tuple[tuple[PartyRef, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "known_at": iso_instant(self.known_at),
            "compare": None if self.compare is None else self.compare.isoformat(),
            "threshold": float(self.threshold),
            "pairs": [p.to_json() for p in self.pairs],
            "blocs": [_slugs(bloc) for bloc in self.blocs],
        }


@dataclass(frozen=True, slots=True)
class Standing:
    """What the report's page shows beyond the stances: the outlook and the
    alignment as of the report's date."""

    outlook: Outlook
    alignment: Alignment
