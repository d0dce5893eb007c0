"""The typed ORM classes, mapped onto the tables of `tracker.schema`.

Used where objects help (parties with their aliases); the reporting and bulk
paths query the tables directly.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from tracker.schema import ALIAS, ISSUE, PARTY, STATEMENT, metadata


class Base(DeclarativeBase):
    metadata = metadata


class Party(Base):
    __table__ = PARTY

    id: Mapped[int]
    slug: Mapped[str]
    name: Mapped[str]
    kind: Mapped[str | None]
    description: Mapped[str | None]

    aliases: Mapped[list[PartyAlias]] = relationship(
        back_populates="party",
        order_by="PartyAlias.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class PartyAlias(Base):
    __table__ = ALIAS

    id: Mapped[int]
    party_id: Mapped[int]
    alias: Mapped[str]
    key: Mapped[str]

    party: Mapped[Party] = relationship(back_populates="aliases")


class Issue(Base):
    __table__ = ISSUE

    id: Mapped[int]
    slug: Mapped[str]
    title: Mapped[str]
    proposition: Mapped[str | None]
    description: Mapped[str | None]


class Statement(Base):
    __table__ = STATEMENT

    id: Mapped[int]
    party_id: Mapped[int]
    issue_id: Mapped[int]
    score: Mapped[int]
    stated_on: Mapped[dt.date]
    summary: Mapped[str]
    quote: Mapped[str | None]
    speaker: Mapped[str | None]
    source: Mapped[str | None]
    basis: Mapped[str]
    conditions: Mapped[str | None]
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[str]
    retracted_at: Mapped[dt.datetime | None]
    retraction_reason: Mapped[str | None]
    fingerprint: Mapped[str]

    party: Mapped[Party] = relationship(lazy="raise")
    issue: Mapped[Issue] = relationship(lazy="raise")
