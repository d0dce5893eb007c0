"""The ledger is append-only in the database itself, for every role.

Triggers refuse any DELETE of a statement, and any UPDATE but two: setting
its retraction (retracted_at and retraction_reason) once, where it had none,
and moving it to the party or issue its own is being merged into (the merge
sets party.merged_into or issue.merged_into first, in the same
transaction). Nothing else of a statement can change: not its words, its
stance, its dates, who recorded it and when, nor a retraction once made.
PostgreSQL refuses TRUNCATE too.

A migration that must rewrite statements runs below this one in the chain,
or lifts the guard as this one's downgrade does; an administrator who must
correct a statement on purpose does the same (docs/teams.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from tracker.db import steps

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What may never change in a statement.
FIXED = (
    "id", "score", "stated_on", "summary", "quote", "speaker", "source", "basis",
    "conditions", "recorded_at", "recorded_by", "fingerprint",
)  # fmt: skip
DELETED = "statements are never deleted: retract one instead (tracker retract)"
# MySQL's MESSAGE_TEXT holds 128 characters.
CHANGED = "statements are never changed, only retracted once (tracker retract) or moved by a merge"


def _allowed(same: str, old: str, new: str) -> str:
    """The condition an UPDATE must meet, in SQL where `same` is the null-safe
    equality (a template `{a} IS {b}`) and `old`/`new` the row prefixes."""

    def eq(column: str) -> str:
        return same.format(a=f"{new}.{column}", b=f"{old}.{column}")

    fixed = " AND ".join(eq(c) for c in FIXED)
    retraction = (
        f"(({eq('retracted_at')} AND {eq('retraction_reason')}) OR "
        f"({old}.retracted_at IS NULL AND {new}.retracted_at IS NOT NULL "
        f"AND {new}.retraction_reason IS NOT NULL))"
    )
    # Null-safe here too: where the party is not being merged, merged_into is
    # NULL, and `x = NULL` would make the whole condition NULL, which lets
    # the row through.
    moved = " AND ".join(
        f"({eq(column)} OR "
        + same.format(
            a=f"{new}.{column}", b=f"(SELECT merged_into FROM {table} WHERE id = {old}.{column})"
        )
        + ")"
        for column, table in (("party_id", "party"), ("issue_id", "issue"))
    )
    return f"{fixed} AND {retraction} AND {moved}"


SQLITE = (
    "CREATE TRIGGER statement_never_deleted BEFORE DELETE ON statement BEGIN "
    f"SELECT RAISE(ABORT, '{DELETED}'); END",
    "CREATE TRIGGER statement_never_changed BEFORE UPDATE ON statement "
    f"WHEN NOT ({_allowed('{a} IS {b}', 'OLD', 'NEW')}) BEGIN "
    f"SELECT RAISE(ABORT, '{CHANGED}'); END",
)

POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION statement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP IN ('DELETE', 'TRUNCATE') THEN "
    f"RAISE EXCEPTION '{DELETED}' USING ERRCODE = 'check_violation'; END IF; "
    f"IF NOT ({_allowed('{a} IS NOT DISTINCT FROM {b}', 'OLD', 'NEW')}) THEN "
    f"RAISE EXCEPTION '{CHANGED}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER statement_append_only BEFORE UPDATE OR DELETE ON statement "
    "FOR EACH ROW EXECUTE FUNCTION statement_append_only()",
    "CREATE TRIGGER statement_never_truncated BEFORE TRUNCATE ON statement "
    "FOR EACH STATEMENT EXECUTE FUNCTION statement_append_only()",
)

MYSQL = (
    "CREATE TRIGGER statement_never_deleted BEFORE DELETE ON statement FOR EACH ROW "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{DELETED}'",
    "CREATE TRIGGER statement_never_changed BEFORE UPDATE ON statement FOR EACH ROW "
    f"BEGIN IF NOT ({_allowed('{a} <=> {b}', 'OLD', 'NEW')}) THEN "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{CHANGED}'; END IF; END",
)

# What this revision makes, by backend, each trigger's or routine's statements
# (tracker/db/objects.py; 0008 puts its guard back with them).
OBJECTS = {
    "sqlite": {f"trigger {ddl.split()[2]}": (ddl,) for ddl in SQLITE},
    "postgresql": {
        "function statement_append_only": (POSTGRESQL[0],),
        **{f"trigger {ddl.split()[2]}": (ddl,) for ddl in POSTGRESQL[1:]},
    },
    "mysql": {f"trigger {ddl.split()[2]}": (ddl,) for ddl in MYSQL},
}

TRIGGERS = {
    "sqlite": ("statement_never_deleted", "statement_never_changed"),
    "postgresql": ("statement_append_only", "statement_never_truncated"),
    "mysql": ("statement_never_deleted", "statement_never_changed"),
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _triggers() -> set[str]:
    bind = op.get_bind()
    dialect = _dialect()
    if dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    elif dialect == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'statement'::regclass"
    else:
        query = (
            "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
        )
    return {str(row[0]) for row in bind.exec_driver_sql(query)}


def upgrade() -> None:
    # Each trigger is made only if missing: see tracker.db.steps.
    with steps.marked(revision, down_revision):
        dialect = _dialect()
        have = _triggers()
        ddl = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL}[dialect]
        if dialect == "postgresql":
            steps.reached("create function statement_append_only")
            op.execute(ddl[0])  # CREATE OR REPLACE: as often as it takes
            ddl = ddl[1:]
        for statement in ddl:
            name = statement.split()[2]
            if name not in have:
                steps.reached(f"create trigger {name}")
                op.execute(statement)


def downgrade() -> None:
    with steps.marked(revision, revision):
        dialect = _dialect()
        have = _triggers()
        for name in TRIGGERS[dialect]:
            if name in have:
                steps.reached(f"drop trigger {name}")
                on = " ON statement" if dialect == "postgresql" else ""
                op.execute(f"DROP TRIGGER {name}{on}")
        if dialect == "postgresql":
            steps.reached("drop function statement_append_only")
            op.execute("DROP FUNCTION IF EXISTS statement_append_only()")
