"""Merges the ledger can tell from forgeries, negated merges, retractions
never before their recording, and search no writer can leave behind.

- `issue merge FROM INTO --negate`: FROM's statements move to INTO with
  their stance's sign changed; `statement.negated` says so (the
  fingerprint, of the content as logged, never changes), and the guard lets
  `score` change only to its opposite, with `negated` flipping, in a move
  into an issue whose `merge_negates` the merge set beside `merged_into`.
- A statement moves only in a real merge: on PostgreSQL, MySQL and MariaDB
  only inside `merge_record`, which runs with its owner's rights, moves
  every statement of FROM and deletes FROM in one call; writers may update
  a statement's retraction columns only (docs/teams.md). PostgreSQL also
  refuses, at commit, a transaction that marked a record merged and left
  it there. SQLite has no roles: whoever has the file owns it.
- A retraction is never dated before its statement was recorded: on
  PostgreSQL and MySQL a CHECK, on SQLite a trigger on insert that also
  refuses an id past 2147483647; the rows an older import let in are dated
  at their recording (what any report as known at a moment says stays).
- PostgreSQL: only the owner may defer the search index.

Earlier scripts' SQL is used as they made it (`steps.script`), never later
code's. Every step skips itself when done (tracker.db.steps), and
`upgrade()` finishes from any point of itself or of `downgrade()`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tracker.db import steps

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

# What may never change in a statement (the score may, negated, in a merge).
FIXED = (
    "id", "stated_on", "summary", "quote", "speaker", "source", "basis", "conditions",
    "recorded_at", "recorded_by", "fingerprint",
)  # fmt: skip
# MySQL's MESSAGE_TEXT holds 128 characters.
CHANGED = "statements are never changed, only retracted once (tracker retract) or moved by a merge"
MERGED_AWAY = (
    "statements move only in a merge, which removes the record merged in the same transaction"
)
# Inside merge_record, and only there, a statement may move: it writes its
# connection's id in `statement_move` (which no one else may write) while it
# moves statements, in the caller's transaction (and takes it out on a failure).
MOVE_TABLE = "CREATE TABLE statement_move (connection_id BIGINT NOT NULL PRIMARY KEY)"
PG_MERGING = "EXISTS (SELECT 1 FROM statement_move WHERE connection_id = pg_backend_pid())"
MYSQL_MERGING = "EXISTS (SELECT 1 FROM statement_move WHERE connection_id = CONNECTION_ID())"


def _allowed(same: str, old: str, new: str, true: str, false: str, merging: str) -> str:
    """The condition an UPDATE of a statement must meet, in SQL: `same` is the
    null-safe equality (a template `{a} IS {b}`), `old`/`new` the row
    prefixes, `true`/`false` the dialect's boolean literals, `merging` true
    inside the merge (SQLite, which has no roles: always)."""

    def eq(column: str) -> str:
        return same.format(a=f"{new}.{column}", b=f"{old}.{column}")

    def into(column: str, table: str) -> str:
        return same.format(
            a=f"{new}.{column}", b=f"(SELECT merged_into FROM {table} WHERE id = {old}.{column})"
        )

    fixed = " AND ".join(eq(c) for c in FIXED)
    retraction = (
        f"(({eq('retracted_at')} AND {eq('retraction_reason')}) OR "
        f"({old}.retracted_at IS NULL AND {new}.retracted_at IS NOT NULL "
        f"AND {new}.retraction_reason IS NOT NULL AND {new}.retracted_at >= {old}.recorded_at))"
    )
    party = f"({eq('party_id')} OR ({merging} AND {into('party_id', 'party')}))"
    kept = f"({eq('score')} AND {eq('negated')})"
    negates = (
        f"COALESCE((SELECT merge_negates FROM issue WHERE id = {old}.issue_id), {false}) = {true}"
    )
    flipped = f"({new}.score = -{old}.score AND {new}.negated <> {old}.negated)"
    issue = (
        f"(({eq('issue_id')} AND {kept}) OR ({merging} AND NOT {eq('issue_id')} "
        f"AND {into('issue_id', 'issue')} AND (({negates} AND {flipped}) "
        f"OR (NOT ({negates}) AND {kept}))))"
    )
    return f"{fixed} AND {retraction} AND {party} AND {issue}"


SQLITE_GUARD = (
    "CREATE TRIGGER statement_guard BEFORE UPDATE ON statement "
    f"WHEN NOT ({_allowed('{a} IS {b}', 'OLD', 'NEW', '1', '0', '1')}) BEGIN "
    f"SELECT RAISE(ABORT, '{CHANGED}'); END"
)
MYSQL_GUARD = (
    "CREATE TRIGGER statement_guard BEFORE UPDATE ON statement FOR EACH ROW "
    f"BEGIN IF NOT ({_allowed('{a} <=> {b}', 'OLD', 'NEW', '1', '0', MYSQL_MERGING)}) THEN "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{CHANGED}'; END IF; END"
)
PG_DELETED = "statements are never deleted: retract one instead (tracker retract)"
# Functions made under steps.pinned_search_path: FROM CURRENT is tracker's
# schema, then pg_temp, so no caller's temporary table stands in for one.
PG_GUARD = (
    "CREATE OR REPLACE FUNCTION statement_append_only() RETURNS trigger LANGUAGE plpgsql "
    "SECURITY DEFINER SET search_path FROM CURRENT AS $$ BEGIN "
    "IF TG_OP IN ('DELETE', 'TRUNCATE') THEN "
    f"RAISE EXCEPTION '{PG_DELETED}' USING ERRCODE = 'check_violation'; END IF; "
    "IF NOT ("
    + _allowed("{a} IS NOT DISTINCT FROM {b}", "OLD", "NEW", "TRUE", "FALSE", PG_MERGING)
    + f") THEN RAISE EXCEPTION '{CHANGED}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$"
)
PG_ROW_TRIGGER = (
    "CREATE TRIGGER statement_append_only BEFORE UPDATE OR DELETE ON statement "
    "FOR EACH ROW EXECUTE FUNCTION statement_append_only()"
)
# A record marked merged must be gone when its transaction commits.
PG_MERGED_AWAY = (
    "CREATE OR REPLACE FUNCTION record_merged_away() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "IF (TG_TABLE_NAME = 'party' AND EXISTS (SELECT 1 FROM party WHERE id = NEW.id)) "
    "OR (TG_TABLE_NAME = 'issue' AND EXISTS (SELECT 1 FROM issue WHERE id = NEW.id)) THEN "
    f"RAISE EXCEPTION '{MERGED_AWAY}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NULL; END $$"
)
PG_MERGED_AWAY_TRIGGERS = tuple(
    f"CREATE CONSTRAINT TRIGGER {table}_merged_away AFTER INSERT OR UPDATE OF merged_into "
    f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "WHEN (NEW.merged_into IS NOT NULL) EXECUTE FUNCTION record_merged_away()"
    for table in ("party", "issue")
)

# The one way a statement moves, with its owner's rights: FROM marked, its
# statements moved (negated, if so), FROM deleted, in one call. A failure
# inside undoes the whole transaction: no move without its record's deletion.
PG_MERGE = (
    "CREATE OR REPLACE FUNCTION merge_record(record_kind text, from_id integer, into_id integer, "
    "negate boolean) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM "
    "CURRENT AS $$ DECLARE moved integer; BEGIN IF from_id = into_id THEN RAISE EXCEPTION "
    "'a record is not merged into itself' USING ERRCODE = 'check_violation'; END IF; "
    "INSERT INTO statement_move (connection_id) VALUES (pg_backend_pid()); "
    "IF record_kind = 'party' THEN "
    "UPDATE party SET merged_into = into_id WHERE id = from_id; "
    "UPDATE statement SET party_id = into_id WHERE party_id = from_id; "
    "GET DIAGNOSTICS moved = ROW_COUNT; DELETE FROM party WHERE id = from_id; "
    "ELSIF record_kind = 'issue' THEN "
    "UPDATE issue SET merged_into = into_id, merge_negates = negate WHERE id = from_id; "
    "UPDATE statement SET issue_id = into_id, score = CASE WHEN negate THEN -score ELSE score "
    "END, negated = (negated <> negate) WHERE issue_id = from_id; "
    "GET DIAGNOSTICS moved = ROW_COUNT; DELETE FROM issue WHERE id = from_id; "
    "ELSE RAISE EXCEPTION 'merge_record: party or issue' USING ERRCODE = 'check_violation'; "
    "END IF; DELETE FROM statement_move WHERE connection_id = pg_backend_pid(); "
    "RETURN moved; END $$"
)
# Run by those it is granted to (docs/teams.md), not by every role.
PG_MERGE_PRIVATE = (
    "REVOKE EXECUTE ON FUNCTION merge_record(text, integer, integer, boolean) FROM PUBLIC"
)
MYSQL_MERGE = (
    "CREATE PROCEDURE merge_record(IN kind VARCHAR(8), IN source INT, IN target INT, "
    "IN negate BOOLEAN) MODIFIES SQL DATA SQL SECURITY DEFINER BEGIN "
    "DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; "
    "DELETE FROM statement_move WHERE connection_id = CONNECTION_ID(); RESIGNAL; END; "
    "IF source = target THEN "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a record is not merged into itself'; END IF; "
    "INSERT INTO statement_move (connection_id) VALUES (CONNECTION_ID()); IF kind = 'party' THEN "
    "UPDATE party SET merged_into = target WHERE id = source; "
    "UPDATE statement SET party_id = target WHERE party_id = source; "
    "DELETE FROM party WHERE id = source; ELSEIF kind = 'issue' THEN "
    "UPDATE issue SET merged_into = target, merge_negates = negate WHERE id = source; "
    "UPDATE statement SET issue_id = target, score = IF(negate, -score, score), "
    "negated = IF(negate, NOT negated, negated) WHERE issue_id = source; "
    "DELETE FROM issue WHERE id = source; "
    "ELSE SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'merge_record: party or issue'; END IF; "
    "DELETE FROM statement_move WHERE connection_id = CONNECTION_ID(); END"
)

# What a statement is added with. PostgreSQL and MySQL check a constraint;
# SQLite adds none to a table in place: a trigger checks a new row, and that
# its id is in every backend's 32-bit range (SQLite's rowid would go on).
RETRACTED_EARLY = "a statement cannot be retracted before it was recorded"
USED_UP = "statement ids are used up: 2147483647 is the largest a database holds"
RETRACTED_AFTER_RECORDING = "retracted_at IS NULL OR retracted_at >= recorded_at"
CHECK_NAME = "ck_statement_retracted_after_recording"
SQLITE_ADDED = (
    "CREATE TRIGGER statement_insert_guard AFTER INSERT ON statement BEGIN "
    f"SELECT RAISE(ABORT, '{USED_UP}') WHERE NEW.id > 2147483647; "
    f"SELECT RAISE(ABORT, '{RETRACTED_EARLY}') WHERE NEW.retracted_at < NEW.recorded_at; END"
)

# PostgreSQL's search index: deferred by its owner only.
SEARCH_TRIGGER = (
    "CREATE TRIGGER statement_search_add AFTER INSERT ON statement FOR EACH ROW "
    "WHEN (current_setting('tracker.search', true) IS DISTINCT FROM 'deferred' "
    "OR NOT has_function_privilege('statement_search_defer(integer)'::regprocedure, 'EXECUTE')) "
    "EXECUTE FUNCTION statement_search_add()"
)

# --- the steps ----------------------------------------------------------------


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _triggers() -> set[str]:
    """The triggers the database has (MySQL, MariaDB: and routines)."""
    query = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
        "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "mysql": "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = "
        "DATABASE() UNION SELECT routine_name FROM information_schema.routines "
        "WHERE routine_schema = DATABASE()",
    }[_dialect()]
    return {str(row[0]) for row in op.get_bind().exec_driver_sql(query)}


def _create_trigger(name: str, sql: str) -> None:
    if name not in _triggers():
        steps.reached(f"create trigger {name}")
        op.execute(sql)


def _drop_trigger(name: str, table: str) -> None:
    if name in _triggers():
        steps.reached(f"drop trigger {name}")
        on = f" ON {table}" if _dialect() == "postgresql" else ""
        op.execute(f"DROP TRIGGER {name}{on}")


def _has_check() -> bool:
    checks = sa.inspect(op.get_bind()).get_check_constraints("statement")
    return CHECK_NAME in {c["name"] for c in checks}


def _retracted_when_recorded() -> None:
    """A retraction dated before its recording (an older import took one) is
    dated at it: no report as known at a moment changes. With no guard on."""
    with steps.rewrite("retractions before their recording"):
        op.execute(
            "UPDATE statement SET retracted_at = recorded_at WHERE retracted_at < recorded_at"
        )


def upgrade() -> None:
    with steps.marked(revision, down_revision):
        dialect = _dialect()
        steps.add_column(
            "statement",
            sa.Column("negated", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
        steps.add_column("issue", sa.Column("merge_negates", sa.Boolean(), nullable=True))
        if dialect != "sqlite" and not steps.has_table("statement_move"):
            steps.reached("create table statement_move")
            op.execute(MOVE_TABLE)
        if "statement_guard" not in _triggers() and dialect != "postgresql":
            # 0004's guard, the bad rows made right, this one's guard.
            _drop_trigger("statement_never_changed", "statement")
            _retracted_when_recorded()
            _create_trigger("statement_guard", SQLITE_GUARD if dialect == "sqlite" else MYSQL_GUARD)
        if dialect == "sqlite":
            _create_trigger("statement_insert_guard", SQLITE_ADDED)
        elif dialect == "mysql" and "merge_record" not in _triggers():
            steps.reached("create procedure merge_record")
            op.execute(MYSQL_MERGE)
        elif dialect == "postgresql":  # one transaction: each statement as often as it takes
            _drop_trigger("statement_append_only", "statement")
            _retracted_when_recorded()
            steps.reached("create the functions")
            with steps.pinned_search_path(op.get_bind()):
                for function in (PG_GUARD, PG_MERGED_AWAY, PG_MERGE, PG_MERGE_PRIVATE):
                    op.execute(function)
            _create_trigger("statement_append_only", PG_ROW_TRIGGER)
            for ddl in PG_MERGED_AWAY_TRIGGERS:
                _create_trigger(ddl.split()[3], ddl)
            steps.reached("search: deferred by the owner only")
            op.execute("REVOKE EXECUTE ON FUNCTION statement_search_defer(integer) FROM PUBLIC")
            op.execute("DROP TRIGGER IF EXISTS statement_search_add ON statement")
            op.execute(SEARCH_TRIGGER)
        if dialect != "sqlite" and not _has_check():
            steps.reached(f"add constraint {CHECK_NAME}")
            op.execute(f"ALTER TABLE statement ADD CONSTRAINT {CHECK_NAME} "
                       f"CHECK ({RETRACTED_AFTER_RECORDING})")  # fmt: skip


def downgrade() -> None:
    with steps.marked(revision, revision):
        dialect = _dialect()
        if dialect != "sqlite" and _has_check():
            steps.reached(f"drop constraint {CHECK_NAME}")
            op.execute(f"ALTER TABLE statement DROP CONSTRAINT {CHECK_NAME}")
        if dialect == "mysql":
            steps.reached("drop procedure merge_record")
            op.execute("DROP PROCEDURE IF EXISTS merge_record")
            _drop_trigger("statement_guard", "statement")
        elif dialect == "sqlite":
            _drop_trigger("statement_insert_guard", "statement")
            _drop_trigger("statement_guard", "statement")
        else:
            steps.reached("search: deferred by any role")
            op.execute("GRANT EXECUTE ON FUNCTION statement_search_defer(integer) TO PUBLIC")
            op.execute("DROP TRIGGER IF EXISTS statement_search_add ON statement")
            op.execute(steps.script("0005").TRIGGER)
            for table in ("party", "issue"):
                _drop_trigger(f"{table}_merged_away", table)
            steps.reached("drop functions record_merged_away and merge_record")
            op.execute("DROP FUNCTION IF EXISTS record_merged_away()")
            op.execute("DROP FUNCTION IF EXISTS merge_record(text, integer, integer, boolean)")
            _drop_trigger("statement_append_only", "statement")
        if steps.has_column("statement", "negated"):
            _forget_negations()
        made = steps.script("0004").OBJECTS[dialect]  # 0004's guard, as it made it
        if dialect == "postgresql":
            steps.reached("restore function statement_append_only")
            op.execute(made["function statement_append_only"][0])
            _create_trigger("statement_append_only", PG_ROW_TRIGGER)
        else:
            _create_trigger("statement_never_changed", made["trigger statement_never_changed"][0])
        steps.drop_table("statement_move")
        steps.drop_column("issue", "merge_negates")
        steps.drop_column("statement", "negated")


# What this revision makes, by backend, each trigger's or routine's statements:
# `tracker db upgrade` makes one again where a restore left it out (tracker/db/objects.py).
OBJECTS = {
    "sqlite": {"trigger statement_guard": (SQLITE_GUARD,),
               "trigger statement_insert_guard": (SQLITE_ADDED,)},
    "postgresql": {
        "function statement_append_only": (PG_GUARD,),
        "function record_merged_away": (PG_MERGED_AWAY,),
        "function merge_record": (PG_MERGE, PG_MERGE_PRIVATE),
        "trigger statement_append_only": (PG_ROW_TRIGGER,),
        **{f"trigger {ddl.split()[3]}": (ddl,) for ddl in PG_MERGED_AWAY_TRIGGERS},
        "trigger statement_search_add": (SEARCH_TRIGGER,),
    },
    "mysql": {"trigger statement_guard": (MYSQL_GUARD,), "procedure merge_record": (MYSQL_MERGE,)},
}  # fmt: skip


# --- forgetting negations ---------------------------------------------------------

_statement = sa.table(
    "statement",
    sa.column("id", sa.Integer()),
    sa.column("score", sa.Integer()),
    sa.column("stated_on", sa.Date()),
    sa.column("summary", sa.Text()),
    sa.column("quote", sa.Text()),
    sa.column("speaker", sa.Text()),
    sa.column("source", sa.Text()),
    sa.column("basis", sa.String()),
    sa.column("conditions", sa.Text()),
    sa.column("fingerprint", sa.String()),
    sa.column("negated", sa.Boolean()),
)


def _fingerprint(row: Any) -> str:
    """0003's fingerprint: the content, its fields joined by NUL."""
    _, score, day, summary, quote, speaker, source, basis, conditions = row
    day = day if isinstance(day, str) else day.isoformat()
    fields = (str(score), day, summary, quote or "", speaker or "", source or "", basis,
              conditions or "")  # fmt: skip
    return hashlib.blake2b("\0".join(fields).encode("utf-8"), digest_size=16).hexdigest()


def _forget_negations() -> None:
    """Below this revision a statement's fingerprint is of its content as it
    stands: a negated statement keeps its stance under the issue it was
    merged into, and its fingerprint is made of that stance (negated: no
    more). One transaction; the same result however often it runs."""
    bind = op.get_bind()
    s = _statement.c
    content = (s.score, s.stated_on, s.summary, s.quote, s.speaker, s.source, s.basis, s.conditions)
    query = sa.select(s.id, *content).where(s.negated.is_(sa.true())).order_by(s.id).limit(BATCH)
    update = (
        _statement.update()
        .where(s.id == sa.bindparam("row_id"))
        .values(fingerprint=sa.bindparam("fp"), negated=sa.false())
    )
    with steps.rewrite("negations"):
        while True:
            rows: Sequence[Any] = bind.execute(query).all()
            if not rows:
                return
            bind.execute(update, [{"row_id": r[0], "fp": _fingerprint(r)} for r in rows])
            steps.reached(f"negations after id {rows[-1][0]}")
