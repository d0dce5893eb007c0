"""The tables, in SQLAlchemy Core: what the database holds.

The typed ORM classes in `tracker.db.models` are mapped onto these tables. The
hot paths (add, report, diff, import, export) query the tables directly, so
they neither build the ORM mappings at start-up nor go through the ORM's
per-statement work.

MySQL/MariaDB table options (InnoDB, utf8mb4, binary collation) are set by
the migration, not here: declaring them here would load the MySQL dialect
on every start-up, on every backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeEngine

from tracker.slugs import SLUG_LENGTH

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

# "Stance of P on I as of D": one index seek per pair, newest first. The last
# two columns are not for ordering: they let a report read the visibility and
# the score from the index alone, never from the table.
STANCE_INDEX_NAME = "ix_statement_stance"
STANCE_INDEX = (
    "party_id", "issue_id", "stated_on", "recorded_at", "id", "retracted_at", "score",
)  # fmt: skip
NAME_LENGTH = 200


def _is_mysql(dialect: Dialect) -> bool:
    return dialect.name in ("mysql", "mariadb")


class LongText(TypeDecorator[str]):
    """Text of any length the tool accepts: MEDIUMTEXT on MySQL, whose TEXT holds
    only 64 KiB. (The MySQL dialect is imported only when it is in use.)"""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if _is_mysql(dialect):
            from sqlalchemy.dialects.mysql import MEDIUMTEXT

            return MEDIUMTEXT()
        return Text()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC timestamp, stored naive in UTC, microseconds on every backend."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if _is_mysql(dialect):
            from sqlalchemy.dialects.mysql import DATETIME

            return DATETIME(fsp=6)
        return DateTime()

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite text through a raw query
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


PARTY = Table(
    "party",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(SLUG_LENGTH), nullable=False, unique=True),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("kind", String(SLUG_LENGTH)),
    Column("description", LongText()),
    # Set only while a merge moves this party's statements to another (see
    # `core/merge.py`): the ledger lets a statement be re-pointed only there.
    Column("merged_into", Integer),
)

# Another name a party goes by ("Kyiv"). `key` is the case-folded alias and is
# unique across all parties, so a name points at one party only.
ALIAS = Table(
    "party_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "party_id",
        ForeignKey("party.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

ISSUE = Table(
    "issue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(SLUG_LENGTH), nullable=False, unique=True),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("proposition", LongText()),
    Column("description", LongText()),
    # As party.merged_into.
    Column("merged_into", Integer),
    # Set with merged_into by `issue merge --negate`: the statements moved
    # change the sign of their stance (see STATEMENT's `negated`).
    Column("merge_negates", Boolean),
)

# Another name an issue goes by (a merged issue's slug and title). Like a
# party's aliases: `key` is case-folded and unique.
ISSUE_ALIAS = Table(
    "issue_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("issue_id", ForeignKey("issue.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

# The words and phrases that signal an issue in text ("Donetsk", "line of
# contact"): search widens to them, and the article reader looks for them.
KEYWORD = Table(
    "issue_keyword",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("issue_id", ForeignKey("issue.id", ondelete="CASCADE"), nullable=False),
    Column("keyword", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False),
    UniqueConstraint("issue_id", "key"),
)

# Someone who speaks for a party: a name (unique, case-folded in `key`) and
# the spans of dates they spoke for which party (`AFFILIATION`).
PERSON = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

PERSON_ALIAS = Table(
    "person_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("key", String(NAME_LENGTH), nullable=False, unique=True),
)

# A person spoke for a party from `starts_on` to `ends_on`, both inclusive;
# an absent end is open.
AFFILIATION = Table(
    "affiliation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("party_id", ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("role", String(NAME_LENGTH)),
    Column("starts_on", Date),
    Column("ends_on", Date),
    CheckConstraint(
        "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="span_ordered"
    ),
)

# Every change made to a party, an issue or a person: nothing in the catalog
# is overwritten without a trace. `old` and `new` are text (None: absent);
# an alias or a keyword added has only `new`, one removed only `old`.
REVISION = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("record_id", Integer, nullable=False),
    # A merged record's revisions keep its slug before the field: "truce: title".
    Column("field", String(NAME_LENGTH), nullable=False),
    Column("old", LongText()),
    Column("new", LongText()),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(NAME_LENGTH), nullable=False),
    CheckConstraint("kind IN ('party', 'issue', 'person')", name="kind_known"),
    Index("ix_revision_record", "kind", "record_id", "id"),
)

# One logged position of a party on an issue. Append-only: a wrong one is
# retracted (retracted_at, retraction_reason), never edited or deleted.
STATEMENT = Table(
    "statement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party_id", ForeignKey("party.id", ondelete="RESTRICT"), nullable=False),
    Column("issue_id", ForeignKey("issue.id", ondelete="RESTRICT"), nullable=False),
    Column("score", SmallInteger, nullable=False),
    Column("stated_on", Date, nullable=False),
    Column("summary", LongText(), nullable=False),
    Column("quote", LongText()),
    Column("speaker", LongText()),
    Column("source", LongText()),
    Column("basis", String(8), nullable=False, default="stated"),
    Column("conditions", LongText()),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(NAME_LENGTH), nullable=False),
    Column("retracted_at", UTCDateTime()),
    Column("retraction_reason", LongText()),
    # Hash of the statement's content: re-importing a file finds what it holds.
    Column("fingerprint", String(32), nullable=False, index=True),
    # The stance is the opposite of the one logged: the statement was logged
    # on an issue asking the opposite question, merged into this one with
    # --negate. Its fingerprint is of its content as logged.
    Column("negated", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("score BETWEEN -2 AND 2", name="score_range"),
    CheckConstraint("basis IN ('stated', 'reported', 'inferred')", name="basis_known"),
    CheckConstraint(
        "retracted_at IS NULL OR retraction_reason IS NOT NULL", name="retraction_reason"
    ),
    # See STANCE_INDEX.
    Index(STANCE_INDEX_NAME, *STANCE_INDEX),
)
