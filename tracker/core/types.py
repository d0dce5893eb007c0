"""Plain, immutable values the core returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tracker.stance import label


def iso_instant(moment: dt.datetime | None) -> str | None:
    """UTC instants on output: ISO 8601, always with microseconds, `Z` suffix."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True, slots=True)
class PartyRef:
    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class IssueRef:
    id: int
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class PartyView:
    slug: str
    name: str
    kind: str | None
    aliases: tuple[str, ...]
    description: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class IssueView:
    slug: str
    title: str
    proposition: str | None
    description: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "proposition": self.proposition,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class StatementView:
    """One statement as users see it: party and issue by slug, stance by label.

    The total order of statements on a pair is `sort_key`: SPEC's
    (stated_on, recorded_at, id), defined here once.
    """

    id: int
    party: str
    issue: str
    score: int
    stated_on: dt.date
    summary: str
    quote: str | None
    speaker: str | None
    source: str | None
    basis: str
    conditions: str | None
    recorded_at: dt.datetime
    recorded_by: str
    retracted_at: dt.datetime | None
    retraction_reason: str | None

    @property
    def stance(self) -> str:
        return label(self.score)

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def sort_key(self) -> tuple[dt.date, dt.datetime, int]:
        return (self.stated_on, self.recorded_at, self.id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party": self.party,
            "issue": self.issue,
            "stance": self.stance,
            "score": self.score,
            "stated_on": self.stated_on.isoformat(),
            "summary": self.summary,
            "quote": self.quote,
            "speaker": self.speaker,
            "source": self.source,
            "basis": self.basis,
            "conditions": self.conditions,
            "recorded_at": iso_instant(self.recorded_at),
            "recorded_by": self.recorded_by,
            "retracted_at": iso_instant(self.retracted_at),
            "retraction_reason": self.retraction_reason,
        }


@dataclass(frozen=True, slots=True)
class Cell:
    """The stance of one party on one issue at a date, and the statement behind it.

    `statement` (the whole statement) is loaded only when a caller asks for it:
    a report of 100,000 cells needs just the score, the date and the id."""

    party: PartyRef
    issue: IssueRef
    score: int
    stated_on: dt.date
    statement_id: int
    statement: StatementView | None = None

    @property
    def stance(self) -> str:
        return label(self.score)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party.slug,
            "issue": self.issue.slug,
            "stance": self.stance,
            "score": self.score,
            "stated_on": self.stated_on.isoformat(),
            "statement_id": self.statement_id,
        }


@dataclass(frozen=True, slots=True)
class Report:
    as_of: dt.date
    known_at: dt.datetime | None
    parties: tuple[PartyRef, ...]
    issues: tuple[IssueRef, ...]
    cells: tuple[Cell, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "known_at": iso_instant(self.known_at),
            "cells": [c.to_json() for c in self.cells],
        }


@dataclass(frozen=True, slots=True)
class Change:
    """A pair whose stance moved (or, with --all, did not); `statement` is the
    statement that set the stance at TO."""

    party: PartyRef
    issue: IssueRef
    before: Cell | None
    after: Cell
    change: str
    statement: StatementView

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party.slug,
            "issue": self.issue.slug,
            "from_stance": self.before.stance if self.before else None,
            "to_stance": self.after.stance,
            "change": self.change,
            "from_score": self.before.score if self.before else None,
            "to_score": self.after.score,
            "statement_id": self.after.statement_id,
        }


@dataclass(frozen=True, slots=True)
class IssueTrend:
    issue: IssueRef
    spread_from: int | None
    spread_to: int | None
    trend: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "issue": self.issue.slug,
            "spread_from": self.spread_from,
            "spread_to": self.spread_to,
            "trend": self.trend,
        }


@dataclass(frozen=True, slots=True)
class Diff:
    start: dt.date
    end: dt.date
    known_at: dt.datetime | None
    changes: tuple[Change, ...]
    issues: tuple[IssueTrend, ...]
    counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "known_at": iso_instant(self.known_at),
            "changes": [c.to_json() for c in self.changes],
            "issues": [t.to_json() for t in self.issues],
        }


@dataclass(frozen=True, slots=True)
class TimelineLine:
    """One party's statements on one issue up to the report's date, oldest first.
    Retracted statements are here only when they were asked for."""

    party: PartyRef
    statements: tuple[StatementView, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    issue: IssueRef
    lines: tuple[TimelineLine, ...]


@dataclass(frozen=True, slots=True)
class Briefing:
    """A report as the HTML page shows it: the report itself, each issue's
    proposition (by issue id), and a timeline for each of the first `limit`
    of its issues (all of them when `limit` is None)."""

    report: Report
    propositions: dict[int, str]
    timelines: tuple[Timeline, ...]
    limit: int | None
    show_retracted: bool

    @property
    def capped(self) -> bool:
        return len(self.timelines) < len(self.report.issues)
