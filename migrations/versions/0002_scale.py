"""For a million statements: a covering stance index, a cheaper fingerprint.

- The stance index also holds retracted_at and score, so a report reads
  every pair's stance from the index alone.
- The fingerprint (what a re-import compares to find statements already
  present) hashes the fields joined by NUL instead of a JSON array: the same
  guarantees (stored text never holds NUL and absent text is NULL, never "")
  at a quarter of the cost. Every stored fingerprint is recomputed, in both
  directions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tracker.db import steps

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

# Tables as this revision knows them: only what the recomputation reads and writes.
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

Content = tuple[str, str, int, dt.date, str, str | None, str | None, str | None, str, str | None]


def _joined(content: Content) -> str:
    party, issue, score, day, summary, quote, speaker, source, basis, conditions = content
    fields = (
        party, issue, str(score), day.isoformat(), summary, quote or "", speaker or "",
        source or "", basis, conditions or "",
    )  # fmt: skip
    raw = "\0".join(fields)
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def _json(content: Content) -> str:
    party, issue, score, day, summary, quote, speaker, source, basis, conditions = content
    fields = [party, issue, score, day.isoformat(), summary, quote, speaker, source]
    fields += [basis, conditions]
    raw = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _recompute(fingerprint: Callable[[Content], str]) -> None:
    """Every fingerprint, from the statement's content alone: running it
    again (after an interrupted migration) gives the same result."""
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


STANCE = ["party_id", "issue_id", "stated_on", "recorded_at", "id"]


def _stance_index(columns: list[str]) -> None:
    # MySQL will not drop an index a foreign key leans on (party_id) until
    # another one can take its place: replace_index builds the new one first.
    steps.replace_index("ix_statement_stance", "statement", columns)


def upgrade() -> None:
    # Each step is skipped when done: see tracker.db.steps.
    with steps.marked(revision, down_revision):
        _stance_index([*STANCE, "retracted_at", "score"])
        _recompute(_joined)


def downgrade() -> None:
    with steps.marked(revision, revision):
        _recompute(_json)
        _stance_index(STANCE)
