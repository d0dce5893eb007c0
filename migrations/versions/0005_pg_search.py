"""PostgreSQL's search index keeps each statement's words in a table of its
own, and a bulk import leaves them to the next search, as on SQLite.

Revision 0003 indexed an expression of the statement's text (a GIN index on
`to_tsvector(...)`). On a million statements that made the import two and a
half times as long (parsing every statement's words, then inserting them
in the index one by one), and a search parse again every statement it
ranked: 3.7 s for a common word.

Now `statement_search (id, document)` holds each statement's words, parsed
once, under a GIN index. A trigger writes a statement's row as the
statement is added, unless the transaction set `tracker.search` to
`deferred`: a bulk import does, and leaves a mark in `search_state` (where
its statements begin, through `statement_search_defer`). The next search
calls `statement_search_catch_up()`, which takes the marks it sees and
indexes those statements in one pass. The three functions run with their
owner's rights (SECURITY DEFINER): writers need no grant on these two
tables, and a reader's search can index what an import left. SQLite and
MySQL/MariaDB are unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from tracker.db import steps

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = ("summary", "quote", "speaker", "conditions")


def _document(row: str) -> str:
    """A statement's words, as revision 0003 indexed them."""
    return "to_tsvector('simple', " + " || ' ' || ".join(
        f"coalesce({row}.{c}, '')" for c in TEXT
    ) + ")"  # fmt: skip


# Functions owned by the migrating role, run with its rights; their
# search_path is the migration's, so that no caller can redirect them.
DEFINER = "SECURITY DEFINER SET search_path FROM CURRENT"

ADD = (
    "CREATE OR REPLACE FUNCTION statement_search_add() RETURNS trigger "
    f"LANGUAGE plpgsql {DEFINER} AS $$ BEGIN "
    f"INSERT INTO statement_search (id, document) VALUES (NEW.id, {_document('NEW')}) "
    "ON CONFLICT (id) DO NOTHING; RETURN NULL; END $$"
)
DEFER = (
    "CREATE OR REPLACE FUNCTION statement_search_defer(first integer) RETURNS void "
    f"LANGUAGE sql {DEFINER} AS $$ INSERT INTO search_state (pending_from) VALUES (first) $$"
)
# The marks it sees, taken in one statement: a mark committed later stays,
# with its statements, for the next search. Each statement of the function
# sees what was committed before it began (READ COMMITTED), so the INSERT
# sees every statement whose mark the DELETE took.
CATCH_UP = (
    "CREATE OR REPLACE FUNCTION statement_search_catch_up() RETURNS integer "
    f"LANGUAGE plpgsql {DEFINER} AS $$ DECLARE first integer; added integer; BEGIN "
    "WITH taken AS (DELETE FROM search_state RETURNING pending_from) "
    "SELECT min(pending_from) INTO first FROM taken; "
    "IF first IS NULL THEN RETURN 0; END IF; "
    f"INSERT INTO statement_search (id, document) SELECT s.id, {_document('s')} "
    "FROM statement s WHERE s.id >= first "
    "AND NOT EXISTS (SELECT 1 FROM statement_search i WHERE i.id = s.id); "
    "GET DIAGNOSTICS added = ROW_COUNT; RETURN added; END $$"
)
TRIGGER = (
    "CREATE TRIGGER statement_search_add AFTER INSERT ON statement FOR EACH ROW "
    "WHEN (current_setting('tracker.search', true) IS DISTINCT FROM 'deferred') "
    "EXECUTE FUNCTION statement_search_add()"
)
OLD_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_statement_search "
    f"ON statement USING gin ({_document('statement')})"
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _has_trigger() -> bool:
    query = (
        "SELECT 1 FROM pg_trigger WHERE tgrelid = 'statement'::regclass "
        "AND tgname = 'statement_search_add'"
    )
    return op.get_bind().exec_driver_sql(query).first() is not None


def upgrade() -> None:
    # PostgreSQL runs a migration in one transaction; each step still skips
    # itself when done, as every script's steps do (tracker.db.steps).
    with steps.marked(revision, down_revision):
        if not _postgresql():
            return
        steps.reached("create table statement_search")
        op.execute(
            "CREATE TABLE IF NOT EXISTS statement_search "
            "(id integer PRIMARY KEY, document tsvector NOT NULL)"
        )
        op.execute("CREATE TABLE IF NOT EXISTS search_state (pending_from integer NOT NULL)")
        # Filled before its index is built: one sort, not a million inserts.
        steps.reached("fill statement_search")
        op.execute(
            f"INSERT INTO statement_search (id, document) SELECT id, {_document('statement')} "
            "FROM statement ON CONFLICT (id) DO NOTHING"
        )
        steps.reached("create index ix_statement_search_document")
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_statement_search_document "
            "ON statement_search USING gin (document)"
        )
        steps.reached("create the functions")
        for function in (ADD, DEFER, CATCH_UP):
            op.execute(function)
        if not _has_trigger():
            steps.reached("create trigger statement_search_add")
            op.execute(TRIGGER)
        steps.reached("drop index ix_statement_search")
        op.execute("DROP INDEX IF EXISTS ix_statement_search")


def downgrade() -> None:
    with steps.marked(revision, revision):
        if not _postgresql():
            return
        steps.reached("create index ix_statement_search")
        op.execute(OLD_INDEX)
        steps.reached("drop trigger statement_search_add")
        op.execute("DROP TRIGGER IF EXISTS statement_search_add ON statement")
        steps.reached("drop the functions")
        for name in ("statement_search_add()", "statement_search_defer(integer)",
                     "statement_search_catch_up()"):  # fmt: skip
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
        steps.reached("drop tables statement_search, search_state")
        op.execute("DROP TABLE IF EXISTS statement_search")
        op.execute("DROP TABLE IF EXISTS search_state")
