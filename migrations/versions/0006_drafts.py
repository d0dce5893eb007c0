"""Drafts: the texts under negotiation, their versions, and the issues their
points settle.

- New tables: draft, draft_version (each version's text verbatim), its
  parties (draft_version_party) and the links of its points to issues
  (draft_link).
- A version is append-only, as the ledger's statements are (revision
  0004): triggers refuse, for every role, any DELETE of a version (and a
  TRUNCATE on PostgreSQL) and any UPDATE but its first withdrawal, with a
  reason. Its text, label, date, source and draft, who recorded it and
  when, and a withdrawal once made, never change. Links and the parties of
  a version are not guarded: `draft link`/`unlink` correct the links, and
  merges move both.

Each step is skipped when already done (tracker.db.steps), so a kill at any
step leaves a database `db upgrade` finishes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from tracker.db import steps

# The lead re-chains the revisions at merge time: these two lines say where
# this one stands (and SCHEMA_REVISIONS in tracker/db/state.py).
revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}
TABLES = ("draft_link", "draft_version_party", "draft_version", "draft")  # children first

# --- the guard on versions ----------------------------------------------------

FIXED = (
    "id", "draft_id", "label", "dated_on", "source", "body", "recorded_at", "recorded_by",
)  # fmt: skip
DELETED = "draft versions are never deleted: withdraw one instead (tracker draft withdraw)"
# MySQL's MESSAGE_TEXT holds 128 characters.
CHANGED = "draft versions are never changed, only withdrawn once (tracker draft withdraw)"


def _allowed(same: str, old: str, new: str) -> str:
    """The condition an UPDATE must meet, `same` the null-safe equality (a
    template `{a} IS {b}`), `old`/`new` the row prefixes."""

    def eq(column: str) -> str:
        return same.format(a=f"{new}.{column}", b=f"{old}.{column}")

    fixed = " AND ".join(eq(c) for c in FIXED)
    withdrawal = (
        f"(({eq('withdrawn_at')} AND {eq('withdrawal_reason')}) OR "
        f"({old}.withdrawn_at IS NULL AND {new}.withdrawn_at IS NOT NULL "
        f"AND {new}.withdrawal_reason IS NOT NULL))"
    )
    return f"{fixed} AND {withdrawal}"


SQLITE = (
    "CREATE TRIGGER draft_version_never_deleted BEFORE DELETE ON draft_version BEGIN "
    f"SELECT RAISE(ABORT, '{DELETED}'); END",
    "CREATE TRIGGER draft_version_never_changed BEFORE UPDATE ON draft_version "
    f"WHEN NOT ({_allowed('{a} IS {b}', 'OLD', 'NEW')}) BEGIN "
    f"SELECT RAISE(ABORT, '{CHANGED}'); END",
)
POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION draft_version_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP IN ('DELETE', 'TRUNCATE') THEN "
    f"RAISE EXCEPTION '{DELETED}' USING ERRCODE = 'check_violation'; END IF; "
    f"IF NOT ({_allowed('{a} IS NOT DISTINCT FROM {b}', 'OLD', 'NEW')}) THEN "
    f"RAISE EXCEPTION '{CHANGED}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$"
)
POSTGRESQL = (
    "CREATE TRIGGER draft_version_append_only BEFORE UPDATE OR DELETE ON draft_version "
    "FOR EACH ROW EXECUTE FUNCTION draft_version_append_only()",
    "CREATE TRIGGER draft_version_never_truncated BEFORE TRUNCATE ON draft_version "
    "FOR EACH STATEMENT EXECUTE FUNCTION draft_version_append_only()",
)
MYSQL_TRIGGERS = (
    "CREATE TRIGGER draft_version_never_deleted BEFORE DELETE ON draft_version FOR EACH ROW "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{DELETED}'",
    "CREATE TRIGGER draft_version_never_changed BEFORE UPDATE ON draft_version FOR EACH ROW "
    f"BEGIN IF NOT ({_allowed('{a} <=> {b}', 'OLD', 'NEW')}) THEN "
    f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{CHANGED}'; END IF; END",
)

# What this revision makes, by backend, each trigger's or routine's statements
# (tracker/db/objects.py).
OBJECTS = {
    "sqlite": {f"trigger {ddl.split()[2]}": (ddl,) for ddl in SQLITE},
    "postgresql": {
        "function draft_version_append_only": (POSTGRESQL_FUNCTION,),
        **{f"trigger {ddl.split()[2]}": (ddl,) for ddl in POSTGRESQL},
    },
    "mysql": {f"trigger {ddl.split()[2]}": (ddl,) for ddl in MYSQL_TRIGGERS},
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name == "mariadb" else name


def _triggers() -> set[str]:
    dialect = _dialect()
    if dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    elif dialect == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = (
            "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
        )
    return {str(row[0]) for row in op.get_bind().exec_driver_sql(query)}


def _guard() -> None:
    dialect = _dialect()
    have = _triggers()
    ddl = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL_TRIGGERS}[dialect]
    if dialect == "postgresql":
        steps.reached("create function draft_version_append_only")
        op.execute(POSTGRESQL_FUNCTION)  # CREATE OR REPLACE: as often as it takes
    for statement in ddl:
        name = statement.split()[2]
        if name not in have:
            steps.reached(f"create trigger {name}")
            op.execute(statement)


def _unguard() -> None:
    dialect = _dialect()
    have = _triggers()
    ddl = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL_TRIGGERS}[dialect]
    for statement in ddl:
        name = statement.split()[2]
        if name in have:
            steps.reached(f"drop trigger {name}")
            on = " ON draft_version" if dialect == "postgresql" else ""
            op.execute(f"DROP TRIGGER {name}{on}")
    if dialect == "postgresql":
        steps.reached("drop function draft_version_append_only")
        op.execute("DROP FUNCTION IF EXISTS draft_version_append_only()")


# --- the tables ---------------------------------------------------------------


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="RESTRICT"
    )


def _tables() -> None:
    steps.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", LONG_TEXT, nullable=True),
        sa.Column("recorded_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("slug", name=op.f("uq_draft_slug")),
        **MYSQL,
    )
    steps.create_table(
        "draft_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
        sa.Column("source", LONG_TEXT, nullable=True),
        sa.Column("body", LONG_TEXT, nullable=False),
        sa.Column("recorded_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("withdrawn_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("withdrawal_reason", LONG_TEXT, nullable=True),
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR withdrawal_reason IS NOT NULL",
            name=op.f("ck_draft_version_withdrawal_reason"),
        ),
        _fk("draft_version", "draft_id", "draft"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_version")),
        sa.UniqueConstraint("draft_id", "label", name=op.f("uq_draft_version_draft_id")),
        **MYSQL,
    )
    steps.create_index("ix_draft_version_order", "draft_version", ["draft_id", "dated_on", "id"])
    steps.create_table(
        "draft_version_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        _fk("draft_version_party", "version_id", "draft_version"),
        _fk("draft_version_party", "party_id", "party"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_version_party")),
        sa.UniqueConstraint(
            "version_id", "party_id", name=op.f("uq_draft_version_party_version_id")
        ),
        **MYSQL,
    )
    steps.create_index(op.f("ix_draft_version_party_party_id"), "draft_version_party", ["party_id"])
    steps.create_table(
        "draft_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=9), nullable=False),
        sa.CheckConstraint(
            "origin IN ('found', 'inherited', 'linked')", name=op.f("ck_draft_link_origin_known")
        ),
        _fk("draft_link", "version_id", "draft_version"),
        _fk("draft_link", "issue_id", "issue"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_link")),
        sa.UniqueConstraint(
            "version_id", "position", "issue_id", name=op.f("uq_draft_link_version_id")
        ),
        **MYSQL,
    )
    steps.create_index(op.f("ix_draft_link_issue_id"), "draft_link", ["issue_id"])


def upgrade() -> None:
    # Each step is skipped when done: see tracker.db.steps.
    with steps.marked(revision, down_revision):
        _tables()
        _guard()


def downgrade() -> None:
    with steps.marked(revision, revision):
        _unguard()  # the versions' rows go with their table
        for table in TABLES:
            steps.drop_table(table)
