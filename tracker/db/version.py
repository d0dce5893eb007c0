"""The data's version: one row of `data_version`, (epoch, counter).

Every transaction that writes data adds one to the counter as its last
statement before it commits (`Database.session`), so the row is locked only
for the moment of the commit and no two writers wait on each other for
long. A reader reads it in the same snapshot as the data it reads: the pair
names exactly what that snapshot holds. The web server keys its cache and
its ETags by it, and a page polls it to tell its reader that the data has
changed. Writes to the accounts' tables are not data: they leave it alone.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.db.schema import DATA_VERSION


def bump(session: Session) -> None:
    """One more write: inside the writing transaction, just before it commits."""
    session.execute(
        update(DATA_VERSION)
        .where(DATA_VERSION.c.id == 1)
        .values(counter=DATA_VERSION.c.counter + 1)
    )


def current(session: Session) -> str:
    """The version the session's snapshot sees, as text: `EPOCH-COUNTER`."""
    row = session.execute(
        select(DATA_VERSION.c.epoch, DATA_VERSION.c.counter).where(DATA_VERSION.c.id == 1)
    ).first()
    return "none-0" if row is None else f"{row.epoch}-{row.counter}"
