"""Plain, immutable values the core returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tracker.stance import TRENDS, label


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
    """An issue as a name named it. `negated`: the name was one of an issue
    merged into this one with `issue merge --negate`, which asks the opposite
    question, so a stance logged under it is the opposite of this issue's
    (see `core.names`). Not part of what the issue is: two refs to one issue
    are equal, whichever name found them."""

    id: int
    slug: str
    title: str
    negated: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person is named by their name (unique, case-insensitively): it plays
    the part a slug plays for parties and issues."""

    id: int
    name: str

    @property
    def slug(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class StatementView:
    """One statement as users see it: party and issue by slug, stance by label.

    Its fields, in this order, are what the database's statement reads give
    (`core.query`), and with `stance` put before `score` they are SPEC's JSON
    shape and the CSV export's columns (`STATEMENT_FIELDS`)."""

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
    # The stance is the opposite of the one logged: logged on an issue that
    # asked the opposite question, merged into this one (`issue merge --negate`).
    negated: bool = False

    @property
    def stance(self) -> str:
        return label(self.score)

    @property
    def logged_stance(self) -> str:
        """The stance as it was logged, on the question it was logged on."""
        return label(-self.score if self.negated else self.score)

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None

    def to_json(self) -> dict[str, Any]:
        return _statement_json(self)

    def to_row(self) -> list[Any]:
        """The JSON shape's values, in STATEMENT_FIELDS order (a CSV row):
        `negated` as true or false."""
        row = list(self.to_json().values())
        row[-1] = "true" if self.negated else "false"
        return row


VIEW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StatementView))
# SPEC's statement: the view's fields with the stance label before its score.
STATEMENT_FIELDS: tuple[str, ...] = (
    *VIEW_FIELDS[: VIEW_FIELDS.index("score")],
    "stance",
    *VIEW_FIELDS[VIEW_FIELDS.index("score") :],
)


def _json_writer() -> Callable[[StatementView], dict[str, Any]]:
    """`StatementView.to_json`, written from the view's fields: one dict
    display, each field converted for JSON (a day in ISO, an instant in UTC
    ISO, the stance's label before its score), compiled once. An export calls
    it a million times: it is as fast as the same code written out by hand,
    and a field added to the view is in the JSON with nothing else to change."""
    convert = {"dt.date": "{}.isoformat()", "dt.datetime": "iso_instant({})"}
    convert["dt.datetime | None"] = convert["dt.datetime"]
    items = []
    for f in fields(StatementView):
        value = f"s.{f.name}"
        kind = str(f.type)
        if "dt." in kind and kind not in convert:
            raise TypeError(f"StatementView.{f.name}: no JSON form for {kind}")
        if f.name == "score":
            items.append(f'"stance": label({value})')
        items.append(f'"{f.name}": ' + convert.get(kind, "{}").format(value))
    source = "def to_json(s):\n    return {" + ", ".join(items) + "}\n"
    namespace: dict[str, Any] = {"label": label, "iso_instant": iso_instant}
    exec(source, namespace)
    writer: Callable[[StatementView], dict[str, Any]] = namespace["to_json"]
    return writer


_statement_json = _json_writer()

# The free text of a statement, in the analyst's or the speaker's words.
TEXT_FIELDS: tuple[str, ...] = ("summary", "quote", "speaker", "source", "conditions")


# Statements logged while their issue's proposition read otherwise than it
# does today: statement id -> the wording then (None: it had none).
Wordings = dict[int, str | None]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    statement: StatementView
    change: str | None  # None for a retracted statement: it moved nothing


@dataclass(frozen=True, slots=True)
class History:
    """One party's statements on one issue, oldest first (`history`)."""

    party: PartyRef
    issue: IssueRef
    entries: tuple[HistoryEntry, ...]
    wordings: Wordings = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Added:
    """A new statement and what it changed: the stance of its pair as of its
    date before and after, and a later statement that still sets the current
    stance when the new one is back-dated."""

    statement: StatementView
    before: StatementView | None
    change: str
    superseded_by: StatementView | None
    # When PARTY named a person: who, and the party they spoke for that day.
    person: str | None = None
    party_name: str | None = None
    # When ISSUE named an issue merged into this one with --negate: that name
    # (the statement's stance is the opposite of the one given).
    negated_by: str | None = None


@dataclass(frozen=True, slots=True)
class Retracted:
    """A retracted statement, and the stance of its pair now that it is gone."""

    statement: StatementView
    current: StatementView | None


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
    # With the cells' statements: those logged against an earlier wording.
    wordings: Wordings = field(default_factory=dict)

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

    def trend_counts(self) -> dict[str, int]:
        """How many issues converge, diverge and hold steady (each trend once)."""
        counts = dict.fromkeys(TRENDS, 0)
        for t in self.issues:
            if t.trend is not None:
                counts[t.trend] += 1
        return counts

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


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear together (one, or a quoted phrase); `prefix`:
    the last may go on (`sanction*`)."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    """A search's statements, best first; `terms` are what to highlight."""

    query: str
    terms: tuple[Term, ...]
    statements: tuple[StatementView, ...]


@dataclass(frozen=True, slots=True)
class Backup:
    """What `db backup` wrote."""

    path: Path
    kind: str  # "sqlite" (a database file) or "json" (an export)
    statements: int
    revision: str


@dataclass
class ImportResult:
    """What an import did (and, in a dry run, would do)."""

    added: int = 0
    skipped: int = 0
    retracted: int = 0  # statements already here that the file retracted
    parties_created: list[str] = field(default_factory=list)
    issues_created: list[str] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    # Changes made to records the database held: a field, an alias, a
    # keyword, an affiliation, a merge.
    catalog_changes: int = 0
    # Drafts (`drafts_io`): versions added, already here, withdrawn as the file does.
    drafts_created: list[str] = field(default_factory=list)
    versions_added: int = 0
    versions_skipped: int = 0
    versions_withdrawn: int = 0
    # What the import found that it cannot reconcile, one line each (two
    # databases that merged the same issues differently): said, not refused.
    warnings: list[str] = field(default_factory=list)
