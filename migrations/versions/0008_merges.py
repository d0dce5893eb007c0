"""Merges the ledger can tell from forgeries, negated merges, and search
that no writer can leave behind.

- `issue merge FROM INTO --negate` (FROM asks the opposite question): FROM's
  statements move to INTO with their stance's sign changed. The ledger keeps
  that honest: `statement.negated` says a statement's stance is the opposite
  of the one it was logged with (its fingerprint, of the content as logged,
  never changes), and the guard lets `score` change only to its opposite,
  with `negated` flipping, in a move into an issue whose `merge_negates` the
  merge set beside `merged_into`.
- A move must be part of a real merge. PostgreSQL: a deferred constraint
  trigger on party and issue refuses, at commit, a transaction that set
  `merged_into` on a record still there (the merge deletes it). MySQL and
  MariaDB have no deferred triggers: the procedure `merge_record`, run with
  its owner's rights, moves the statements and deletes the record in one
  call, and writers get UPDATE on a statement's retraction columns only
  (docs/teams.md). SQLite has no roles: whoever has the file owns it.
- A retraction is never dated before its statement was recorded.
- PostgreSQL: only the owner may defer the search index (`tracker.search`,
  `statement_search_defer`); a writer's statements are indexed as they are
  added, so none is left that no search finds.

The trigger SQL is copied here, not imported: a migration's meaning must not
change with later code. Every step skips itself when done (tracker.db.steps),
and `upgrade()` finishes from any point of itself or of `downgrade()`.

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

# --- the guard on statement -------------------------------------------------

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


def _allowed(same: str, old: str, new: str, true: str, false: str) -> str:
    """The condition an UPDATE of a statement must meet, in SQL: `same` is the
    null-safe equality (a template `{a} IS {b}`), `old`/`new` the row
    prefixes, `true`/`false` the dialect's boolean literals."""

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
    party = f"({eq('party_id')} OR {into('party_id', 'party')})"
    kept = f"({eq('score')} AND {eq('negated')})"
    negates = (
        f"COALESCE((SELECT merge_negates FROM issue WHERE id = {old}.issue_id), {false}) = {true}"
    )
    flipped = f"({new}.score = -{old}.score AND {new}.negated <> {old}.negated)"
    issue = (
        f"(({eq('issue_id')} AND {kept}) OR (NOT {eq('issue_id')} AND {into('issue_id', 'issue')} "
        f"AND (({negates} AND {flipped}) OR (NOT ({negates}) AND {kept}))))"
    )
    return f"{fixed} AND {retraction} AND {party} AND {issue}"


SQLITE_GUARD = (
    "CREATE TRIGGER statement_guard BEFORE UPDATE ON statement "
    f"WHEN NOT ({_allowed('{a} IS {b}', 'OLD', 'NEW', '1', '0')}) BEGIN "
    f"SELECT RAISE(ABORT, '{CHANGED}'); END"
)
MYSQL_GUARD = (
    "CREATE TRIGGER statement_guard BEFORE UPDATE ON statement FOR EACH ROW "
    f"BEGIN IF NOT ({_allowed('{a} <=> {b}', 'OLD', 'NEW', '1', '0')}) THEN "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{CHANGED}'; END IF; END"
)
PG_DELETED = "statements are never deleted: retract one instead (tracker retract)"
PG_GUARD = (
    "CREATE OR REPLACE FUNCTION statement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP IN ('DELETE', 'TRUNCATE') THEN "
    f"RAISE EXCEPTION '{PG_DELETED}' USING ERRCODE = 'check_violation'; END IF; "
    f"IF NOT ({_allowed('{a} IS NOT DISTINCT FROM {b}', 'OLD', 'NEW', 'TRUE', 'FALSE')}) THEN "
    f"RAISE EXCEPTION '{CHANGED}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$"
)
PG_ROW_TRIGGER = (
    "CREATE TRIGGER statement_append_only BEFORE UPDATE OR DELETE ON statement "
    "FOR EACH ROW EXECUTE FUNCTION statement_append_only()"
)
# A record marked merged must be gone when its transaction commits.
PG_MERGED_AWAY = (
    "CREATE OR REPLACE FUNCTION record_merged_away() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF (TG_TABLE_NAME = 'party' AND EXISTS (SELECT 1 FROM party WHERE id = NEW.id)) "
    "OR (TG_TABLE_NAME = 'issue' AND EXISTS (SELECT 1 FROM issue WHERE id = NEW.id)) THEN "
    f"RAISE EXCEPTION '{MERGED_AWAY}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NULL; END $$"
)


