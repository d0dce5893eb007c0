"""Alembic environment. tracker hands over a connection that holds the
migration lock in `config.attributes` (`tracker.db.migrate.locked`); a
developer's `alembic` command reads the URL from alembic.ini or TRACKER_DB
and takes the same lock."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from tracker.db import resolve_url
from tracker.db.migrate import compare_options, locked
from tracker.db.schema import metadata

config = context.config
target_metadata = metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        **compare_options(),
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # tracker's, holding the migration lock
        run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or None
    engine = create_engine(resolve_url(url))
    with locked(engine) as conn:
        run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("tracker migrations run online only")
run_online()
