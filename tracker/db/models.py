"""The typed ORM classes, mapped onto the tables of `tracker.db.schema`.

Used where objects help (the catalog: parties, issues and people with their
names); statements are read and written through the tables directly, by the
reports and the bulk paths alike.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from tracker.db.schema import (
    AFFILIATION,
    ALIAS,
    ISSUE,
    ISSUE_ALIAS,
    KEYWORD,
    PARTY,
    PERSON,
    PERSON_ALIAS,
    metadata,
)


class Base(DeclarativeBase):
    metadata = metadata


class Party(Base):
    __table__ = PARTY

    id: Mapped[int]
    slug: Mapped[str]
    name: Mapped[str]
    kind: Mapped[str | None]
    description: Mapped[str | None]
    merged_into: Mapped[int | None]

    aliases: Mapped[list[PartyAlias]] = relationship(
        order_by="PartyAlias.id", cascade="all, delete-orphan", lazy="selectin"
    )


class PartyAlias(Base):
    __table__ = ALIAS

    id: Mapped[int]
    party_id: Mapped[int]
    alias: Mapped[str]
    key: Mapped[str]


class Issue(Base):
    __table__ = ISSUE

    id: Mapped[int]
    slug: Mapped[str]
    title: Mapped[str]
    proposition: Mapped[str | None]
    description: Mapped[str | None]
    merged_into: Mapped[int | None]
    merge_negates: Mapped[bool | None]

    aliases: Mapped[list[IssueAlias]] = relationship(
        order_by="IssueAlias.id", cascade="all, delete-orphan", lazy="selectin"
    )
    keywords: Mapped[list[Keyword]] = relationship(
        order_by="Keyword.id", cascade="all, delete-orphan", lazy="selectin"
    )


class IssueAlias(Base):
    __table__ = ISSUE_ALIAS

    id: Mapped[int]
    issue_id: Mapped[int]
    alias: Mapped[str]
    key: Mapped[str]
    negated: Mapped[bool]


class Keyword(Base):
    __table__ = KEYWORD

    id: Mapped[int]
    issue_id: Mapped[int]
    keyword: Mapped[str]
    key: Mapped[str]


class Person(Base):
    __table__ = PERSON

    id: Mapped[int]
    name: Mapped[str]
    key: Mapped[str]

    aliases: Mapped[list[PersonAlias]] = relationship(
        order_by="PersonAlias.id", cascade="all, delete-orphan", lazy="selectin"
    )
    affiliations: Mapped[list[Affiliation]] = relationship(
        order_by="Affiliation.id", cascade="all, delete-orphan", lazy="selectin"
    )


class PersonAlias(Base):
    __table__ = PERSON_ALIAS

    id: Mapped[int]
    person_id: Mapped[int]
    alias: Mapped[str]
    key: Mapped[str]


class Affiliation(Base):
    __table__ = AFFILIATION

    id: Mapped[int]
    person_id: Mapped[int]
    party_id: Mapped[int]
    role: Mapped[str | None]
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]

    party: Mapped[Party] = relationship(lazy="joined")
