"""Full-text search of the statements: words, "quoted phrases" and prefixes
(`sanction*`) in their summary, quote, speaker or conditions, through each
backend's own index: SQLite FTS5, PostgreSQL tsvector (GIN), MariaDB and
MySQL FULLTEXT. Best match first; among equals, newest first.

What a statement is indexed under and what a query looks for are the same
words, made by one rule in Python (`tracker.tokens`), so that a query finds
the same statements on every backend; each backend only stores and matches
them (`db/search_index.py`).

An issue's keywords widen a search: a statement on an issue one of whose
keywords the query names is found too, after the statements whose own text
matches.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, column, select, table, text
from sqlalchemy.orm import Session

from tracker import tokens
from tracker.core.names import resolve_issue, resolve_party
from tracker.core.query import newest_first, statement_select, to_view
from tracker.core.types import Found, StatementView, Term
from tracker.db import search_index
from tracker.db.schema import KEYWORD, STATEMENT
from tracker.errors import Invalid

# A quoted phrase (a `*` inside its closing quote or just after it makes
# its last word a prefix), or a run of anything but spaces.
_TERM = re.compile(r'"([^"]*)"(\*?)|(\S+)')


def parse(query: str) -> tuple[Term, ...]:
    """The terms of a query; Invalid if it has no word to look for. A term's
    words are those `tracker.tokens` finds in it, so `2025-12-01`, `3.14` and
    `foo_bar` are phrases of two or three words, as in the text searched."""
    terms: list[Term] = []
    for match in _TERM.finditer(query):
        phrase, star, bare = match.groups()
        part = phrase if phrase is not None else bare
        prefix = part.rstrip().endswith("*") or bool(star)
        words = tuple(tokens.words(part))
        if words:
            terms.append(Term(words, prefix=prefix))
    if not terms:
        raise Invalid(f'nothing to search for in {query!r}: give a word, a "phrase" or a prefix*')
    return tuple(terms)


def _sqlite_match(terms: Sequence[Term]) -> str:
    # A word holds letters, marks and digits only: nothing FTS5 reads as syntax.
    def one(term: Term) -> str:
        return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")

    return " ".join(one(t) for t in terms)


def _pg_query(terms: Sequence[Term]) -> str:
    def one(term: Term) -> str:
        lexemes = [search_index.lexeme(w) for w in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"

    return " & ".join(one(t) for t in terms)


def _mysql_query(terms: Sequence[Term]) -> tuple[str, list[str]]:
    """The boolean-mode query, and the phrases whose last word is a prefix,
    which InnoDB cannot match: the query finds their words, and each must
    also stand in the stored words in that order (`LOCATE`)."""
    parts: list[str] = []
    runs: list[str] = []
    for term in terms:
        exact = [search_index.mysql_word(w) for w in term.words]
        if term.prefix:
            if len(exact) > 1:
                parts.append('+"' + " ".join(exact[:-1]) + '"')
                runs.append(" " + " ".join([*exact[:-1], term.words[-1]]))
            parts.append("+" + term.words[-1] + "*")
        else:
            parts.append('+"' + " ".join(exact) + '"' if len(exact) > 1 else "+" + exact[0])
    return " ".join(parts), runs


def _text_match(dialect: str, terms: Sequence[Term]) -> tuple[list[Any], Any, dict[str, Any]]:
    """(the match conditions, the rank to order by, best first, the query
    parameters), in the backend's own full-text dialect."""
    if dialect == "sqlite":
        return (
            [text("statement_search MATCH :q")],
            text("bm25(statement_search)"),
            {"q": _sqlite_match(terms)},
        )
    if dialect == "postgresql":
        query = "CAST(:q AS tsquery)"
        return (
            [text(f"statement_search.document @@ {query}")],
            text(f"ts_rank_cd(statement_search.document, {query}) DESC"),
            {"q": _pg_query(terms)},
        )
    boolean, runs = _mysql_query(terms)
    against = "MATCH (statement_search.words) AGAINST (:q IN BOOLEAN MODE)"
    conditions: list[Any] = [text(against)]
    parameters: dict[str, Any] = {"q": boolean}
    for n, run in enumerate(runs):
        conditions.append(text(f"LOCATE(:run{n}, CONCAT(' ', statement_search.words)) > 0"))
        parameters[f"run{n}"] = run
    return conditions, text(f"{against} DESC"), parameters


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
    match, rank, parameters = _text_match(dialect, terms)
    by_text = statement_select().where(*match, *filters).order_by(rank, *newest_first(s))
    if dialect == "sqlite":
        by_text = by_text.join(_SQLITE_INDEX, _SQLITE_INDEX.c.rowid == s.id)
    else:
        by_text = by_text.join(_INDEX, _INDEX.c.id == s.id)
    if limit is not None:
        by_text = by_text.limit(limit)
    found = [to_view(row) for row in session.execute(by_text, parameters)]
    room = None if limit is None else limit - len(found)
    if room is None or room > 0:
        found += _by_keyword(session, terms, filters, {v.id for v in found}, room)
    return Found(query, terms, tuple(found))


# Each backend's index, a table of its own (migration 0009).
_SQLITE_INDEX = table("statement_search", column("rowid"))
_INDEX = table("statement_search", column("id"))


def _by_keyword(
    session: Session,
    terms: Sequence[Term],
    filters: Sequence[ColumnElement[bool]],
    seen: set[int],
    room: int | None,
) -> list[StatementView]:
    """Statements on the issues with a keyword the query names, newest first,
    leaving out those already found. The query names a keyword when the
    keyword's words (by the same rule as the text's) stand together in it,
    quoted or not: `frozen assets` names "frozen assets", as `"frozen
    assets"` does."""
    words = [w for t in terms if not t.prefix for w in t.words]
    runs = {tuple(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    keywords = session.execute(select(KEYWORD.c.issue_id, KEYWORD.c.key)).all()
    issue_ids = sorted({i for i, k in keywords if tuple(tokens.words(k)) in runs})
    if not issue_ids:
        return []
    query = (
        statement_select()
        .where(STATEMENT.c.issue_id.in_(issue_ids), *filters)
        .order_by(*newest_first(STATEMENT.c))
    )
    if room is not None:
        query = query.limit(room + len(seen))
    found = [view for row in session.execute(query) if (view := to_view(row)).id not in seen]
    return found if room is None else found[:room]


# --- what waits to be indexed ----------------------------------------------------


def pending(session: Session) -> bool:
    """Whether statements wait to be indexed (after an import, or an insert
    by hand)."""
    return search_index.pending(session.connection())


def catch_up(session: Session) -> int:
    """Index, in one pass, the statements that wait; returns how many."""
    return search_index.catch_up(session.connection())
