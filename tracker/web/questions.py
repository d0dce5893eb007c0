"""The questions the command line answers, as a request asks them: each
one's options read from the query string (`params.Query`, the CLI's types,
defaults and messages) into a hashable value (the cache's key), and the one
core call the command makes with them. The API prints the answer through
`render`'s json format, the pages through `render.page` and `render.site`:
the same definitions as the command line's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from tracker.core import positions
from tracker.core import statements as core
from tracker.core.agreement_types import DEFAULT_THRESHOLD
from tracker.core.briefing import DEFAULT_TIMELINES
from tracker.core.types import Diff, Report
from tracker.web.params import MAX_ID, Problem, Query


@dataclass(frozen=True, slots=True)
class ReportAsked:
    as_of: dt.date
    known_at: dt.datetime | None
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    timelines: int = DEFAULT_TIMELINES
    show_retracted: bool = False


def report_asked(q: Query) -> ReportAsked:
    as_of = q.date("as_of", "today")
    assert as_of is not None
    return ReportAsked(
        as_of, q.instant("known_at"), q.many("party"), q.many("issue"),
        q.integer("timelines", DEFAULT_TIMELINES), q.flag("show_retracted"),
    )  # fmt: skip


def report(session: Session, a: ReportAsked, statements: bool = False) -> Report:
    return positions.report(session, a.as_of, a.known_at, a.parties, a.issues, statements)


@dataclass(frozen=True, slots=True)
class DiffAsked:
    start: dt.date
    end: dt.date
    known_at: dt.datetime | None
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    include_all: bool


def diff_asked(q: Query) -> DiffAsked:
    start, end = q.required_date("from"), q.required_date("to")
    if end < start:
        raise Problem(
            400,
            f"Invalid value for 'to': TO ({end.isoformat()}) is before FROM ({start.isoformat()})",
        )
    return DiffAsked(start, end, q.instant("known_at"), q.many("party"), q.many("issue"),
                     q.flag("all"))  # fmt: skip


def diff(session: Session, a: DiffAsked) -> Diff:
    return positions.diff(session, a.start, a.end, a.known_at, a.parties, a.issues, a.include_all)


@dataclass(frozen=True, slots=True)
class StandingAsked:
    """`outlook` and `align`: `threshold` only for align."""

    as_of: dt.date
    known_at: dt.datetime | None
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    compare: dt.date | None
    threshold: Fraction = DEFAULT_THRESHOLD


def standing_asked(q: Query, threshold: bool = False) -> StandingAsked:
    from tracker.core.agreement import parse_threshold

    as_of = q.date("as_of", "today")
    assert as_of is not None
    limit = (
        q.threshold("threshold", parse_threshold, str(float(DEFAULT_THRESHOLD)))
        if threshold
        else DEFAULT_THRESHOLD
    )
    return StandingAsked(as_of, q.instant("known_at"), q.many("party"), q.many("issue"),
                         q.date("compare"), limit)  # fmt: skip


def outlook(session: Session, a: StandingAsked) -> Any:
    from tracker.core import agreement

    return agreement.outlook(session, a.as_of, a.known_at, a.parties, a.issues, a.compare)


def align(session: Session, a: StandingAsked) -> Any:
    from tracker.core import agreement

    return agreement.align(
        session, a.as_of, a.known_at, a.parties, a.issues, a.compare, a.threshold
    )


@dataclass(frozen=True, slots=True)
class LogAsked:
    party: str | None
    issue: str | None
    since: dt.date | None
    until: dt.date | None
    limit: int
    recorded_by: str | None


def _span(q: Query) -> tuple[dt.date | None, dt.date | None]:
    since, until = q.date("since"), q.date("until")
    if since is not None and until is not None and until < since:
        raise Problem(
            400,
            f"Invalid value for 'until': {until.isoformat()} is before since {since.isoformat()}",
        )
    return since, until


def log_asked(q: Query) -> LogAsked:
    since, until = _span(q)
    return LogAsked(q.text("party"), q.text("issue"), since, until, q.integer("limit", 50),
                    q.text("recorded_by"))  # fmt: skip


def log(session: Session, a: LogAsked) -> tuple[list[Any], bool]:
    """The statements, and whether the limit cut some (as `tracker log`)."""
    found = list(
        core.log(
            session,
            a.party,
            a.issue,
            a.since,
            a.until,
            a.limit + 1 if a.limit else None,
            a.recorded_by,
        )
    )
    cut = bool(a.limit) and len(found) > a.limit
    return (found[: a.limit] if cut else found), cut


@dataclass(frozen=True, slots=True)
class HistoryAsked:
    party: str
    issue: str


def history_asked(q: Query) -> HistoryAsked:
    return HistoryAsked(q.required("party"), q.required("issue"))


@dataclass(frozen=True, slots=True)
class SearchAsked:
    """`drafts`: the drafts' points instead of the statements (`search --drafts`)."""

    query: str
    party: str | None
    issue: str | None
    since: dt.date | None
    until: dt.date | None
    limit: int
    include_retracted: bool
    drafts: bool = False


