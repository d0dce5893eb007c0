"""The catalog kept right: people and their affiliations, issue aliases and
keywords, every change as a revision, merges; full-text search; content
fingerprints that do not depend on the slugs.

- New tables: issue_alias, issue_keyword, person, person_alias, affiliation,
  revision; party.merged_into and issue.merged_into (set only while a merge
  moves statements).
- The fingerprint hashes a statement's content without its party and issue
  (an import compares it together with the party and issue ids): a party or
  an issue can then be renamed or merged without touching its statements.
  Every stored fingerprint is recomputed, in both directions.
- Search: SQLite, an FTS5 table over the statements' text, kept in step by a
  trigger; PostgreSQL, a GIN index of their tsvector; MariaDB and MySQL, a
  FULLTEXT index of a generated copy of the text (search_text) in a
  case-insensitive collation.

Each step is skipped when already done (tracker.db.steps), so the migration
can be run again from any point of its upgrade or its downgrade, and `db
upgrade` finishes one a kill interrupted (MariaDB commits DDL at once).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from tracker.db import steps

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
UTC_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
MYSQL: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}
TEXT = ("summary", "quote", "speaker", "conditions")  # what search reads
# PostgreSQL's document of a statement, as the index and the queries spell it.
PG_DOCUMENT = (
    "to_tsvector('simple', " + " || ' ' || ".join(f"coalesce({c}, '')" for c in TEXT) + ")"
)


def _inspector() -> sa.Inspector:
    return sa.inspect(op.get_bind())


def _has_table(name: str) -> bool:
    return _inspector().has_table(name)


def _has_column(table: str, column: str) -> bool:
    return column in {c["name"] for c in _inspector().get_columns(table)}


def _has_index(table: str, name: str) -> bool:
    return name in {i["name"] for i in _inspector().get_indexes(table)}


def _name_table(name: str, owner: str) -> None:
    """An alias table: another name (`alias`) of an `owner` record, case-folded in `key`."""
    steps.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            [f"{owner}_id"],
            [f"{owner}.id"],
            name=op.f(f"fk_{name}_{owner}_id_{owner}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("key", name=op.f(f"uq_{name}_key")),
        **MYSQL,
    )
    steps.create_index(op.f(f"ix_{name}_{owner}_id"), name, [f"{owner}_id"])


def _merged_into(table: str) -> None:
    # A plain column (no foreign key): SQLite adds and drops it in place, where
    # a constraint would make it rebuild a table that statements refer to.
    if not _has_column(table, "merged_into"):
        steps.reached(f"add column {table}.merged_into")
        op.add_column(table, sa.Column("merged_into", sa.Integer(), nullable=True))


def _catalog_tables() -> None:
    _merged_into("party")
    _merged_into("issue")
    _name_table("issue_alias", "issue")
    steps.create_table(
        "issue_keyword",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_keyword_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_keyword")),
        sa.UniqueConstraint("issue_id", "key", name=op.f("uq_issue_keyword_issue_id")),
        **MYSQL,
    )
    steps.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("key", name=op.f("uq_person_key")),
        **MYSQL,
    )
    _name_table("person_alias", "person")
    steps.create_table(
        "affiliation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on",
            name=op.f("ck_affiliation_span_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
            name=op.f("fk_affiliation_party_id_party"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_affiliation_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliation")),
        **MYSQL,
    )
    steps.create_index(op.f("ix_affiliation_party_id"), "affiliation", ["party_id"])
    steps.create_index(op.f("ix_affiliation_person_id"), "affiliation", ["person_id"])
    steps.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("old", LONG_TEXT, nullable=True),
        sa.Column("new", LONG_TEXT, nullable=True),
        sa.Column("recorded_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "kind IN ('party', 'issue', 'person')", name=op.f("ck_revision_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        **MYSQL,
    )
    steps.create_index("ix_revision_record", "revision", ["kind", "record_id", "id"])


def _drop_catalog_tables() -> None:
    for table in ("revision", "affiliation", "person_alias", "person", "issue_keyword"):
        steps.drop_table(table)
    steps.drop_table("issue_alias")
    for table in ("issue", "party"):
        if _has_column(table, "merged_into"):
            steps.reached(f"drop column {table}.merged_into")
            op.drop_column(table, "merged_into")


# --- fingerprints ----------------------------------------------------------

_meta = sa.MetaData()
_party = sa.Table("party", _meta, sa.Column("id", sa.Integer), sa.Column("slug", sa.String))
_issue = sa.Table("issue", _meta, sa.Column("id", sa.Integer), sa.Column("slug", sa.String))
_statement = sa.Table(
    "statement",
    _meta,
    sa.Column("id", sa.Integer),
    sa.Column("party_id", sa.Integer),
    sa.Column("issue_id", sa.Integer),
    sa.Column("score", sa.Integer),
    sa.Column("stated_on", sa.Date),
    *(sa.Column(name, sa.Text) for name in ("summary", "quote", "speaker", "source")),
    sa.Column("basis", sa.String),
    sa.Column("conditions", sa.Text),
    sa.Column("fingerprint", sa.String),
)

# (party slug, issue slug, score, stated_on, summary, quote, speaker, source, basis, conditions)
Content = tuple[str, str, int, dt.date, str, str | None, str | None, str | None, str, str | None]


def _hash(fields: Sequence[str]) -> str:
    return hashlib.blake2b("\0".join(fields).encode("utf-8"), digest_size=16).hexdigest()


def _without_names(content: Content) -> str:
    """This revision's fingerprint: the content only."""
    _, _, score, day, summary, quote, speaker, source, basis, conditions = content
    return _hash(
        (str(score), day.isoformat(), summary, quote or "", speaker or "", source or "", basis,
         conditions or "")
    )  # fmt: skip


