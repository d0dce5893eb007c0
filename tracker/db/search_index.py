"""The search index's moving parts: the words each statement is indexed
under, made in Python by `tracker.tokens` (one rule on every backend), and
what keeps the index in step with the statements.

Every backend keeps a statement's words in a table of its own, keyed by the
statement's id (migration 0009): SQLite an FTS5 table (`statement_search`,
rowid = id), PostgreSQL `statement_search (id, document tsvector)`,
MariaDB and MySQL `statement_search (id, words)` under a FULLTEXT index. No
database can make those words itself, so a trigger on `statement` only
leaves a mark in `search_state`: statements from this id on may wait to be
indexed. `catch_up` indexes what the marks cover, in Python, and clears the
marks whose statements all have their words (`settle`). `tracker add`
indexes its statement in its own transaction; an import turns the trigger
off for its length and leaves one mark (SQLite and PostgreSQL: `defer`,
`resume`; on MariaDB the trigger marks each row), and the next search
indexes what it added in one pass; so does it for a statement someone
inserted by hand.

On PostgreSQL, MariaDB and MySQL the index's tables are written only by
routines that run with their owner's rights (migration 0009), so that
neither a writer's `add` nor a reader's first search needs a grant on them:
`statement_search_store` (the words of statements a mark covers and that
have none yet) and `statement_search_settle`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from tracker import tokens
from tracker.db.failures import denied

TEXT = ("summary", "quote", "speaker", "conditions")
# The backends whose import defers the index to the next search (the rest
# mark each row as it is written).
DEFERRING = ("sqlite", "postgresql")
SQLITE_INSERT_TRIGGER = "statement_search_insert"
_CREATE = (
    f"CREATE TRIGGER {SQLITE_INSERT_TRIGGER} AFTER INSERT ON statement BEGIN "
    "INSERT INTO search_state (pending_from) VALUES (new.id); END"
)
# What stands in a gap (between two fields, or for a word past its 256th
# place) where the index counts places by its words: a word no query has.
SQLITE_GAP = "\u00b7"  # MIDDLE DOT, a word to FTS5's ascii tokenizer, never one of ours
MYSQL_GAP = "___"
# InnoDB leaves out words shorter than innodb_ft_min_token_size (3) and its
# stop words ("about", "the"): every word is stored, and looked for, with
# "_" after it (never in a word), one or more, to three characters at least.
MYSQL_SHORTEST = 3
# A catch-up reads statements in rounds of at most ROUND, and their text in
# batches of at most BATCH_CHARACTERS: memory stays flat.
ROUND = 2_000
BATCH_CHARACTERS = 8_000_000
PACKET_CHARACTERS = 2_000_000  # MariaDB: words per procedure call, 8 MB at most


# PostgreSQL: only a role that may leave the one mark a deferred import
# leaves (the owner, since revision 0008) may defer; the trigger marks anyone
# else's statements as they are added, whatever `tracker.search` says, so
# that no statement is left that no search finds.
_MAY_DEFER = "SELECT has_function_privilege('statement_search_defer(integer)', 'EXECUTE')"


def defer(connection: Connection) -> bool:
    """Statements added from now on in this transaction leave no mark, where
    this role may defer the index: returns whether it does."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SQLITE_INSERT_TRIGGER}")
        return True
    if dialect == "postgresql" and connection.exec_driver_sql(_MAY_DEFER).scalar():
        connection.exec_driver_sql("SET LOCAL tracker.search = 'deferred'")
        return True
    return False


def resume(connection: Connection, first_unindexed: int | None) -> None:
    """Statements leave their mark as they are added again; those from
    `first_unindexed` on (None: none) are left for the next search. Only
    after `defer` returned true."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(_CREATE)
        if first_unindexed is not None:
            connection.exec_driver_sql(
                "INSERT INTO search_state (pending_from) VALUES (?)", (first_unindexed,)
            )
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL tracker.search = ''")
        if first_unindexed is not None:
            connection.exec_driver_sql(
                "SELECT statement_search_defer(%(first)s)", {"first": first_unindexed}
            )


def queue_all(connection: Connection) -> None:
    """Every statement's words dropped, and every statement left for the
    next search to index: after a correction made with the ledger's guard
    lifted, as revision 0009 did after its upgrade. The owner's: it writes
    the index's tables directly."""
    dialect = connection.dialect.name
    if dialect == "sqlite":  # a contentless table: its words go all at once
        connection.exec_driver_sql(
            "INSERT INTO statement_search (statement_search) VALUES ('delete-all')"
        )
    else:
        connection.exec_driver_sql("DELETE FROM statement_search")
    connection.exec_driver_sql("DELETE FROM search_state")
    # A mark covers the statements from it on, but on MariaDB and MySQL, one each.
    one = "" if dialect in ("mysql", "mariadb") else " ORDER BY id LIMIT 1"
    connection.exec_driver_sql(
        f"INSERT INTO search_state (pending_from) SELECT id FROM statement{one}"
    )


# --- the words of a statement, as each backend stores them -------------------------


def mysql_word(word: str) -> str:
    return word + "_" * max(1, MYSQL_SHORTEST - len(word))


