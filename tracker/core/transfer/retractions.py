"""Retractions that travel: an import finds, among the statements it already
holds, those the file has retracted, and retracts them here too, with the
file's time and reason. Statements of one content (party, issue and
fingerprint) are told apart by count only, so each key gets as many
retractions as the file has beyond those already made here; a second import
of the file finds them made, and does nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from tracker.core.transfer.rows import RowError, retracted_early

Key = tuple[int, int, str]  # (party_id, issue_id, fingerprint)

# Never before the statement was recorded (see `apply`).
_RETRACT = text(
    "UPDATE statement SET retracted_at = :at, retraction_reason = :why "
    "WHERE id = :id AND retracted_at IS NULL AND recorded_at <= :at"
)
_RECORDED = text("SELECT recorded_at FROM statement WHERE id = :id")


class Retractions:
    """Counts, across an import's chunks, what the file retracted of the
    statements present before it, and applies what is missing here."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.wanted: Counter[Key] = Counter()  # retracted in the file
        self.made: Counter[Key] = Counter()  # retracted here, before or now
        self.open: dict[Key, list[int]] = {}  # not retracted here: ids, oldest first
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
            self.made[key] = sum(1 for _, retracted in statements if retracted)

    def apply(
        self, rows: Sequence[tuple[tuple[Any, ...], int]], at: int, why: int, fp: int
    ) -> None:
        """`rows` (each with its place in the file, party and issue first,
        fingerprint at `fp`) are present already; those the file retracted
        (their values at `at` and `why`) are retracted here
        unless they already are. A retraction dated before the statement here
        was recorded is a bad row: it would change what a report as known
        at a moment past said."""
        for row, position in rows:
            if row[at] is None:
                continue
            key = (row[0], row[1], row[fp])
            self.wanted[key] += 1
            if self.wanted[key] > self.made[key] and self.open.get(key):
                statement_id = self.open[key].pop(0)
                done = self.connection.execute(
                    _RETRACT, {"at": row[at], "why": row[why], "id": statement_id}
                )
                if done.rowcount != 1:  # open (read just now): recorded after `at`
                    recorded = self.connection.execute(_RECORDED, {"id": statement_id}).scalar()
                    raise RowError("retracted_at", retracted_early(row[at], recorded), position)
                self.made[key] += 1
                self.applied += 1
