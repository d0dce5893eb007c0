"""The data model: parties (with aliases), issues and statements.

Statements are append-only: a wrong one is retracted, never edited or deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
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
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# MySQL/MariaDB: 4-byte UTF-8 for any text, binary collation so that
# comparisons and unique keys behave as on SQLite and PostgreSQL.
MYSQL_TABLE_ARGS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}

SLUG_LENGTH = 64
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
        if isinstance(value, str):  # SQLite text through a Core text() query
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Party(Base):
    __tablename__ = "party"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    kind: Mapped[str | None] = mapped_column(String(SLUG_LENGTH))
    description: Mapped[str | None] = mapped_column(LongText())

    aliases: Mapped[list[PartyAlias]] = relationship(
        back_populates="party",
        order_by="PartyAlias.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class PartyAlias(Base):
    """Another name a party goes by ("Kyiv"). `key` is the case-folded alias and
    is unique across all parties, so a name points at one party only."""

    __tablename__ = "party_alias"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(NAME_LENGTH))
    key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)

    party: Mapped[Party] = relationship(back_populates="aliases")


class Issue(Base):
    __tablename__ = "issue"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    proposition: Mapped[str | None] = mapped_column(LongText())
    description: Mapped[str | None] = mapped_column(LongText())


class Statement(Base):
    """One logged position of a party on an issue."""

    __tablename__ = "statement"
    __table_args__ = (
        CheckConstraint("score BETWEEN -2 AND 2", name="score_range"),
        CheckConstraint("basis IN ('stated', 'reported', 'inferred')", name="basis_known"),
        CheckConstraint(
            "retracted_at IS NULL OR retraction_reason IS NOT NULL", name="retraction_reason"
        ),
        # "Stance of P on I as of D": one index seek per pair, newest first.
        Index("ix_statement_stance", "party_id", "issue_id", "stated_on", "recorded_at", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="RESTRICT"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="RESTRICT"))
    score: Mapped[int] = mapped_column(SmallInteger)
    stated_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(LongText())
    quote: Mapped[str | None] = mapped_column(LongText())
    speaker: Mapped[str | None] = mapped_column(LongText())
    source: Mapped[str | None] = mapped_column(LongText())
    basis: Mapped[str] = mapped_column(String(8), default="stated")
    conditions: Mapped[str | None] = mapped_column(LongText())
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(NAME_LENGTH))
    retracted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    retraction_reason: Mapped[str | None] = mapped_column(LongText())
    # Hash of the statement's content: re-importing a file finds what it holds.
    fingerprint: Mapped[str] = mapped_column(String(32), index=True)

    party: Mapped[Party] = relationship(lazy="raise")
    issue: Mapped[Issue] = relationship(lazy="raise")


def table(model: type[Base]) -> Table:
    """A model's Core table: the hot paths select through Core, which skips the
    ORM's per-statement compile work."""
    return cast(Table, model.__table__)


# The Core tables, for set-based queries and bulk work.
PARTY = table(Party)
ALIAS = table(PartyAlias)
ISSUE = table(Issue)
STATEMENT = table(Statement)
