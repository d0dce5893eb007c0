"""Full-text search of the statements: words, "quoted phrases" and prefixes
(`sanction*`) in their summary, quote, speaker or conditions, through each
backend's own index: SQLite FTS5, PostgreSQL tsvector (GIN), MariaDB and
MySQL FULLTEXT. Best match first; among equals, newest first.

An issue's keywords widen a search: a statement on an issue one of whose
keywords the query names is found too, after the statements whose own text
matches.

On SQLite and PostgreSQL a trigger keeps the index in step with every
statement added, but a bulk import writes without it and leaves a mark
(`search_state`), and the next search indexes what the import added, in one
pass (`catch_up`; see `db/search_index.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, column, select, table, text
from sqlalchemy.orm import Session

from tracker.core.names import key, resolve_issue, resolve_party
from tracker.core.query import newest_first, statement_select, to_view
from tracker.core.types import Found, StatementView, Term
from tracker.db.schema import KEYWORD, STATEMENT
from tracker.db.search_index import DEFERRING, TEXT
from tracker.errors import Invalid

_WORD = re.compile(r"\w+")
_TERM = re.compile(r'"([^"]*)"|(\S+)')


def parse(query: str) -> tuple[Term, ...]:
    """The terms of a query; Invalid if it has no word to look for."""
    terms: list[Term] = []
    for match in _TERM.finditer(query):
        phrase, word = match.groups()
        part = phrase if phrase is not None else word
        words = tuple(w.casefold() for w in _WORD.findall(part))
        if words:
            terms.append(Term(words, prefix=phrase is None and part.endswith("*")))
    if not terms:
        raise Invalid(f'nothing to search for in {query!r}: give a word, a "phrase" or a prefix*')
    return tuple(terms)


def _sqlite_match(terms: Sequence[Term]) -> str:
    def one(term: Term) -> str:
        return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")

    return " ".join(one(t) for t in terms)


def _pg_query(terms: Sequence[Term]) -> str:
    def one(term: Term) -> str:
        lexemes = [f"'{w}'" for w in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"

    return " & ".join(one(t) for t in terms)


# InnoDB's FULLTEXT index leaves out words under three letters and these
# stop words: a query term made only of them would match nothing.
_MYSQL_MIN = 3
_MYSQL_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "are",
        "as",
        "at",
        "be",
        "by",
        "com",
        "de",
        "en",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "la",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "who",
        "will",
        "with",
        "und",
        "www",
    ]
)


def _mysql_query(terms: Sequence[Term]) -> str:
    def one(term: Term) -> str:
        if len(term.words) > 1:
            return '+"' + " ".join(term.words) + '"'
        return "+" + term.words[0] + ("*" if term.prefix else "")

    def indexed(term: Term) -> bool:
        return any(len(w) >= _MYSQL_MIN and w not in _MYSQL_STOPWORDS for w in term.words)

    kept = [t for t in terms if indexed(t)]
    if not kept:
        raise Invalid(
            "on MariaDB and MySQL, search needs a word of three letters or more "
            "that is not a stop word ('the', 'for', ...)"
        )
    return " ".join(one(t) for t in kept)


def _text_match(dialect: str, terms: Sequence[Term]) -> tuple[Any, Any, str]:
    """(the match condition, the rank to order by, best first, the query
    parameter), in the backend's own full-text dialect."""
    if dialect == "sqlite":
        return (
            text("statement_search MATCH :q"),
            text("bm25(statement_search)"),
            _sqlite_match(terms),
        )
    if dialect == "postgresql":
        query = "to_tsquery('simple', :q)"
        return (
            text(f"statement_search.document @@ {query}"),
            text(f"ts_rank_cd(statement_search.document, {query}) DESC"),
            _pg_query(terms),
        )
    against = "MATCH (statement.search_text) AGAINST (:q IN BOOLEAN MODE)"
    return text(against), text(f"{against} DESC"), _mysql_query(terms)


