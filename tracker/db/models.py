"""The typed ORM classes, mapped onto the tables of `tracker.db.schema`.

Used where objects help (the catalog: parties with their aliases); statements
are read and written through the tables directly, by the reports and the bulk
paths alike.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from tracker.db.schema import ALIAS, ISSUE, PARTY, metadata


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
