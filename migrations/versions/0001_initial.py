"""Initial schema: parties and their aliases, issues, statements.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from tracker.db import steps

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelled out here rather than imported from tracker.models: a migration
# must keep meaning what it meant when it was written.
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# Any: create_table takes them as **kw, but its if_not_exists keyword is a bool.
MYSQL: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}


def upgrade() -> None:
    # Each step is skipped when done: see tracker.db.steps.
    with steps.marked(revision, down_revision):
        _create()


def _create() -> None:
    steps.create_table(
        "issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("proposition", LONG_TEXT, nullable=True),
        sa.Column("description", LONG_TEXT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue")),
        sa.UniqueConstraint("slug", name=op.f("uq_issue_slug")),
        **MYSQL,
    )
    steps.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=True),
        sa.Column("description", LONG_TEXT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
        sa.UniqueConstraint("slug", name=op.f("uq_party_slug")),
        **MYSQL,
    )
    steps.create_table(
        "party_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
            name=op.f("fk_party_alias_party_id_party"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_party_alias_key")),
        **MYSQL,
    )
    steps.create_index(op.f("ix_party_alias_party_id"), "party_alias", ["party_id"])
    steps.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("stated_on", sa.Date(), nullable=False),
        sa.Column("summary", LONG_TEXT, nullable=False),
        sa.Column("quote", LONG_TEXT, nullable=True),
        sa.Column("speaker", LONG_TEXT, nullable=True),
        sa.Column("source", LONG_TEXT, nullable=True),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("conditions", LONG_TEXT, nullable=True),
        sa.Column("recorded_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("retracted_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("retraction_reason", LONG_TEXT, nullable=True),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "basis IN ('stated', 'reported', 'inferred')", name=op.f("ck_statement_basis_known")
        ),
        sa.CheckConstraint(
            "retracted_at IS NULL OR retraction_reason IS NOT NULL",
            name=op.f("ck_statement_retraction_reason"),
        ),
        sa.CheckConstraint("score BETWEEN -2 AND 2", name=op.f("ck_statement_score_range")),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_statement_issue_id_issue"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
            name=op.f("fk_statement_party_id_party"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
        **MYSQL,
    )
    steps.create_index(op.f("ix_statement_fingerprint"), "statement", ["fingerprint"])
    steps.create_index(
        "ix_statement_stance",
        "statement",
        ["party_id", "issue_id", "stated_on", "recorded_at", "id"],
    )


def downgrade() -> None:
    with steps.marked(revision, revision):
        for table in ("statement", "party_alias", "party", "issue"):
            steps.drop_table(table)
