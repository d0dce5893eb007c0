"""Retractions that travel: an import finds, among the statements it already
holds, those the file has retracted, and retracts them here too, with the
file's time and reason. Statements of one content (party, issue and
fingerprint) are told apart by count only: the file's retracted rows stand
first for the statements retracted here, then retract open ones, so each
key gets as many retractions as the file has beyond those already made
here, wherever the rows sit in the file; a second import of the file finds
them made, and does nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from tracker.core.transfer.rows import RowError, retracted_early
from tracker.errors import Conflict

Key = tuple[int, int, str]  # (party_id, issue_id, fingerprint)

# Never before the statement was recorded (see `apply`).
_RETRACT = text(
    "UPDATE statement SET retracted_at = :at, retraction_reason = :why "
    "WHERE id = :id AND retracted_at IS NULL AND recorded_at <= :at"
)
_RECORDED = text("SELECT recorded_at, retracted_at FROM statement WHERE id = :id")


class Retractions:
    """Counts, across an import's chunks, what the file retracted of the
    statements present before it, and applies what is missing here."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.wanted: Counter[Key] = Counter()  # retracted in the file, present here
        self.made: Counter[Key] = Counter()  # retracted here, before or now
        self.open: dict[Key, list[int]] = {}  # not retracted here: ids, oldest first
        self.before: Counter[Key] = Counter()  # retracted here before the import
        self.applied = 0

    def known(self, found: Iterable[tuple[int, int, int, str, bool]]) -> None:
        """The statements present for a chunk: (id, party_id, issue_id,
        fingerprint, retracted), each key read once."""
        fresh: dict[Key, list[tuple[int, bool]]] = {}
        for statement_id, party_id, issue_id, fingerprint, retracted in found:
            key = (party_id, issue_id, fingerprint)
            if key not in self.open:
                fresh.setdefault(key, []).append((statement_id, retracted))
        for key, statements in fresh.items():
            self.open[key] = sorted(n for n, retracted in statements if not retracted)
            self.made[key] = self.before[key] = sum(1 for _, r in statements if r)

    def unmatched(self, key: Key) -> bool:
        """Whether a statement retracted here has no retracted row of the file
        standing for it yet: a retracted row the file holds beyond the
        statements here takes its place, and an open row it stood in for is
        added instead (see `writer.Writer`)."""
        return self.wanted[key] < self.made[key]

    def apply(self, row: tuple[Any, ...], position: int, at: int, why: int, fp: int) -> None:
        """`row` (its place in the file, party and issue first, fingerprint
        at `fp`) is present already; if the file retracted it (its values at
        `at` and `why`), it stands first for a statement retracted here,
        then retracts an open one. A retraction dated before the statement
        here was recorded is a bad row: it would change what a report as
        known at a moment past said."""
        if row[at] is None:
            return
        key = (row[0], row[1], row[fp])
        self.wanted[key] += 1
        if self.wanted[key] <= self.made[key] or not self.open.get(key):
            return
        statement_id = self.open[key].pop(0)
        done = self.connection.execute(
            _RETRACT, {"at": row[at], "why": row[why], "id": statement_id}
        )
        if done.rowcount != 1:
            recorded, retracted = self.connection.execute(_RECORDED, {"id": statement_id}).one()
            if retracted is not None:  # open when read, just now: another command's
                raise Conflict(
                    f"statement #{statement_id} was retracted by another command while the "
                    "import ran"
                )
            raise RowError("retracted_at", retracted_early(row[at], recorded), position)
        self.made[key] += 1
        self.applied += 1
