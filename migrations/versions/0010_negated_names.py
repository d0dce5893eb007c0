"""Names that ask the opposite question, and names in one Unicode form.

- `issue merge FROM INTO --negate` leaves FROM's slug, title and aliases to
  INTO as aliases that ask the opposite of INTO's question: a stance logged
  under one of them later is negated under INTO, as FROM's were by the
  merge. `issue_alias.negated` marks them (false for every alias there).
- Every name stored (a party's name, an issue's title, a person's name, an
  alias, a keyword) is put in Unicode's composed form (NFC), as tracker
  stores new names, and every key is made again the way names are compared
  now (NFC, case-folded, NFC again). An older tracker stored names as they
  were typed, so a name typed in the decomposed form (NFD) was exported in
  it, and a restore, which stores NFC, exported another file. A key that
  another row of the same table already has in the new form is left as it
  was (the unique constraint holds; the resolver compares keys made again
  as it reads them, and the first row wins, as it did before).

Names are small tables: the rewrite reads each whole, in one transaction
(committed at its end on MySQL), and writes only the rows that change; run
twice, it changes nothing the second time. Its downgrade drops the column;
names stay composed (an older tracker reads them as it reads any name).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.db import steps

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the name's column, its key's column or None). Slugs are ASCII.
NAMES = (
    ("party", "name", None),
    ("party_alias", "alias", "key"),
    ("issue", "title", None),
    ("issue_alias", "alias", "key"),
    ("issue_keyword", "keyword", "key"),
    ("person", "name", "key"),
    ("person_alias", "alias", "key"),
)


def _key(name: str) -> str:
    """How names are compared from this revision on (copied: a migration's
    meaning must not change with later code)."""
    composed = unicodedata.normalize("NFC", " ".join(name.split()))
    return unicodedata.normalize("NFC", composed.casefold())


def _compose(table: str, name: str, key: str | None) -> None:
    bind = op.get_bind()
    names = [name] if key is None else [name, key]
    t = sa.table(table, sa.column("id", sa.Integer()), *(sa.column(c, sa.String()) for c in names))
    columns = [t.c.id, t.c[name]] + ([t.c[key]] if key is not None else [])
    rows = bind.execute(sa.select(*columns).order_by(t.c.id)).all()
    keys = {row[2] for row in rows} if key is not None else set()
    for row in rows:
        values: dict[str, str] = {}
        composed = unicodedata.normalize("NFC", row[1])
        if composed != row[1]:
            values[name] = composed
        if key is not None:
            new_key = _key(row[1])
            if new_key != row[2] and new_key not in keys:  # else: another row has it
                values[key] = new_key
                keys.discard(row[2])
                keys.add(new_key)
        if values:
            bind.execute(t.update().where(t.c.id == row[0]).values(**values))


def upgrade() -> None:
    with steps.marked(revision, down_revision):
        steps.add_column(
            "issue_alias",
            sa.Column("negated", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
        with steps.rewrite("names in NFC"):
            for table, name, key in NAMES:
                steps.reached(f"names of {table}")
                _compose(table, name, key)


def downgrade() -> None:
    with steps.marked(revision, revision):
        steps.drop_column("issue_alias", "negated")