def lexeme(word: str) -> str:
    """A word as a PostgreSQL tsvector or tsquery literal takes it."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


_POSITIONS = [str(n) for n in range(1, tokens.MAX_PLACES + 1)]


def document(dialect: str, fields: Sequence[str | None]) -> str:
    """A statement's words (`fields` in TEXT's order) as `dialect` stores them."""
    if dialect == "sqlite":
        return " ".join(tokens.places(fields, SQLITE_GAP))
    if dialect == "postgresql":
        # A word is letters, marks and digits: no quote or backslash to escape.
        at: dict[str | None, list[str]] = {}
        for word, n in zip(tokens.places(fields), _POSITIONS, strict=False):
            if word in at:
                at[word].append(n)
            else:
                at[word] = [n]
        at.pop(None, None)
        return " ".join([f"'{w}':{','.join(ns)}" for w, ns in at.items()])
    return " ".join(mysql_word(w) if w else MYSQL_GAP for w in tokens.places(fields))


# --- catching up -------------------------------------------------------------------------

_SIZE = " + ".join(f"coalesce(length(s.{c}), 0)" for c in TEXT)


def pending(connection: Connection) -> bool:
    """Whether a mark says statements may wait to be indexed."""
    return connection.exec_driver_sql("SELECT 1 FROM search_state LIMIT 1").first() is not None


def index_added(connection: Connection, ids: Sequence[int]) -> bool:
    """Indexes the statements this transaction just added, inside a
    savepoint: if the login may not write the index (a MariaDB login
    without the grant to run its procedures), the statements stand and keep
    their marks for the next search that can. Any other failure is the
    command's (a deadlock aborts the whole transaction, which then runs
    again). Whether they were indexed."""
    savepoint = connection.begin_nested()
    try:
        catch_up(connection, only=ids)
    except DBAPIError as err:
        if not denied(err):
            raise
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def catch_up(connection: Connection, only: Sequence[int] | None = None) -> int:
    """Indexes the statements the marks cover that have no words yet (or
    only those of `only`: the statements this transaction added), then
    clears the marks whose statements all have them. Returns how many."""
    dialect = connection.dialect.name
    done = 0
    if only is not None:
        done += _index(connection, list(only))
        if dialect not in DEFERRING:
            # A mark is one statement's here, and storing its words cleared
            # it: no need to lock every mark (and wait on other writers).
            return done
    else:
        first = connection.exec_driver_sql("SELECT min(pending_from) FROM search_state").scalar()
        if first is None:
            return 0
        after = int(first) - 1
        # Two range scans a round, of the statements and of the index: a
        # planner may answer "those without words" by reading all of both.
        statements = text(
            f"SELECT s.id, {_SIZE} FROM statement s WHERE s.id > :after ORDER BY s.id LIMIT {ROUND}"
        )
        key = "rowid" if dialect == "sqlite" else "id"
        indexed = text(
            f"SELECT {key} FROM statement_search WHERE {key} > :after AND {key} <= :last"
        )
        while rows := connection.execute(statements, {"after": after}).all():
            last = int(rows[-1][0])
            have = set(connection.execute(indexed, {"after": after, "last": last}).scalars())
            batch: list[int] = []
            size = 0
            for statement_id, characters in rows:
                if statement_id in have:
                    continue
                if batch and size + int(characters) > BATCH_CHARACTERS:
                    done += _index(connection, batch)
                    batch, size = [], 0
                batch.append(int(statement_id))
                size += int(characters)
            done += _index(connection, batch)
            after = last
    _settle(connection)
    return done


def _index(connection: Connection, ids: list[int]) -> int:
    """Stores the words of the statements `ids`."""
    if not ids:
        return 0
    dialect = connection.dialect.name
    columns = ", ".join(TEXT)
    rows = connection.execute(
        text(f"SELECT id, {columns} FROM statement WHERE id IN ({', '.join(map(str, ids))})")
    ).all()
    stored = [(int(row[0]), document(dialect, row[1:])) for row in rows]
    if dialect == "sqlite":
        connection.exec_driver_sql(
            "INSERT INTO statement_search (rowid, words) VALUES (?, ?)", stored
        )
    elif dialect == "postgresql":
        connection.execute(
            text(
                "SELECT statement_search_store(CAST(:ids AS integer[]), "
                "CAST(:documents AS tsvector[]))"
            ),
            {"ids": [i for i, _ in stored], "documents": [d for _, d in stored]},
        )
    else:
        # One call's JSON within the server's max_allowed_packet (16 MiB by default).
        calls: list[list[tuple[int, str]]] = [[]]
        size = 0
        for one in stored:
            if calls[-1] and size + len(one[1]) > PACKET_CHARACTERS:
                calls.append([])
                size = 0
            calls[-1].append(one)
            size += len(one[1])
        for call in calls:
            connection.execute(
                text("CALL statement_search_store(:documents)"),
                {"documents": json.dumps(call, ensure_ascii=False)},
            )
    return len(stored)


def _settle(connection: Connection) -> None:
    """Clears the marks whose statements all have their words, keeping a
    mark at the first that has none."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql("SELECT statement_search_settle()")
    elif dialect != "sqlite":
        connection.exec_driver_sql("CALL statement_search_settle()")
    else:
        first = connection.exec_driver_sql("SELECT min(pending_from) FROM search_state").scalar()
        connection.exec_driver_sql("DELETE FROM search_state")
        gap: Any = connection.execute(
            text(
                "SELECT s.id FROM statement s WHERE s.id >= :first AND NOT EXISTS "
                "(SELECT 1 FROM statement_search i WHERE i.rowid = s.id) ORDER BY s.id LIMIT 1"
            ),
            {"first": first},
        ).scalar()
        if gap is not None:
            connection.exec_driver_sql("INSERT INTO search_state (pending_from) VALUES (?)", (gap,))