def _pg_merged_away_trigger(table: str) -> str:
    return (
        f"CREATE CONSTRAINT TRIGGER {table}_merged_away AFTER INSERT OR UPDATE OF merged_into "
        f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "WHEN (NEW.merged_into IS NOT NULL) EXECUTE FUNCTION record_merged_away()"
    )


# MySQL, MariaDB: the one way a statement moves, with its owner's rights.
# Any failure inside undoes the whole transaction: no move without its
# record's deletion.
MYSQL_MERGE = (
    "CREATE PROCEDURE merge_record(IN kind VARCHAR(8), IN source INT, IN target INT, "
    "IN negate BOOLEAN) MODIFIES SQL DATA SQL SECURITY DEFINER "
    "BEGIN "
    "DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; "
    "IF source = target THEN "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a record is not merged into itself'; END IF; "
    "IF kind = 'party' THEN "
    "UPDATE party SET merged_into = target WHERE id = source; "
    "UPDATE statement SET party_id = target WHERE party_id = source; "
    "DELETE FROM party WHERE id = source; "
    "ELSEIF kind = 'issue' THEN "
    "UPDATE issue SET merged_into = target, merge_negates = negate WHERE id = source; "
    "UPDATE statement SET issue_id = target, score = IF(negate, -score, score), "
    "negated = IF(negate, NOT negated, negated) WHERE issue_id = source; "
    "DELETE FROM issue WHERE id = source; "
    "ELSE SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'merge_record: party or issue'; END IF; "
    "END"
)

# --- PostgreSQL's search index: deferred by its owner only --------------------

SEARCH_TRIGGER = (
    "CREATE TRIGGER statement_search_add AFTER INSERT ON statement FOR EACH ROW "
    "WHEN (current_setting('tracker.search', true) IS DISTINCT FROM 'deferred' "
    "OR NOT has_function_privilege('statement_search_defer(integer)'::regprocedure, 'EXECUTE')) "
    "EXECUTE FUNCTION statement_search_add()"
)

# --- what 0004 and 0005 made, for the downgrade (copied, not imported) --------

FIXED_0004 = (
    "id", "score", "stated_on", "summary", "quote", "speaker", "source", "basis",
    "conditions", "recorded_at", "recorded_by", "fingerprint",
)  # fmt: skip


def _allowed_0004(same: str, old: str, new: str) -> str:
    def eq(column: str) -> str:
        return same.format(a=f"{new}.{column}", b=f"{old}.{column}")

    fixed = " AND ".join(eq(c) for c in FIXED_0004)
    retraction = (
        f"(({eq('retracted_at')} AND {eq('retraction_reason')}) OR "
        f"({old}.retracted_at IS NULL AND {new}.retracted_at IS NOT NULL "
        f"AND {new}.retraction_reason IS NOT NULL))"
    )
    moved = " AND ".join(
        f"({eq(column)} OR "
        + same.format(
            a=f"{new}.{column}", b=f"(SELECT merged_into FROM {table} WHERE id = {old}.{column})"
        )
        + ")"
        for column, table in (("party_id", "party"), ("issue_id", "issue"))
    )
    return f"{fixed} AND {retraction} AND {moved}"


SQLITE_0004 = (
    "CREATE TRIGGER statement_never_changed BEFORE UPDATE ON statement "
    f"WHEN NOT ({_allowed_0004('{a} IS {b}', 'OLD', 'NEW')}) BEGIN "
    f"SELECT RAISE(ABORT, '{CHANGED}'); END"
)
MYSQL_0004 = (
    "CREATE TRIGGER statement_never_changed BEFORE UPDATE ON statement FOR EACH ROW "
    f"BEGIN IF NOT ({_allowed_0004('{a} <=> {b}', 'OLD', 'NEW')}) THEN "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{CHANGED}'; END IF; END"
)
PG_0004 = (
    "CREATE OR REPLACE FUNCTION statement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP IN ('DELETE', 'TRUNCATE') THEN "
    f"RAISE EXCEPTION '{PG_DELETED}' USING ERRCODE = 'check_violation'; END IF; "
    f"IF NOT ({_allowed_0004('{a} IS NOT DISTINCT FROM {b}', 'OLD', 'NEW')}) THEN "
    f"RAISE EXCEPTION '{CHANGED}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$"
)
SEARCH_TRIGGER_0005 = (
    "CREATE TRIGGER statement_search_add AFTER INSERT ON statement FOR EACH ROW "
    "WHEN (current_setting('tracker.search', true) IS DISTINCT FROM 'deferred') "
    "EXECUTE FUNCTION statement_search_add()"
)


