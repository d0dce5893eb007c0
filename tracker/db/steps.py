"""Migration steps that a kill cannot leave half-done unnoticed, on every
backend: what every script in migrations/versions/ is written with.

SQLite and PostgreSQL run a whole `db upgrade` in one transaction (see
`migrate.locked`), so a kill leaves the database as it was. MySQL and
MariaDB commit each DDL statement at once, so there a kill can stop a
migration between two steps. These helpers make that safe:

- `marked(revision, restore)`: around the whole body of an `upgrade()` or a
  `downgrade()`. While it runs, `alembic_version` holds
  `interrupted:REVISION` (committed before the first step on MySQL), so
  every command refuses the database (`state.schema_state`). At its end it
  puts back the revision Alembic expects to move from (`restore`: the
  script's `down_revision` in `upgrade()`, its `revision` in `downgrade()`),
  in the same transaction as Alembic's own move of the revision.
- Each step checks whether it is already done and then does nothing:
  `create_table`, `drop_table`, `add_column`, `drop_column`,
  `create_index`, `drop_index`, `replace_index`. So a migration can run
  again from any point.
- `script(revision)`: an earlier revision's script, whose SQL a later one
  uses instead of copying it (a downgrade puts back what it made): a
  script never changes once released, so its meaning stays.
- `pinned_search_path(connection)`: PostgreSQL, around the creation of
  functions declared `SET search_path FROM CURRENT`: they then search the
  schema they are made in, and `pg_temp` last, whatever the caller's path.
- `rewrite(name)`: around a data rewrite (UPDATEs, no DDL inside): one
  transaction, committed as a whole at its end on MySQL. A rewrite must
  compute its result from the data alone (never from what it overwrites),
  so that running it twice gives what running it once gives.
- `db upgrade` finishes an interrupted migration by running the `upgrade()`
  of the revision it names again (`migrate.upgrade`), so a script's
  `upgrade()` must reach its revision from any point of its own
  `upgrade()` *or* `downgrade()`.

`reached(label)` is called before every step (and the scripts may call it
between the batches of a rewrite). It does nothing unless `hook` is set:
the fault tests set it to kill the process at a chosen step.

These helpers are part of what the scripts mean: change what one does and
an old script changes meaning. Add new helpers instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tracker.db.state import INTERRUPTED

# Called with each step's label before the step runs (tests only).
hook: Callable[[str], None] | None = None
_label = ""


def reached(step: str) -> None:
    if hook is not None:
        hook(f"{_label}: {step}")


def _bind() -> sa.Connection:
    return op.get_bind()


def _ddl_commits() -> bool:
    """Whether DDL commits by itself (MySQL, MariaDB), so that a kill can stop
    a migration part way."""
    return _bind().dialect.name in ("mysql", "mariadb")


def _commit_now() -> None:
    """Where DDL commits by itself, commit what is written so far now (the
    transaction of the whole upgrade goes on); elsewhere nothing: the
    upgrade is one transaction."""
    if _ddl_commits():
        _bind().exec_driver_sql("COMMIT")


def _set_version(value: str | None) -> None:
    bind = _bind()
    bind.exec_driver_sql("DELETE FROM alembic_version")
    if value is not None:
        bind.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": value})


@contextlib.contextmanager
def marked(revision: str, restore: str | None) -> Iterator[None]:
    """The database reads as interrupted in `revision` until the block ends;
    then `alembic_version` holds `restore` (None: no row) for Alembic to move
    on from. See the module's notes."""
    global _label
    direction = "upgrade" if restore != revision else "downgrade"
    _label = f"{revision} {direction}"
    _set_version(f"{INTERRUPTED}{revision}")
    _commit_now()
    reached("marked")
    yield
    reached("unmark")
    _set_version(restore)


@contextlib.contextmanager
def rewrite(name: str) -> Iterator[None]:
    """A data rewrite, all or nothing: committed as a whole at the end on
    MySQL (no DDL may run inside), part of the upgrade's one transaction
    elsewhere."""
    reached(f"rewrite {name}")
    _commit_now()  # nothing of the steps before it rides on the rewrite
    yield
    _commit_now()


