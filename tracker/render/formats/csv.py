"""`--format csv`: one header line, then a row per record; text that a
spreadsheet would run as a formula is escaped (`tracker.text`), and, on a
terminal only, control characters too."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from tracker.core.types import STATEMENT_FIELDS
from tracker.render import record
from tracker.render.style import AS_IS, ReportView
from tracker.stance import label
from tracker.text import escape_formula, terminal_lines, write_csv

if TYPE_CHECKING:
    from tracker.core.agreement_types import Alignment, Outlook
    from tracker.core.draft_types import DraftFound
    from tracker.core.records import IssuePage, PartyPage, PersonPage
    from tracker.core.types import Diff, Found, History, Report, StatementView, Wordings
    from tracker.read.types import Reading
    from tracker.render.style import Records, Style

NAME = "csv"
RANK = 20

REPORT_HEADERS = ("party", "issue", "stance", "score", "stated_on", "statement_id")
DIFF_HEADERS = (
    "party", "issue", "from_stance", "to_stance", "change", "statement_id", "stated_on",
    "speaker", "summary",
)  # fmt: skip


def to_csv(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], style: Style | None = None
) -> str:
    """CSV text without its final line break (the caller's echo adds one);
    control characters made visible if it goes to a terminal."""
    out = io.StringIO()
    write_csv(out, headers, rows)
    text = out.getvalue().removesuffix("\n")
    return terminal_lines(text) if style is not None and style.terminal else text


def records(rec: Records, style: Style) -> str:
    return to_csv(rec.headers, rec.rows, style)


def statements(
    items: Sequence[StatementView], style: Style, changes: Sequence[str | None] | None = None
) -> str:
    """Every field of each statement, as the CSV export writes them."""
    return to_csv(STATEMENT_FIELDS, (s.to_row() for s in items), style)


def history(h: History, style: Style) -> str:
    return statements([e.statement for e in h.entries], style)


def statement(s: StatementView, style: Style, wordings: Wordings | None = None) -> str:
    return to_csv(STATEMENT_FIELDS, [s.to_row()], style)


def report(rep: Report, style: Style, view: ReportView = AS_IS) -> str:
    """A row per pair with a stance. A report has a row per pair (100,000 at
    scale) but few distinct slugs, so each is made safe once, not per row."""
    cells = rep.cells

    def rows(slug: Callable[[str], str]) -> Iterator[tuple[Any, ...]]:
        for c in cells:  # a date is written as its ISO text
            yield (
                slug(c.party.slug),
                slug(c.issue.slug),
                label(c.score),
                c.score,
                c.stated_on,
                c.statement_id,
            )

    slugs = {c.party.slug for c in cells} | {c.issue.slug for c in cells}
    if any("\r" in slug for slug in slugs):  # never in a valid slug: the careful way
        return to_csv(REPORT_HEADERS, rows(str), style)
    safe = {slug: escape_formula(slug) for slug in slugs}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_HEADERS)
    writer.writerows(rows(safe.__getitem__))
    return out.getvalue().removesuffix("\n")


def diff(d: Diff, style: Style) -> str:
    rows = []
    for c in d.changes:
        s = c.statement
        rows.append(
            [
                c.party.slug,
                c.issue.slug,
                c.before.stance if c.before else None,
                s.stance,
                c.change,
                s.id,
                s.stated_on.isoformat(),
                s.speaker,
                s.summary,
            ]
        )
    return to_csv(DIFF_HEADERS, rows, style)


PAGE_HEADERS = ("section", "field", "value")


def party_page(page: PartyPage, style: Style) -> str:
    return to_csv(PAGE_HEADERS, record.csv_rows(record.party(page)), style)


def issue_page(page: IssuePage, style: Style) -> str:
    return to_csv(PAGE_HEADERS, record.csv_rows(record.issue(page)), style)


def person_page(page: PersonPage, style: Style) -> str:
    return to_csv(PAGE_HEADERS, record.csv_rows(record.person(page)), style)


def search(found: Found, style: Style) -> str:
    return statements(found.statements, style)


def proposals(reading: Reading, style: Style) -> str:
    """A row per proposal, the JSON statement's fields as columns."""
    from tracker.read.types import PROPOSAL_FIELDS

    return to_csv(PROPOSAL_FIELDS, (list(p.to_json().values()) for p in reading.proposals), style)


OUTLOOK_HEADERS = (
    "issue", "class", "side", "spread", "holders", "low", "high", "holdouts", "undecided",
    "compare_class",
)  # fmt: skip
ALIGN_HEADERS = ("a", "b", "shared", "agreement", "compare_agreement", "change", "bloc")


def outlook(o: Outlook, style: Style) -> str:
    """A row per issue, as its JSON shape; a list of parties is their slugs
    separated by spaces."""
    rows = []
    for item in o.issues:
        data = item.to_json()
        rows.append([" ".join(v) if isinstance(v, list) else v for v in data.values()])
    return to_csv(OUTLOOK_HEADERS, rows, style)


def align(a: Alignment, style: Style) -> str:
    """A row per pair, as its JSON shape, and `bloc`: the number of the bloc
    (1 is the first) that holds both parties, if one does."""
    bloc_of = {p.id: n for n, bloc in enumerate(a.blocs, start=1) for p in bloc}
    rows = []
    for pair in a.pairs:
        bloc = bloc_of.get(pair.a.id)
        same = bloc is not None and bloc == bloc_of.get(pair.b.id)
        rows.append([*pair.to_json().values(), bloc if same else None])
    return to_csv(ALIGN_HEADERS, rows, style)


DRAFT_SEARCH_HEADERS = ("draft", "version", "date", "point", "text")


def draft_search(found: DraftFound, style: Style) -> str:
    return to_csv(DRAFT_SEARCH_HEADERS, (list(h.to_json().values()) for h in found.hits), style)