# --- the steps ----------------------------------------------------------------


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _triggers() -> set[str]:
    query = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
        "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "mysql": "SELECT trigger_name FROM information_schema.triggers "
        "WHERE trigger_schema = DATABASE()",
    }[_dialect()]
    return {str(row[0]) for row in op.get_bind().exec_driver_sql(query)}


def _has_procedure() -> bool:
    query = (
        "SELECT 1 FROM information_schema.routines WHERE routine_schema = DATABASE() "
        "AND routine_name = 'merge_record'"
    )
    return op.get_bind().exec_driver_sql(query).first() is not None


def _create_trigger(name: str, sql: str) -> None:
    if name not in _triggers():
        steps.reached(f"create trigger {name}")
        op.execute(sql)


def _drop_trigger(name: str, table: str) -> None:
    if name in _triggers():
        steps.reached(f"drop trigger {name}")
        on = f" ON {table}" if _dialect() == "postgresql" else ""
        op.execute(f"DROP TRIGGER {name}{on}")


def upgrade() -> None:
    with steps.marked(revision, down_revision):
        dialect = _dialect()
        steps.add_column(
            "statement",
            sa.Column("negated", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
        steps.add_column("issue", sa.Column("merge_negates", sa.Boolean(), nullable=True))
        if dialect == "sqlite":
            _drop_trigger("statement_never_changed", "statement")
            _create_trigger("statement_guard", SQLITE_GUARD)
        elif dialect == "mysql":
            _create_trigger("statement_guard", MYSQL_GUARD)
            _drop_trigger("statement_never_changed", "statement")
            if not _has_procedure():
                steps.reached("create procedure merge_record")
                op.execute(MYSQL_MERGE)
        else:  # one transaction: each statement as often as it takes
            steps.reached("replace function statement_append_only")
            op.execute(PG_GUARD)
            _create_trigger("statement_append_only", PG_ROW_TRIGGER)
            steps.reached("create function record_merged_away")
            op.execute(PG_MERGED_AWAY)
            for table in ("party", "issue"):
                _create_trigger(f"{table}_merged_away", _pg_merged_away_trigger(table))
            steps.reached("search: deferred by the owner only")
            op.execute("REVOKE EXECUTE ON FUNCTION statement_search_defer(integer) FROM PUBLIC")
            op.execute("DROP TRIGGER IF EXISTS statement_search_add ON statement")
            op.execute(SEARCH_TRIGGER)


def downgrade() -> None:
    with steps.marked(revision, revision):
        dialect = _dialect()
        if dialect == "mysql":
            steps.reached("drop procedure merge_record")
            op.execute("DROP PROCEDURE IF EXISTS merge_record")
            _drop_trigger("statement_guard", "statement")
        elif dialect == "sqlite":
            _drop_trigger("statement_guard", "statement")
        else:
            steps.reached("search: deferred by any role")
            op.execute("GRANT EXECUTE ON FUNCTION statement_search_defer(integer) TO PUBLIC")
            op.execute("DROP TRIGGER IF EXISTS statement_search_add ON statement")
            op.execute(SEARCH_TRIGGER_0005)
            for table in ("party", "issue"):
                _drop_trigger(f"{table}_merged_away", table)
            steps.reached("drop function record_merged_away")
            op.execute("DROP FUNCTION IF EXISTS record_merged_away()")
            _drop_trigger("statement_append_only", "statement")
        if steps.has_column("statement", "negated"):
            _forget_negations()
        if dialect == "mysql":
            _create_trigger("statement_never_changed", MYSQL_0004)
        elif dialect == "sqlite":
            _create_trigger("statement_never_changed", SQLITE_0004)
        else:
            steps.reached("restore function statement_append_only")
            op.execute(PG_0004)
            _create_trigger("statement_append_only", PG_ROW_TRIGGER)
        steps.drop_column("issue", "merge_negates")
        steps.drop_column("statement", "negated")


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
