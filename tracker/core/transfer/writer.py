"""The bulk writer of an import, and the upkeep after a large one.

Rows go to the database in chunks through the driver's executemany (COPY on
PostgreSQL with psycopg 3), inside the import's one transaction."""

from __future__ import annotations

from collections import Counter, deque
from typing import Any

from sqlalchemy import Engine, Index, func, insert, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from tracker.core.transfer.parse import FINGERPRINT, INSERT_COLUMNS
from tracker.core.transfer.retractions import Key, Retractions
from tracker.core.transfer.rows import RowError, id_value, retracted_early
from tracker.core.types import ImportResult
from tracker.db import search_index
from tracker.db.schema import STATEMENT
from tracker.errors import DatabaseError

CHUNK = 5_000
RETRACTED_AT, REASON = (
    INSERT_COLUMNS.index("retracted_at"),
    INSERT_COLUMNS.index("retraction_reason"),
)


class Writer:
    """Writes statement rows in chunks through the driver's executemany (COPY on
    PostgreSQL), skipping those whose content was in the database before this
    import began, by count: a file holding a statement k times, into a
    database holding it m times, adds it max(0, k - m) times. So identical
    statements (as an export of a database that has them writes them) all
    survive export-then-import, and a second import adds nothing.

    A restore keeps ids: into a database without statements, a file whose
    first statement has an id (an export, a backup) is written with the ids
    it gives, every statement must have one, and the id sequence is moved
    past the largest, so that `show 17` is the same statement as in the
    database exported. (Ids are what `show`, `retract` and links use; an
    export lists statements in the order they were recorded, which concurrent
    writers can make differ from the order of their ids.)

    Into an empty SQLite table the statement indexes are dropped and built again
    at the end, inside the same transaction: one sort instead of a million
    random B-tree inserts. A failure or a kill rolls that back with the rest.
    The search index does not follow the import row by row (on SQLite and
    PostgreSQL): what it adds is indexed in one pass by the next search
    (`db/search_index.py`, `core/statement_search.py`).
    """

    def __init__(self, session: Session, result: ImportResult) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.result = result
        self.buffer: list[tuple[Any, ...]] = []
        self.positions: list[int] = []  # each buffered row's place in the file
        self.retractions = Retractions(self.connection)
        # Per (party_id, issue_id, fingerprint): how many statements the
        # database held before the import, and how many rows stood for them.
        self.held: dict[Key, int] = {}
        self.matched: Counter[Key] = Counter()
        # Open rows that stood for statements here, of keys some of whose
        # statements were retracted here: at most as many as those, the
        # latest, for a retracted row later in the file to displace.
        self.spare: dict[Key, deque[tuple[tuple[Any, ...], int]]] = {}
        self.last_before = session.scalar(select(func.max(STATEMENT.c.id))) or 0
        self.keep_ids: bool | None = None  # decided by the first row
        self.rebuild: list[Index] = []
        self.sqlite = self.dialect.name == "sqlite"
        self.deferred = search_index.defer(self.connection)
        if self.sqlite and self.last_before == 0:
            self.rebuild = sorted(STATEMENT.indexes, key=lambda index: str(index.name))
            for index in self.rebuild:
                index.drop(self.connection)
        self.columns: tuple[str, ...] = INSERT_COLUMNS
        self.named = not self.dialect.positional
        self._compile()

    def _compile(self) -> None:
        # The rows are already in the driver's terms (see _Parser), so they go to
        # the driver as they are, skipping Core's per-row parameter processing.
        compiled = insert(STATEMENT).compile(
            dialect=self.dialect, column_keys=self.columns, for_executemany=True
        )
        self.sql = compiled.string
        assert self.named or compiled.positiontup == list(self.columns)

    def add(self, row: tuple[Any, ...], given_id: Any = None, position: int = -1) -> None:
        """`given_id`: the id the file gives the row (None or "": none);
        `position`: where the row is in the file, for a message."""
        if self.keep_ids is None:
            self.keep_ids = self.last_before == 0 and given_id not in (None, "")
            if self.keep_ids:
                self.columns = ("id", *INSERT_COLUMNS)  # the table's order
                self._compile()
        if self.keep_ids:
            row = (id_value(given_id), *row)
        self.buffer.append(row)
        self.positions.append(position)
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self._store(self.buffer, self.positions)
            self.buffer, self.positions = [], []

    def finish(self) -> None:
        self.flush()
        self.result.retracted = self.retractions.applied
        for index in self.rebuild:
            index.create(self.connection)
        if self.deferred:
            first = self.last_before + 1 if self.result.added else None
            search_index.resume(self.connection, first)
        if self.keep_ids and self.dialect.name == "postgresql":
            self._advance_sequence()

    def _advance_sequence(self) -> None:
        """PostgreSQL: the next id the sequence gives comes after the largest
        kept. (MariaDB's AUTO_INCREMENT and SQLite's rowid follow by themselves.)
        Without UPDATE on the sequence (a writer's role), nextval steps it on."""
        conn = self.connection
        largest = conn.scalar(select(func.max(STATEMENT.c.id))) or 0
        sequence = conn.exec_driver_sql("SELECT pg_get_serial_sequence('statement', 'id')").scalar()
        may_set = conn.execute(
            text("SELECT has_sequence_privilege(:s, 'UPDATE')"), {"s": sequence}
        ).scalar()
        if may_set:
            conn.execute(text("SELECT setval(:s, :n)"), {"s": sequence, "n": largest})
            return
        next_id = int(conn.execute(text("SELECT nextval(:s)"), {"s": sequence}).scalar_one())
        if next_id < largest:
            conn.execute(
                text("SELECT count(nextval(:s)) FROM generate_series(1, :n)"),
                {"s": sequence, "n": largest - next_id},
            )

    def _store(self, rows: list[tuple[Any, ...]], positions: list[int]) -> None:
        count = len(rows)
        at = RETRACTED_AT + (len(self.columns) - len(INSERT_COLUMNS))  # after an id kept
        recorded = at - 2
        if self.last_before:
            # A statement of the same party, issue and content (fingerprint)
            # that was there before this import began stands for one row of
            # the file: of k such rows, into m such statements, the first m
            # are present (a retraction of one in the file is made here
            # too), and the rest are added.
            s = STATEMENT.c
            found = self.connection.execute(
                select(
                    s.id, s.party_id, s.issue_id, s.fingerprint, s.retracted_at.is_not(None)
                ).where(
                    s.fingerprint.in_(list({r[FINGERPRINT] for r in rows})),
                    s.id <= self.last_before,
                )
            ).all()
            if found:
                fresh = Counter((p, i, fp) for _, p, i, fp, _ in found)
                for key, held in fresh.items():
                    self.held.setdefault(key, held)
                self.retractions.known(found)
            new, placed = [], []
            for row, position in zip(rows, positions, strict=True):
                key = (row[0], row[1], row[FINGERPRINT])
                if self.matched[key] < self.held.get(key, 0):
                    self.matched[key] += 1
                    self.retractions.apply(row, position, RETRACTED_AT, REASON, FINGERPRINT)
                    if row[RETRACTED_AT] is None and self.retractions.before[key]:
                        kept = self.spare.setdefault(
                            key, deque(maxlen=self.retractions.before[key])
                        )
                        kept.append((row, position))
                elif (
                    row[RETRACTED_AT] is not None
                    and self.retractions.unmatched(key)
                    and (self.spare.get(key))
                ):
                    # A retracted row stands for a statement retracted here
                    # before an open row does: the open row it displaces is
                    # the one added, wherever the two sit in the file.
                    self.retractions.apply(row, position, RETRACTED_AT, REASON, FINGERPRINT)
                    row, position = self.spare[key].pop()
                    new.append(row)
                    placed.append(position)
                else:
                    new.append(row)
                    placed.append(position)
            rows, positions = new, placed
        for row, position in zip(rows, positions, strict=True):
            # Retracted before it was recorded, it would never have been seen,
            # and reports as known at a moment past would change.
            if row[at] is not None and row[at] < row[recorded]:
                raise RowError("retracted_at", retracted_early(row[at], row[recorded]), position)
        if rows:
            self._write_kept(rows, positions) if self.keep_ids else self._write(rows)
        self.result.added += len(rows)
        self.result.skipped += count - len(rows)

    def _write_kept(self, rows: list[tuple[Any, ...]], positions: list[int]) -> None:
        """Rows with the ids the file gives, inside a savepoint: an id the
        file gives twice is then named by its row, not by the database."""
        savepoint = self.connection.begin_nested()
        try:
            self._write(rows)
        except sa_exc.IntegrityError:
            savepoint.rollback()
            self._given_twice(rows, positions)
            raise
        savepoint.commit()

    def _given_twice(self, rows: list[tuple[Any, ...]], positions: list[int]) -> None:
        """Refuses the first of `rows` whose id an earlier row of the file has
        (one of them, or one already written: the database had none)."""
        ids = [row[0] for row in rows]
        taken = set(self.connection.scalars(select(STATEMENT.c.id).where(STATEMENT.c.id.in_(ids))))
        for statement_id, position in zip(ids, positions, strict=True):
            if statement_id in taken:
                raise RowError(
                    "id",
                    f"id {statement_id} is given to an earlier statement of the file too: "
                    "each statement keeps an id of its own",
                    position,
                )
            taken.add(statement_id)

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        if self.dialect.name == "postgresql" and self.dialect.driver == "psycopg":
            self._copy(rows)
        elif self.named:
            named = [dict(zip(self.columns, r, strict=True)) for r in rows]
            self.connection.exec_driver_sql(self.sql, named)
        else:
            self.connection.exec_driver_sql(self.sql, rows)

    def _copy(self, rows: list[tuple[Any, ...]]) -> None:
        driver = self.connection.connection.driver_connection
        assert driver is not None
        sql = f"COPY statement ({', '.join(self.columns)}) FROM STDIN"
        dbapi = self.dialect.loaded_dbapi
        try:
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except dbapi.Error as err:
            # Straight from the driver: wrap it as Core would, so it is reported
            # like any other database error.
            raise sa_exc.DBAPIError.instance(sql, None, err, dbapi.Error) from None


def after_bulk_import(engine: Engine, added: int) -> None:
    """After a large import, refresh the server's statistics of the statement
    table, so the reports that follow are planned for the rows now there.

    PostgreSQL: VACUUM ANALYZE, which also sets the visibility map that lets
    the stance index answer reports alone; autovacuum would get there later,
    and reports right after an import of a million rows were 4x slower
    without it. A role that does not own the table gets a warning from the
    server, not an error, and nothing is done. MariaDB and MySQL: ANALYZE
    TABLE (their own refresh runs in the background, a while after the
    commit). SQLite plans without statistics."""
    if added < CHUNK:
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE statement")
    elif engine.dialect.name in ("mysql", "mariadb"):
        with engine.connect() as conn:
            # A failure comes back as a row (Msg_type 'Error'), not an exception.
            rows = conn.exec_driver_sql("ANALYZE TABLE statement").all()
        problems = [str(r[3]) for r in rows if str(r[2]).lower() == "error"]
        if problems:
            raise DatabaseError(f"ANALYZE TABLE statement: {'; '.join(problems)}")