def _indexes(table: str) -> dict[str, list[str]]:
    found = sa.inspect(_bind()).get_indexes(table)
    return {str(ix["name"]): [str(c) for c in ix["column_names"]] for ix in found}


def has_table(name: str) -> bool:
    return sa.inspect(_bind()).has_table(name)


def create_table(name: str, *elements: Any, **options: Any) -> None:
    if has_table(name):
        return
    reached(f"create table {name}")
    op.create_table(name, *elements, **options)


def drop_table(name: str) -> None:
    if not has_table(name):
        return
    reached(f"drop table {name}")
    op.drop_table(name)


def has_column(table: str, name: str) -> bool:
    return name in {str(c["name"]) for c in sa.inspect(_bind()).get_columns(table)}


def add_column(table: str, column: sa.Column[Any]) -> None:
    """`column` added to `table`, unless it is there."""
    if has_column(table, column.name):
        return
    reached(f"add column {table}.{column.name}")
    op.add_column(table, column)


def drop_column(table: str, name: str) -> None:
    if not has_column(table, name):
        return
    reached(f"drop column {table}.{name}")
    op.drop_column(table, name)


def create_index(name: str, table: str, columns: Sequence[str]) -> None:
    """Index `name` on `columns` (made again if it exists on others)."""
    present = _indexes(table).get(name)
    if present == list(columns):
        return
    if present is not None:
        drop_index(name, table)
    reached(f"create index {name}")
    op.create_index(name, table, list(columns))


def drop_index(name: str, table: str) -> None:
    if name not in _indexes(table):
        return
    reached(f"drop index {name}")
    op.drop_index(name, table_name=table)


def _rename_index(table: str, old: str, new: str) -> None:
    reached(f"rename index {old}")
    if _bind().dialect.name == "postgresql":
        op.execute(f"ALTER INDEX {old} RENAME TO {new}")
    else:
        op.execute(f"ALTER TABLE {table} RENAME INDEX {old} TO {new}")


def replace_index(name: str, table: str, columns: Sequence[str]) -> None:
    """Index `name` on `columns` in place of whatever `name` is now. MySQL
    will not drop an index a foreign key leans on until another can take its
    place, so the new one is built as NAME_new first, then renamed; from any
    point of that (or of the replacement the other way) this finishes it.
    The old and the new index must serve the same foreign keys."""
    if _bind().dialect.name == "sqlite":  # transactional: drop, then create
        create_index(name, table, columns)
        return
    pending = f"{name}_new"
    indexes = _indexes(table)
    if name not in indexes and pending in indexes:
        # Stopped between the drop and the rename: finish that first, since
        # the pending index may be the only one a foreign key has left.
        _rename_index(table, pending, name)
        indexes = _indexes(table)
    if indexes.get(name) == list(columns):
        drop_index(pending, table)  # a leftover of a replacement the other way
        return
    if indexes.get(pending) != list(columns):
        drop_index(pending, table)
        reached(f"create index {pending}")
        op.create_index(pending, table, list(columns))
    drop_index(name, table)
    _rename_index(table, pending, name)


@contextlib.contextmanager
def pinned_search_path(connection: sa.Connection) -> Iterator[None]:
    """PostgreSQL: inside the block the search path is the current schema,
    then `pg_temp`, so that a function made here with `SET search_path FROM
    CURRENT` finds tracker's tables and nothing else: left implicit, `pg_temp`
    comes first, and a caller's temporary table `party` would stand in for
    tracker's inside the function. Elsewhere nothing. (A connection, not
    `op`: `tracker.db.objects` makes functions again outside a migration.)"""
    if connection.dialect.name != "postgresql":
        yield
        return
    before = connection.exec_driver_sql("SELECT current_setting('search_path')").scalar()
    schema = connection.exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    path = sa.text("SELECT set_config('search_path', :path, true)")
    connection.execute(path, {"path": f"{schema}, pg_temp"})
    yield
    connection.execute(path, {"path": before})


def script(revision: str) -> Any:
    """The script of `revision`, an earlier one than the script asking."""
    from alembic import context

    found = context.script.get_revision(revision)
    assert found is not None and found.module is not None, revision
    return found.module