def search_asked(q: Query) -> SearchAsked:
    from tracker.core import statement_search
    from tracker.errors import Invalid

    text = q.required("q")
    try:
        statement_search.parse(text)
    except Invalid as err:
        raise Problem(400, f"Invalid value for 'q': {err}") from None
    since, until = _span(q)
    return SearchAsked(text, q.text("party"), q.text("issue"), since, until,
                       q.integer("limit", 20), q.flag("include_retracted"),
                       q.flag("drafts"))  # fmt: skip


def search(session: Session, a: SearchAsked) -> Any:
    """The statements found (`Found`), or with `drafts` the points (`DraftFound`)."""
    from tracker.core import statement_search

    if a.drafts:
        from tracker.core import draft_search

        return draft_search.search(
            session, a.query, a.party, a.issue, a.since, a.until, a.limit or None,
            a.include_retracted,
        )  # fmt: skip
    return statement_search.search(
        session, a.query, a.party, a.issue, a.since, a.until, a.limit or None,
        a.include_retracted,
    )  # fmt: skip


def statement_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise Problem(404, f"no statement #{value}") from None
    if not 1 <= number <= MAX_ID:
        raise Problem(404, f"no statement #{number}")
    return number


@dataclass(frozen=True, slots=True)
class RecordAsked:
    name: str
    as_of: dt.date
    history: bool


def record_asked(q: Query, name: str) -> RecordAsked:
    as_of = q.date("as_of", "today")
    assert as_of is not None
    return RecordAsked(name, as_of, q.flag("history"))


# --- drafts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftShowAsked:
    """`draft show SLUG [--version L] [--as-of D]`."""

    slug: str
    label: str | None
    as_of: dt.date | None


def draft_show_asked(q: Query, slug: str) -> DraftShowAsked:
    return DraftShowAsked(slug, q.text("version"), q.date("as_of"))


def draft_show(session: Session, a: DraftShowAsked, side_by_side: bool = False) -> Any:
    from tracker.core import draft_views

    return draft_views.show(session, a.slug, a.label, a.as_of, side_by_side)


@dataclass(frozen=True, slots=True)
class DraftDiffAsked:
    """`draft diff SLUG [FROM_LABEL TO_LABEL]`: both labels, or neither."""

    slug: str
    old: str | None
    new: str | None


def draft_diff_asked(q: Query, slug: str) -> DraftDiffAsked:
    old, new = q.text("from"), q.text("to")
    if (old is None) != (new is None):
        raise Problem(400, "give two labels, 'from' and 'to', or none (the two latest)")
    return DraftDiffAsked(slug, old, new)


def draft_diff(session: Session, a: DraftDiffAsked, side_by_side: bool = False) -> Any:
    from tracker.core import draft_views

    return draft_views.diff(session, a.slug, a.old, a.new, side_by_side)
