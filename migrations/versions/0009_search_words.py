"""One rule for the words search reads, on every backend: the words a
statement is indexed under are made in Python (`tracker.tokens`), as the
query's are, and each backend only stores and matches them.

Until now each backend read the text its own way: SQLite's FTS5 tokenizer
(`unicode61`), PostgreSQL's parser (`to_tsvector('simple', ...)`), InnoDB's
FULLTEXT parser. So `Außenminister` was found nowhere (the query was
case-folded, the index not), `2025-12-01` on SQLite only, `3.14` on MariaDB
not at all (words under three letters), and one statement whose words took
more than 1 MB stopped PostgreSQL's catch-up, and every search, for good.

- Every backend keeps a statement's words in `statement_search`, keyed by
  the statement's id: SQLite a contentless FTS5 table with the `ascii`
  tokenizer (the words arrive already split), PostgreSQL the same table as
  before (`id`, `document` tsvector, its GIN index), MariaDB and MySQL a new
  table `statement_search (id, words)` with a FULLTEXT index made without
  stop words, in place of the generated column `statement.search_text`.
- No database can make those words, so the trigger on `statement` leaves a
  mark in `search_state` for each statement inserted (SQLite, PostgreSQL:
  as a bulk import leaves one; MariaDB and MySQL: a new table and trigger),
  and Python indexes what the marks cover (`tracker/db/search_index.py`).
- On PostgreSQL, MariaDB and MySQL two routines with their owner's rights
  write the index's tables: `statement_search_store` (the words of
  statements a mark covers and that have none yet) and
  `statement_search_settle` (clears the marks whose statements all have
  their words). PostgreSQL's `statement_search_catch_up()` goes; its
  functions, `statement_search_defer` made again among them, search
  tracker's schema and then `pg_temp` only (`steps.pinned_search_path`), so
  that no caller's temporary table stands in for the index's.
- Every statement already there is queued (its words dropped, a mark put
  down): the first search after the upgrade indexes them, in one pass.

The revision id is in `revision` below and in SCHEMA_REVISIONS only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.db import steps

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = ("summary", "quote", "speaker", "conditions")  # what search reads

# --- SQLite ------------------------------------------------------------------------------

SQLITE_WORDS = (
    "CREATE VIRTUAL TABLE statement_search USING fts5(words, content='', tokenize='ascii')"
)
SQLITE_MARK = (
    "CREATE TRIGGER statement_search_insert AFTER INSERT ON statement BEGIN "
    "INSERT INTO search_state (pending_from) VALUES (new.id); END"
)
# --- PostgreSQL --------------------------------------------------------------------------

# Functions owned by the migrating role, run with its rights; their
# search_path is tracker's schema, then pg_temp (made under
# steps.pinned_search_path), so that no caller can redirect them.
DEFINER = "SECURITY DEFINER SET search_path FROM CURRENT"
# Revision 0005's, made again with that search path; only the owner runs it.
PG_DEFER = (
    "CREATE OR REPLACE FUNCTION statement_search_defer(first integer) RETURNS void "
    f"LANGUAGE sql {DEFINER} AS $$ INSERT INTO search_state (pending_from) VALUES (first) $$"
)
PG_DEFER_PRIVATE = "REVOKE EXECUTE ON FUNCTION statement_search_defer(integer) FROM PUBLIC"
PG_MARK = (
    "CREATE OR REPLACE FUNCTION statement_search_add() RETURNS trigger "
    f"LANGUAGE plpgsql {DEFINER} AS $$ BEGIN "
    "INSERT INTO search_state (pending_from) VALUES (NEW.id); RETURN NULL; END $$"
)
# The words of statements a mark covers, that exist and have none yet.
PG_STORE = (
    "CREATE OR REPLACE FUNCTION statement_search_store(ids integer[], documents tsvector[]) "
    f"RETURNS integer LANGUAGE sql {DEFINER} AS $$ "
    "WITH stored AS (INSERT INTO statement_search (id, document) "
    "SELECT d.id, d.document FROM unnest(ids, documents) AS d(id, document) "
    "WHERE d.id >= (SELECT min(pending_from) FROM search_state) "
    "AND EXISTS (SELECT 1 FROM statement s WHERE s.id = d.id) "
    "ON CONFLICT (id) DO NOTHING RETURNING 1) "
    "SELECT count(*)::integer FROM stored $$"
)
# One statement, one snapshot: the marks it takes, and the statements they
# cover (a mark is committed with its statements); a mark committed later
# stays. What is still not indexed keeps a mark at its first statement.
PG_SETTLE = (
    "CREATE OR REPLACE FUNCTION statement_search_settle() RETURNS void "
    f"LANGUAGE sql {DEFINER} AS $$ "
    "WITH taken AS (DELETE FROM search_state RETURNING pending_from) "
    "INSERT INTO search_state (pending_from) "
    "SELECT s.id FROM statement s WHERE s.id >= (SELECT min(pending_from) FROM taken) "
    "AND NOT EXISTS (SELECT 1 FROM statement_search i WHERE i.id = s.id) "
    "ORDER BY s.id LIMIT 1 $$"
)
# Revision 0005's, for the downgrade (copied).
_PG_0005_DOCUMENT = (
    "to_tsvector('simple', " + " || ' ' || ".join(f"coalesce({{row}}.{c}, '')" for c in TEXT) + ")"
)

# --- MariaDB and MySQL ----------------------------------------------------------------------

MYSQL_TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
MYSQL_STATE = (
    "CREATE TABLE search_state (pending_from INTEGER NOT NULL PRIMARY KEY) " + MYSQL_TABLE_OPTIONS
)
# The words, already folded, compared byte for byte. Each is stored with a
# "_" after it, so that InnoDB takes none for a stop word or too short.
MYSQL_WORDS = (
    "CREATE TABLE statement_search (id INTEGER NOT NULL PRIMARY KEY, "
    "words MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
    "FULLTEXT INDEX ix_statement_search_words (words)) " + MYSQL_TABLE_OPTIONS
)
MYSQL_MARK = (
    "CREATE TRIGGER statement_search_mark AFTER INSERT ON statement FOR EACH ROW "
    "INSERT INTO search_state (pending_from) VALUES (NEW.id)"
)
_MYSQL_DOCUMENTS = (
    "JSON_TABLE(documents, '$[*]' COLUMNS (id INTEGER PATH '$[0]', words LONGTEXT PATH '$[1]'))"
)
# The words of statements that have a mark, then their marks cleared (a
# mark here is one statement's): each row by its key (the documents first,
# STRAIGHT_JOIN), so that writers adding statements at once lock only their
# own rows, not every mark.
MYSQL_STORE = (
    "CREATE PROCEDURE statement_search_store(IN documents LONGTEXT) "
    "MODIFIES SQL DATA SQL SECURITY DEFINER BEGIN "
    f"INSERT INTO statement_search (id, words) SELECT d.id, d.words FROM {_MYSQL_DOCUMENTS} AS d "
    "STRAIGHT_JOIN search_state m ON m.pending_from = d.id "
    "ON DUPLICATE KEY UPDATE statement_search.id = statement_search.id; "
    f"DELETE m FROM {_MYSQL_DOCUMENTS} AS d STRAIGHT_JOIN search_state m "
    "ON m.pending_from = d.id STRAIGHT_JOIN statement_search i ON i.id = m.pending_from; END"
)
# Here a mark is one statement's (the trigger's, or the upgrade's below).
MYSQL_SETTLE = (
    "CREATE PROCEDURE statement_search_settle() MODIFIES SQL DATA SQL SECURITY DEFINER "
    "DELETE m FROM search_state m JOIN statement_search i ON i.id = m.pending_from"
)
MYSQL_PROCEDURES = {
    "statement_search_store": MYSQL_STORE,
    "statement_search_settle": MYSQL_SETTLE,
}
# Revision 0003's, for the downgrade (copied).
MYSQL_0003_COLUMN = (
    "ALTER TABLE statement ADD COLUMN search_text MEDIUMTEXT CHARACTER SET utf8mb4 "
    f"COLLATE utf8mb4_unicode_ci AS (CONCAT_WS(' ', {', '.join(TEXT)})) STORED"
)

# What this revision makes, by backend, each trigger's or routine's statements
# (tracker/db/objects.py).
OBJECTS = {
    "sqlite": {"trigger statement_search_insert": (SQLITE_MARK,)},
    "postgresql": {
        "function statement_search_add": (PG_MARK,),
        "function statement_search_store": (PG_STORE,),
        "function statement_search_settle": (PG_SETTLE,),
        "function statement_search_defer": (PG_DEFER, PG_DEFER_PRIVATE),
    },
    "mysql": {
        "trigger statement_search_mark": (MYSQL_MARK,),
        **{f"procedure {name}": (ddl,) for name, ddl in MYSQL_PROCEDURES.items()},
    },
}


def _dialect() -> str:
    return op.get_bind().dialect.name


def _rows(sql: str) -> set[str]:
    return {str(row[0]) for row in op.get_bind().exec_driver_sql(sql)}


def _triggers() -> set[str]:
    if _dialect() == "sqlite":
        return _rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    if _dialect() == "postgresql":
        return _rows("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    return _rows(
        "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
    )


def _sqlite_sql(name: str) -> str:
    found = (
        op.get_bind()
        .exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (name,))
        .scalar()
    )
    return str(found or "")


def _pg_functions() -> set[str]:
    return _rows("SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace")


def _mysql_procedures() -> set[str]:
    return _rows(
        "SELECT routine_name FROM information_schema.routines WHERE routine_schema = DATABASE()"
    )


def _inspector() -> sa.Inspector:
    return sa.inspect(op.get_bind())


def _has_table(name: str) -> bool:
    return _inspector().has_table(name)


def _has_column(table: str, column: str) -> bool:
    return column in {c["name"] for c in _inspector().get_columns(table)}


def _has_index(table: str, name: str) -> bool:
    return name in {i["name"] for i in _inspector().get_indexes(table)}


def _queue_everything() -> None:
    """Every statement to be indexed again, by the next search: one mark
    from the first (SQLite and PostgreSQL, whose marks cover what follows)."""
    op.execute("DELETE FROM search_state")
    op.execute(
        "INSERT INTO search_state (pending_from) SELECT id FROM statement ORDER BY id LIMIT 1"
    )


def upgrade() -> None:
    # Each step is skipped when done: see tracker.db.steps.
    with steps.marked(revision, down_revision):
        dialect = _dialect()
        if dialect == "sqlite":
            _sqlite_upgrade()
        elif dialect == "postgresql":
            _pg_upgrade()
        else:
            _mysql_upgrade()


def downgrade() -> None:
    with steps.marked(revision, revision):
        dialect = _dialect()
        if dialect == "sqlite":
            _sqlite_downgrade()
        elif dialect == "postgresql":
            _pg_downgrade()
        else:
            _mysql_downgrade()


def _sqlite_upgrade() -> None:
    triggers = _triggers()
    if "statement_search_delete" in triggers:
        steps.reached("drop trigger statement_search_delete")
        op.execute("DROP TRIGGER statement_search_delete")
    if "statement_search_insert" in triggers and "search_state" not in _sqlite_sql(
        "statement_search_insert"
    ):
        steps.reached("drop trigger statement_search_insert")
        op.execute("DROP TRIGGER statement_search_insert")
    if _sqlite_sql("statement_search") != SQLITE_WORDS:
        steps.reached("make statement_search the table of words")
        op.execute("DROP TABLE IF EXISTS statement_search")
        op.execute(SQLITE_WORDS)
        _queue_everything()
    if "statement_search_insert" not in _triggers():
        steps.reached("create trigger statement_search_insert")
        op.execute(SQLITE_MARK)


def _sqlite_downgrade() -> None:
    if "search_state" in _sqlite_sql("statement_search_insert"):
        steps.reached("drop trigger statement_search_insert")
        op.execute("DROP TRIGGER statement_search_insert")
    made = steps.script("0003")  # revision 0003's index, as it made it
    if _sqlite_sql("statement_search") != made.SQLITE_SEARCH:
        steps.reached("make statement_search revision 0003's")
        op.execute("DROP TABLE IF EXISTS statement_search")
        op.execute(made.SQLITE_SEARCH)
        op.execute("INSERT INTO statement_search(statement_search) VALUES ('rebuild')")
        op.execute("DELETE FROM search_state")
    triggers = _triggers()
    for ddl in made.SQLITE_TRIGGERS:
        name = ddl.split()[2]
        if name not in triggers:
            steps.reached(f"create trigger {name}")
            op.execute(ddl)


def _pg_upgrade() -> None:
    steps.reached("create the functions")
    with steps.pinned_search_path(op.get_bind()):
        for function in (PG_MARK, PG_STORE, PG_SETTLE, PG_DEFER, PG_DEFER_PRIVATE):
            op.execute(function)
    if "statement_search_catch_up" in _pg_functions():
        steps.reached("queue every statement")
        op.execute("TRUNCATE statement_search")
        _queue_everything()
        op.execute("DROP FUNCTION statement_search_catch_up()")


def _pg_downgrade() -> None:
    steps.reached("create revision 0005's functions")
    made = steps.script("0005")
    for function in (made.ADD, made.CATCH_UP):
        op.execute(function)
    if "statement_search_store" in _pg_functions():
        # Every statement's words as revision 0005 made them, filled before
        # the index is built, as 0005 does: one sort, not a million inserts.
        steps.reached("index every statement as revision 0005 does")
        op.execute("DROP INDEX IF EXISTS ix_statement_search_document")
        op.execute("TRUNCATE statement_search")
        op.execute("DELETE FROM search_state")
        op.execute(
            "INSERT INTO statement_search (id, document) SELECT s.id, "
            + _PG_0005_DOCUMENT.format(row="s")
            + " FROM statement s"
        )
        op.execute(
            "CREATE INDEX ix_statement_search_document ON statement_search USING gin (document)"
        )
        op.execute("DROP FUNCTION statement_search_store(integer[], tsvector[])")
        op.execute("DROP FUNCTION statement_search_settle()")


def _mysql_upgrade() -> None:
    if not _has_table("search_state"):
        steps.reached("create table search_state")
        op.execute(MYSQL_STATE)
    if not _has_table("statement_search"):
        steps.reached("create table statement_search")
        op.execute(MYSQL_WORDS)
    if "statement_search_mark" not in _triggers():
        steps.reached("create trigger statement_search_mark")
        op.execute(MYSQL_MARK)
    present = _mysql_procedures()
    for name, ddl in MYSQL_PROCEDURES.items():
        if name not in present:
            steps.reached(f"create procedure {name}")
            op.execute(ddl)
    # A mark for each statement without words (every one, the first time).
    with steps.rewrite("queue every statement"):
        op.execute(
            "INSERT IGNORE INTO search_state (pending_from) SELECT s.id FROM statement s "
            "WHERE NOT EXISTS (SELECT 1 FROM statement_search i WHERE i.id = s.id)"
        )
    if _has_index("statement", "ix_statement_search"):
        steps.reached("drop index ix_statement_search")
        op.execute("DROP INDEX ix_statement_search ON statement")
    if _has_column("statement", "search_text"):
        steps.reached("drop column statement.search_text")
        op.execute("ALTER TABLE statement DROP COLUMN search_text")


def _mysql_downgrade() -> None:
    if not _has_column("statement", "search_text"):
        steps.reached("add column statement.search_text")
        op.execute(MYSQL_0003_COLUMN)
    if not _has_index("statement", "ix_statement_search"):
        steps.reached("create index ix_statement_search")
        op.execute("CREATE FULLTEXT INDEX ix_statement_search ON statement (search_text)")
    present = _mysql_procedures()
    for name in MYSQL_PROCEDURES:
        if name in present:
            steps.reached(f"drop procedure {name}")
            op.execute(f"DROP PROCEDURE {name}")
    if "statement_search_mark" in _triggers():
        steps.reached("drop trigger statement_search_mark")
        op.execute("DROP TRIGGER statement_search_mark")
    for table in ("statement_search", "search_state"):
        if _has_table(table):
            steps.reached(f"drop table {table}")
            op.execute(f"DROP TABLE {table}")
