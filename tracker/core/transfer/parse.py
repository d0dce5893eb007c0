"""Turning an import's rows into the statement rows the database stores: its
parties and issues named through the one resolver (`core.names`), created on
demand with --create-missing, and every value checked as `add` checks it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Generic

from sqlalchemy.orm import Session

from tracker.core import catalog
from tracker.core.names import NameIndex, Namespace, Ref
from tracker.core.transfer.rows import (
    Cache,
    RowError,
    basis_value,
    csv_text_value,
    date_value,
    negated_value,
    parse_instant,
    required,
    stance_value,
    storable,
    text_value,
)
from tracker.core.types import TEXT_FIELDS, ImportResult, IssueRef, PartyRef
from tracker.core.values import TEXT_LIMIT, fingerprint_input, fingerprint_of, recorder
from tracker.dates import utcnow
from tracker.db.schema import NAME_LENGTH, STATEMENT
from tracker.errors import Ambiguous, Conflict, ImportFailed, Taken
from tracker.slugs import SLUG_RE, slug_from

# The statement columns an import writes, in the order of `Parser`'s tuples.
INSERT_COLUMNS = (
    "party_id", "issue_id", "score", "stated_on", "summary", "quote", "speaker",
    "source", "basis", "conditions", "recorded_at", "recorded_by", "retracted_at",
    "retraction_reason", "fingerprint", "negated",
)  # fmt: skip
FINGERPRINT = INSERT_COLUMNS.index("fingerprint")

# A party's or an issue's (id, slug, negated): `negated`, an issue's name
# from a negated merge (`names.issue_index`), whose stances are turned around.
Found = tuple[int, str, bool]
UNSEEN: Any = object()


class _Kind(Generic[Ref]):
    """One kind of name in a file: its index, what each spelling resolved to
    (so each is folded once), and the spellings that named nothing."""

    def __init__(self, index: NameIndex[Ref]) -> None:
        self.index: NameIndex[Ref] = index
        self.seen: dict[str, Found | None] = {}
        self.missing: dict[str, None] = {}


class Names:
    """The parties and issues a file names, to (id, slug): through the same
    resolver as every command, so a name means in a file what it means on
    the command line. An ambiguous name is a bad row; unknown ones are
    collected (and reported together), or created with --create-missing."""

    def __init__(self, session: Session, create_missing: bool, result: ImportResult) -> None:
        self.session = session
        self.create_missing = create_missing
        self.result = result
        # One read of every name, kept up to date as parties and issues are made.
        self.taken = Namespace(session)
        self.parties: _Kind[PartyRef] = _Kind(self.taken.parties)
        self.issues: _Kind[IssueRef] = _Kind(self.taken.issues)
        self.seen_parties = self.parties.seen
        self.seen_issues = self.issues.seen

    def party(self, name: str) -> Found | None:
        return self._find(name, self.parties, self._new_party)

    def issue(self, name: str) -> Found | None:
        return self._find(name, self.issues, self._new_issue)

    def _find(self, name: str, kind: _Kind[Any], create: Callable[[str], Found]) -> Found | None:
        if name in kind.seen:
            return kind.seen[name]
        try:
            ref = kind.index.find(name)
        except Ambiguous as err:
            raise RowError(kind.index.kind, str(err)) from None
        found: Found | None = (
            None if ref is None else (ref.id, ref.slug, getattr(ref, "negated", False))
        )
        if found is None and not self.create_missing:
            kind.missing[name] = None
        elif found is None:
            found = create(name)
        kind.seen[name] = found
        return found

    def _new_party(self, name: str) -> Found:
        slug = slugify(name, "party")
        with raced():
            catalog.add_party(self.session, slug, name.strip(), taken=self.taken)
        self.result.parties_created.append(slug)
        return self.taken.parties.slugs[slug].id, slug, False

    def _new_issue(self, name: str) -> Found:
        slug = slugify(name, "issue")
        with raced():
            catalog.add_issue(self.session, slug, name.strip(), taken=self.taken)
        self.result.issues_created.append(slug)
        return self.taken.issues.slugs[slug].id, slug, False

    @property
    def complete(self) -> bool:
        return not self.parties.missing and not self.issues.missing

    def check_complete(self, where: str) -> None:
        """Refuses the file if it named anything unknown; `where` is the first
        row that did."""
        problems = []
        if self.parties.missing:
            problems.append(f"unknown parties: {', '.join(self.parties.missing)}")
        if self.issues.missing:
            problems.append(f"unknown issues: {', '.join(self.issues.missing)}")
        if problems:
            raise ImportFailed(
                f"{where}: {'; '.join(problems)} (add them first, or import with --create-missing)"
            )


@contextlib.contextmanager
def raced() -> Iterator[None]:
    """A name free when the import looked but taken when it wrote was
    taken by another command at the same time: a Conflict (run again), not a
    bad row."""
    try:
        yield
    except Taken as err:
        raise Conflict(f"{err}: another command created it at the same time") from None


def slugify(name: str, kind: str) -> str:
    slug = slug_from(name)
    if not SLUG_RE.fullmatch(slug):
        raise RowError(kind, f"cannot make a slug from {name!r}: add the {kind} first")
    return slug


class Parser:
    """Turns a row's values (COLUMNS order) into a statement row (INSERT_COLUMNS
    order) as the database driver takes it: dates and times go through
    SQLAlchemy's own bind processing for the dialect, once per distinct value."""

    def __init__(self, session: Session, names: Names, from_csv: bool, unescape: bool) -> None:
        dialect = session.get_bind().dialect
        self.names = names
        self.seen_parties, self.seen_issues = names.seen_parties, names.seen_issues
        self.from_csv = from_csv
        self.unescape = from_csv and unescape
        self.text = csv_text_value if self.unescape else text_value

        def processor(column: str) -> Callable[[Any], Any]:
            kind = STATEMENT.c[column].type
            process = kind.dialect_impl(dialect).bind_processor(dialect)
            return process if process is not None else (lambda value: value)

        to_day, to_moment = processor("stated_on"), processor("recorded_at")
        now = to_moment(utcnow())
        user = recorder()

        def day(raw: Any) -> tuple[str, Any]:
            parsed = date_value(raw)
            return parsed.isoformat(), to_day(parsed)

        self.stances = Cache(stance_value)
        self.days = Cache(day)
        self.bases = Cache(basis_value)
        self.to_moment = to_moment
        self.now, self.user = now, user

    def moment(self, raw: Any, column: str) -> Any:
        # Not cached: an exported file has a different recorded_at on every row.
        value = parse_instant(raw, column)
        return None if value is None else self.to_moment(value)

    def __call__(self, v: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The row to write, or None when its party or issue is unknown (they
        are collected in `names`, and reported together at the end)."""
        if self.from_csv and not (v[10] or v[11] or v[12] or v[13] or v[14]):
            return self._plain_csv_row(v)
        return self._row(v, self.text)

    def _plain_csv_row(self, v: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """`_row` for the common case, written for speed (a million rows): a CSV
        row without recorded_* or retraction columns. Every value is a str, so
        the checks are inlined; anything unusual (a blank required field, a
        leading apostrophe, text past the limit or unstorable) takes `_row`."""
        party_name, issue_name, stance, day, summary, quote, speaker, source, basis, conditions = v[
            :10
        ]
        if (
            not party_name
            or not issue_name
            or not summary
            or party_name[0] == "'"
            or issue_name[0] == "'"
            or party_name.isspace()
            or issue_name.isspace()
            or summary.isspace()
            or max(len(summary), len(quote), len(speaker), len(source), len(conditions))
            > TEXT_LIMIT
        ):
            return self._row(v, self.text)
        # The same checks in the same order as `_row`, so both name the same
        # column first.
        score = self.stances[stance]
        day_text, day_value = self.days[day]
        basis = self.bases[basis]
        party = self.seen_parties.get(party_name, UNSEEN)
        if party is UNSEEN:
            party = self.names.party(required(party_name, "party", text_value))
        issue = self.seen_issues.get(issue_name, UNSEEN)
        if issue is UNSEEN:
            issue = self.names.issue(required(issue_name, "issue", text_value))
        if party is None or issue is None or issue[2]:
            # Unknown (`_row` checks the rest, in its order), or negated.
            return self._row(v, self.text)
        quote = quote if quote and not quote.isspace() else None
        speaker = speaker if speaker and not speaker.isspace() else None
        source = source if source and not source.isspace() else None
        conditions = conditions if conditions and not conditions.isspace() else None
        try:
            raw = fingerprint_input(
                score, day_text, summary, quote, speaker, source, basis, conditions
            )
            fp = fingerprint_of(raw)
        except ValueError:  # NUL or a lone surrogate: `_row` names the field
            return self._row(v, self.text)
        if len(raw) > TEXT_LIMIT or (self.unescape and "\0'" in raw):
            return self._row(v, self.text)
        return (
            party[0], issue[0], score, day_value, summary, quote, speaker, source, basis,
            conditions, self.now, self.user, None, None, fp, False,
        )  # fmt: skip

    def _row(
        self, v: tuple[Any, ...], text: Callable[[Any, str], str | None]
    ) -> tuple[Any, ...] | None:
        party_name = required(v[0], "party", text)
        issue_name = required(v[1], "issue", text)
        score = self.stances.get_parsed(v[2])
        day_text, day_value = self.days.get_parsed(v[3])
        summary = required(v[4], "summary", text)
        quote = text(v[5], "quote")
        speaker = text(v[6], "speaker")
        source = text(v[7], "source")
        basis = self.bases.get_parsed(v[8])
        conditions = text(v[9], "conditions")
        texts = (summary, quote, speaker, source, conditions)
        for column, value in zip(TEXT_FIELDS, texts, strict=True):
            storable(value, column)
        recorded_at = self.moment(v[10], "recorded_at")
        if recorded_at is None:
            recorded_at = self.now
        recorded_by = text(v[11], "recorded_by") or self.user
        retracted_at = self.moment(v[12], "retracted_at")
        reason = text(v[13], "retraction_reason")
        if retracted_at is not None and reason is None:
            raise RowError("retraction_reason", "a retracted statement needs a retraction_reason")
        if retracted_at is None and reason is not None:
            raise RowError("retracted_at", "a retraction_reason without retracted_at")
        if v[11] or reason is not None:
            storable(recorded_by, "recorded_by")
            storable(reason, "retraction_reason")
            if len(recorded_by) > NAME_LENGTH:
                raise RowError(
                    "recorded_by",
                    f"{len(recorded_by)} characters long; at most {NAME_LENGTH} are allowed",
                )
        negated = negated_value(v[14])
        party = self.names.party(party_name)
        issue = self.names.issue(issue_name)
        if party is None or issue is None:
            return None
        # A negated statement is known by its content as it was logged.
        logged = -score if negated else score
        if issue[2]:
            # Logged under a name of an issue merged into this one with
            # --negate: as if logged there and then merged, turned around.
            score, negated = -score, not negated
        raw = fingerprint_input(
            logged, day_text, summary, quote, speaker, source, basis, conditions
        )
        return (
            party[0], issue[0], score, day_value, summary, quote, speaker, source, basis,
            conditions, recorded_at, recorded_by, retracted_at, reason, fingerprint_of(raw),
            negated,
        )  # fmt: skip
