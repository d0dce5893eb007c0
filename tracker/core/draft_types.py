"""The values `tracker draft` returns, and their JSON (SPEC, "Drafts: the
texts under negotiation")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

from tracker.core.types import IssueRef, PartyRef, Term, iso_instant
from tracker.stance import label

# What a reworded point lost and gained: (SAME, ADDED or REMOVED, its text).
SAME: Final = "same"
ADDED: Final = "added"
REMOVED: Final = "removed"
Segment = tuple[str, str]
# What became of a point between two versions (a point ADDED or REMOVED too).
UNCHANGED: Final = "unchanged"
REWORDED: Final = "reworded"
CHANGES: Final = (UNCHANGED, REWORDED, ADDED, REMOVED)


@dataclass(frozen=True, slots=True)
class DraftRef:
    id: int
    slug: str
    title: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class VersionView:
    """One version of a draft; `by` are the slugs of the parties that put
    it forward."""

    id: int
    label: str
    dated_on: dt.date
    by: tuple[str, ...]
    source: str | None
    body: str
    recorded_at: dt.datetime
    recorded_by: str
    withdrawn_at: dt.datetime | None = None
    withdrawal_reason: str | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def to_json(self) -> dict[str, Any]:
        """SPEC's version object (`draft show`)."""
        return {
            "label": self.label,
            "date": self.dated_on.isoformat(),
            "by": list(self.by),
            "source": self.source,
        }

    def history_json(self) -> dict[str, Any]:
        """A version in `draft versions`: when and by whom it was recorded,
        and its withdrawal."""
        return {
            **self.to_json(),
            "recorded_at": iso_instant(self.recorded_at),
            "recorded_by": self.recorded_by,
            "withdrawn_at": iso_instant(self.withdrawn_at),
            "withdrawal_reason": self.withdrawal_reason,
        }


@dataclass(frozen=True, slots=True)
class DraftSummary:
    """A draft in `draft list`: how many versions it has (withdrawn ones not
    counted) and the label of the latest."""

    draft: DraftRef
    versions: int
    latest: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.draft.slug,
            "title": self.draft.title,
            "versions": self.versions,
            "latest": self.latest,
        }


@dataclass(frozen=True, slots=True)
class IssueStanding:
    """An issue a point settles: its outlook class as of a date (None under
    two holders) and each party's stance then, by party slug."""

    issue: IssueRef
    kind: str | None
    stances: tuple[tuple[PartyRef, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "issue": self.issue.slug,
            "class": self.kind,
            "stances": [{"party": p.slug, "stance": label(s)} for p, s in self.stances],
        }


@dataclass(frozen=True, slots=True)
class ShownPoint:
    number: int
    position: int
    text: str
    issues: tuple[IssueStanding, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "issues": [i.to_json() for i in self.issues],
        }


# --- the side-by-side view (`--format html`) ---------------------------------------


@dataclass(frozen=True, slots=True)
class PointCell:
    """A point in one column of the side-by-side view: how it changed from
    the point it pairs with in the column before (None in the first column,
    where it has no earlier one), and for a reworded point, what it lost and
    gained, word by word."""

    number: int
    text: str
    change: str | None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """Paired points across the versions (None where the row's point is not
    in a version), and the issues of its latest point."""

    cells: tuple[PointCell | None, ...]
    issues: tuple[IssueStanding, ...]


@dataclass(frozen=True, slots=True)
class SideBySide:
    versions: tuple[VersionView, ...]
    rows: tuple[Row, ...]


# --- the documents ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftShow:
    """`draft show`: a version's points, each with its issues as of `as_of`;
    `side`, for a page, every version up to it side by side."""

    draft: DraftRef
    version: VersionView
    as_of: dt.date
    preamble: str | None
    points: tuple[ShownPoint, ...]
    side: SideBySide | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "draft": self.draft.slug,
            "title": self.draft.title,
            "version": self.version.to_json(),
            "as_of": self.as_of.isoformat(),
            "preamble": self.preamble,
            "points": [p.to_json() for p in self.points],
        }


@dataclass(frozen=True, slots=True)
class DiffPoint:
    """A pair of `draft diff`: its change, its numbers and texts in FROM and
    TO (None where it has none), the slugs of its issues, and for a reworded
    point what it lost and gained."""

    change: str
    number_from: int | None
    number_to: int | None
    text_from: str | None
    text_to: str | None
    issues: tuple[str, ...]
    segments: tuple[Segment, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "number_from": self.number_from,
            "number_to": self.number_to,
            "text_from": self.text_from,
            "text_to": self.text_to,
            "issues": list(self.issues),
        }


@dataclass(frozen=True, slots=True)
class DraftDiff:
    draft: DraftRef
    old: VersionView
    new: VersionView
    points: tuple[DiffPoint, ...]
    side: SideBySide | None = None

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(CHANGES, 0)
        for p in self.points:
            found[p.change] += 1
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "draft": self.draft.slug,
            "from": self.old.label,
            "to": self.new.label,
            "points": [p.to_json() for p in self.points],
        }


@dataclass(frozen=True, slots=True)
class DraftVersions:
    """`draft versions`: every version of a draft, withdrawn ones too, oldest first."""

    draft: DraftRef
    versions: tuple[VersionView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "draft": self.draft.slug,
            "title": self.draft.title,
            "versions": [v.history_json() for v in self.versions],
        }


@dataclass(frozen=True, slots=True)
class AddedVersion:
    """A version added: how many points it has, and its links to issues,
    found in its text or inherited from `previous` (a label)."""

    draft: DraftRef
    version: VersionView
    points: int
    found: int
    inherited: int
    previous: str | None


@dataclass(frozen=True, slots=True)
class Relinked:
    """What `draft link` or `unlink` did to one point: the issues it changed
    and those that were already so."""

    draft: DraftRef
    version: VersionView
    number: int
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    linked: bool


@dataclass(frozen=True, slots=True)
class DraftStanding:
    """A draft on the report page: its latest version as of the report's date,
    how many points it has, and how many sit on issues of each outlook class
    (a point on issues of two classes counts in both); `unlinked`: points
    on no issue with a class."""

    draft: DraftRef
    version: VersionView
    points: int
    classes: dict[str, int] = field(default_factory=dict)
    unlinked: int = 0


@dataclass(frozen=True, slots=True)
class DraftHit:
    """A point `search --drafts` found."""

    draft: str
    title: str
    label: str
    dated_on: dt.date
    number: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "draft": self.draft,
            "version": self.label,
            "date": self.dated_on.isoformat(),
            "point": self.number,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class DraftFound:
    query: str
    terms: tuple[Term, ...]  # what to highlight
    hits: tuple[DraftHit, ...]
