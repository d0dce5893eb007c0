"""Serving a team: accounts, their sign-in sessions and API tokens, failed
log-ins (for throttling), and the data's version (what the server keys its
cache by, and what a page open in a browser polls).

- account (name, role, argon2id password hash), account_session (the SHA-256
  of the cookie's key, the form token, when made, when last seen),
  account_token (the SHA-256 of an API token), login_failure (name, when).
- data_version: one row, (epoch, counter). `Database.session` adds one to
  the counter in every transaction that writes data; the epoch is drawn
  here, so that a version seen before a downgrade and upgrade never comes
  back.

Each step skips itself when done (tracker.db.steps), so a kill part way is
finished by `db upgrade`. The ledger's guard (0004) is untouched.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from tracker.db import steps

# The one place this script's place in the chain is written.
revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
MYSQL: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}
# Children before their parents: the order they are dropped in.
TABLES = ("data_version", "login_failure", "account_token", "account_session", "account")


def _owned(name: str, *columns: sa.Column[Any]) -> None:
    """A table of rows that belong to an account, removed with it."""
    steps.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        *columns,
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f(f"fk_{name}_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("key_hash", name=op.f(f"uq_{name}_key_hash")),
        **MYSQL,
    )
    steps.create_index(op.f(f"ix_{name}_account_id"), name, ["account_id"])


def upgrade() -> None:
    with steps.marked(revision, down_revision):
        steps.create_table(
            "account",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("role", sa.String(length=8), nullable=False),
            sa.Column("password_hash", sa.String(length=200), nullable=False),
            sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
            sa.CheckConstraint(
                "role IN ('reader', 'writer', 'admin')", name=op.f("ck_account_role_known")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
            sa.UniqueConstraint("name", name=op.f("uq_account_name")),
            **MYSQL,
        )
        _owned(
            "account_session",
            sa.Column("csrf_token", sa.String(length=64), nullable=False),
            sa.Column("seen_at", UTC_TIMESTAMP, nullable=False),
        )
        _owned("account_token")
        steps.create_table(
            "login_failure",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("failed_at", UTC_TIMESTAMP, nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
            **MYSQL,
        )
        steps.create_index("ix_login_failure_name", "login_failure", ["name", "failed_at"])
        steps.create_table(
            "data_version",
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("epoch", sa.String(length=32), nullable=False),
            sa.Column("counter", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
            **MYSQL,
        )
        bind = op.get_bind()
        if bind.exec_driver_sql("SELECT count(*) FROM data_version").scalar() == 0:
            with steps.rewrite("data_version"):
                bind.execute(
                    sa.text("INSERT INTO data_version (id, epoch, counter) VALUES (1, :e, 0)"),
                    {"e": uuid.uuid4().hex},
                )


def downgrade() -> None:
    with steps.marked(revision, revision):
        for name in TABLES:
            steps.drop_table(name)
