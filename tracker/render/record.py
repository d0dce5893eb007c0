"""A record's page (`party show`, `issue show`, `person show`) as the text
formats lay it out: a heading, its fields, then sections of rows (stances,
wordings, affiliations, history). Table and markdown draw the sections each
in their own way; csv writes the fields, then each section's rows, as
(section, field, value) lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.core.records import Activity, IssuePage, PartyPage, PersonPage, Revision
from tracker.core.types import Found, Term, iso_instant


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]


@dataclass(frozen=True, slots=True)
class Layout:
    heading: str
    fields: list[tuple[str, Any]]
    sections: list[Section]


def _dates(activity: Activity) -> str:
    if activity.first is None or activity.last is None:
        return str(activity.statements)
    if activity.first == activity.last:
        return f"{activity.statements} (on {activity.first})"
    return f"{activity.statements} ({activity.first} to {activity.last})"


def _stances(activity: Activity, other: str) -> Section:
    return Section(
        f"Stances as of {activity.as_of.isoformat()}",
        (other, "stance", "stated_on"),
        [[h.other, h.stance, h.stated_on.isoformat()] for h in activity.stances],
    )


def _history(history: Sequence[Revision] | None) -> list[Section]:
    if history is None:
        return []
    rows = [[iso_instant(r.recorded_at), r.recorded_by, r.field, r.old, r.new] for r in history]
    return [Section("History", ("when", "by", "field", "old", "new"), rows)]


def _joined(values: Sequence[str]) -> str | None:
    return "; ".join(values) or None


def _negated(alias: str, negated: Sequence[str]) -> str:
    """An issue's alias, marked if it asks the opposite question."""
    return f"{alias} (negated)" if alias in negated else alias


def party(page: PartyPage) -> Layout:
    p = page.party
    fields = [
        ("slug", p.slug),
        ("name", p.name),
        ("kind", p.kind),
        ("aliases", _joined(p.aliases)),
        ("description", p.description),
        ("people", _joined(page.people)),
        ("statements", _dates(page.activity)),
    ]
    sections = [_stances(page.activity, "issue"), *_history(page.history)]
    return Layout(f"Party {p.slug}", fields, sections)


def issue(page: IssuePage) -> Layout:
    i = page.issue
    fields = [
        ("slug", i.slug),
        ("title", i.title),
        ("proposition", i.proposition),
        ("keywords", _joined(i.keywords)),
        ("aliases", _joined([_negated(a, i.negated_aliases) for a in i.aliases])),
        ("description", i.description),
        ("statements", _dates(page.activity)),
    ]
    sections = [_stances(page.activity, "party")]
    if len(page.wordings) > 1:
        rows = [
            [iso_instant(w.start) or "", iso_instant(w.end) or "", w.proposition]
            for w in page.wordings
        ]
        sections.append(Section("Wordings", ("from", "until", "proposition"), rows))
    return Layout(f"Issue {i.slug}", fields, sections + _history(page.history))


def person(page: PersonPage) -> Layout:
    p = page.person
    fields = [
        ("name", p.name),
        ("aliases", _joined(p.aliases)),
        ("statements", page.statements),
    ]
    rows = [
        [a.party, a.role, a.start and a.start.isoformat(), a.end and a.end.isoformat()]
        for a in p.affiliations
    ]
    sections = [Section("Affiliations", ("party", "role", "from", "until"), rows)]
    return Layout(f"Person {p.name}", fields, sections + _history(page.history))


def csv_rows(layout: Layout) -> list[list[Any]]:
    """The page as (section, field, value) rows: its fields, then a row per
    cell of each section, the field naming the row and the column."""
    rows: list[list[Any]] = [["", name, value] for name, value in layout.fields]
    for section in layout.sections:
        for n, row in enumerate(section.rows, start=1):
            rows += [
                [section.title, f"{n}.{h}", v] for h, v in zip(section.headers, row, strict=True)
            ]
    return rows


# --- search ----------------------------------------------------------------

SEARCH_HEADERS = ("id", "date", "party", "issue", "stance", "speaker", "summary")


def search_rows(found: Found) -> list[list[Any]]:
    return [
        [s.id, s.stated_on.isoformat(), s.party, s.issue, s.stance, s.speaker, s.summary]
        for s in found.statements
    ]


def matched_words(terms: Sequence[Term]) -> list[tuple[str, bool]]:
    """Each word a search looked for, and whether more may follow it (a prefix)."""
    found: list[tuple[str, bool]] = []
    for term in terms:
        for n, word in enumerate(term.words):
            found.append((word, term.prefix and n == len(term.words) - 1))
    return found