def _with_names(content: Content) -> str:
    """0002's fingerprint: the party's and the issue's slugs first."""
    party, issue, *_ = content
    score, day, summary, quote, speaker, source, basis, conditions = content[2:]
    return _hash(
        (party, issue, str(score), day.isoformat(), summary, quote or "", speaker or "",
         source or "", basis, conditions or "")
    )  # fmt: skip


def _recompute(fingerprint: Callable[[Content], str]) -> None:
    """Every fingerprint again, in batches; the same result however often it
    runs, so a rerun after an interruption is harmless."""
    bind = op.get_bind()
    s = _statement
    query = (
        sa.select(
            s.c.id,
            _party.c.slug,
            _issue.c.slug,
            s.c.score,
            s.c.stated_on,
            s.c.summary,
            s.c.quote,
            s.c.speaker,
            s.c.source,
            s.c.basis,
            s.c.conditions,
        )
        .join(_party, _party.c.id == s.c.party_id)
        .join(_issue, _issue.c.id == s.c.issue_id)
        .order_by(s.c.id)
        .limit(BATCH)
    )
    update = (
        s.update().where(s.c.id == sa.bindparam("row_id")).values(fingerprint=sa.bindparam("fp"))
    )
    last = 0
    with steps.rewrite("fingerprints"):
        while True:
            rows: Sequence[Any] = bind.execute(query.where(s.c.id > last)).all()
            if not rows:
                return
            bind.execute(update, [{"row_id": r[0], "fp": fingerprint(tuple(r[1:]))} for r in rows])
            last = rows[-1][0]
            steps.reached(f"fingerprints after id {last}")


# --- search ----------------------------------------------------------------

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE statement_search USING fts5("
    + ", ".join(TEXT)
    + ", content='statement', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
# Statements are never edited, so a new one is all the index must follow;
# a delete (only migrations and downgrades delete) is followed too.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER statement_search_insert AFTER INSERT ON statement BEGIN "
    f"INSERT INTO statement_search(rowid, {', '.join(TEXT)}) "
    f"VALUES (new.id, {', '.join('new.' + c for c in TEXT)}); END",
    "CREATE TRIGGER statement_search_delete AFTER DELETE ON statement BEGIN "
    f"INSERT INTO statement_search(statement_search, rowid, {', '.join(TEXT)}) "
    f"VALUES ('delete', old.id, {', '.join('old.' + c for c in TEXT)}); END",
)


def _search_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        if not _has_table("statement_search"):
            steps.reached("create the search table")
            op.execute(SQLITE_SEARCH)
            op.execute("INSERT INTO statement_search(statement_search) VALUES ('rebuild')")
        if not _has_table("search_state"):
            steps.reached("create search_state")
            # A bulk import leaves the statements from `pending_from` on to be
            # indexed in one pass, by the next search (see core/statement_search.py).
            op.execute("CREATE TABLE search_state (pending_from INTEGER)")
        names = set(sa.inspect(op.get_bind()).get_table_names())
        triggers = {
            row[0]
            for row in op.get_bind().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        assert "statement_search" in names
        for ddl in SQLITE_TRIGGERS:
            if ddl.split()[2] not in triggers:
                steps.reached(f"create trigger {ddl.split()[2]}")
                op.execute(ddl)
    elif dialect == "postgresql":
        steps.reached("create index ix_statement_search")
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_statement_search ON statement USING gin ({PG_DOCUMENT})"
        )
    else:
        # The text columns' binary collation would make FULLTEXT case-sensitive:
        # the index reads a generated copy in a case-insensitive collation.
        if not _has_column("statement", "search_text"):
            steps.reached("add column statement.search_text")
            op.execute(
                "ALTER TABLE statement ADD COLUMN search_text MEDIUMTEXT CHARACTER SET utf8mb4 "
                f"COLLATE utf8mb4_unicode_ci AS (CONCAT_WS(' ', {', '.join(TEXT)})) STORED"
            )
        if not _has_index("statement", "ix_statement_search"):
            steps.reached("create index ix_statement_search")
            op.execute("CREATE FULLTEXT INDEX ix_statement_search ON statement (search_text)")


def _drop_search_index() -> None:
    steps.reached("drop the search index")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for ddl in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {ddl.split()[2]}")
        op.execute("DROP TABLE IF EXISTS search_state")
        op.execute("DROP TABLE IF EXISTS statement_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_statement_search")
    else:
        if _has_index("statement", "ix_statement_search"):
            op.execute("DROP INDEX ix_statement_search ON statement")
        if _has_column("statement", "search_text"):
            op.drop_column("statement", "search_text")


def upgrade() -> None:
    # Each step is skipped when done: see tracker.db.steps.
    with steps.marked(revision, down_revision):
        _catalog_tables()
        _recompute(_without_names)
        _search_index()


def downgrade() -> None:
    with steps.marked(revision, revision):
        _drop_search_index()
        _recompute(_with_names)
        _drop_catalog_tables()
