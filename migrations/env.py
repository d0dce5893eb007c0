"""Alembic environment. tracker hands over its engine in `config.attributes`;
a developer's `alembic` command reads the URL from alembic.ini or TRACKER_DB."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from tracker.db import resolve_url
from tracker.db.migrate import compare_options
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
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url") or None
        engine = create_engine(resolve_url(url))
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    with engine.connect() as conn:
        run(conn)
        conn.commit()


if context.is_offline_mode():
    raise SystemExit("tracker migrations run online only")
run_online()