def search(
    session: Session,
    query: str,
    party: str | None = None,
    issue: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = 20,
    include_retracted: bool = False,
) -> Found:
    """Statements matching `query`, best first, then newest first; at most
    `limit` (None: all). Two queries: the text's matches, then, to fill the
    limit, those on issues whose keywords the query names."""
    terms = parse(query)
    s = STATEMENT.c
    filters: list[ColumnElement[bool]] = []
    if party is not None:
        filters.append(s.party_id == resolve_party(session, party, until).id)
    if issue is not None:
        filters.append(s.issue_id == resolve_issue(session, issue).id)
    if since is not None:
        filters.append(s.stated_on >= since)
    if until is not None:
        filters.append(s.stated_on <= until)
    if not include_retracted:
        filters.append(s.retracted_at.is_(None))
    dialect = session.get_bind().dialect.name
    match, rank, parameter = _text_match(dialect, terms)
    by_text = statement_select().where(match, *filters).order_by(rank, *newest_first(s))
    if dialect == "sqlite":
        by_text = by_text.join(_SQLITE_INDEX, _SQLITE_INDEX.c.rowid == s.id)
    elif dialect == "postgresql":
        by_text = by_text.join(_PG_INDEX, _PG_INDEX.c.id == s.id)
    if limit is not None:
        by_text = by_text.limit(limit)
    found = [to_view(row) for row in session.execute(by_text, {"q": parameter})]
    room = None if limit is None else limit - len(found)
    if room is None or room > 0:
        found += _by_keyword(session, terms, filters, {v.id for v in found}, room)
    return Found(query, terms, tuple(found))


# Each backend's index, where it is a table of its own (migrations 0003, 0005).
_SQLITE_INDEX = table("statement_search", column("rowid"))
_PG_INDEX = table("statement_search", column("id"))


def _by_keyword(
    session: Session,
    terms: Sequence[Term],
    filters: Sequence[ColumnElement[bool]],
    seen: set[int],
    room: int | None,
) -> list[StatementView]:
    """Statements on the issues with a keyword the query names, newest first,
    leaving out those already found. The query names a keyword when the
    keyword's words stand together in it, quoted or not: `frozen assets`
    names "frozen assets", as `"frozen assets"` does."""
    words = [w for t in terms if not t.prefix for w in t.words]
    wanted = {
        key(" ".join(words[i:j])) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
    }
    issue_ids = select(KEYWORD.c.issue_id).where(KEYWORD.c.key.in_(sorted(wanted)))
    query = (
        statement_select()
        .where(STATEMENT.c.issue_id.in_(issue_ids), *filters)
        .order_by(*newest_first(STATEMENT.c))
    )
    if room is not None:
        query = query.limit(room + len(seen))
    found = [view for row in session.execute(query) if (view := to_view(row)).id not in seen]
    return found if room is None else found[:room]


# --- what a bulk import left to index --------------------------------------


def pending(session: Session) -> bool:
    """Whether statements wait to be indexed (after a bulk import)."""
    if session.get_bind().dialect.name not in DEFERRING:
        return False
    return bool(session.scalar(text("SELECT count(*) FROM search_state")))


def catch_up(session: Session) -> int:
    """Index, in one pass, the statements bulk imports added; returns how many."""
    if session.get_bind().dialect.name == "postgresql":
        # With the rights of the function's owner: a reader's search may run it.
        return int(session.scalar(text("SELECT statement_search_catch_up()")) or 0)
    start = session.scalar(text("SELECT min(pending_from) FROM search_state"))
    if start is None:
        return 0
    columns = ", ".join(TEXT)
    done = session.execute(
        text(
            f"INSERT INTO statement_search(rowid, {columns}) "
            f"SELECT id, {columns} FROM statement WHERE id >= :start"
        ),
        {"start": start},
    )
    session.execute(text("DELETE FROM search_state"))
    return int(getattr(done, "rowcount", 0) or 0)
