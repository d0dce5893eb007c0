"""Schema migrations through Alembic, run from the installed package.

Imported only by the commands that migrate or inspect revisions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Engine, TypeDecorator

from tracker.resources import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


def config(engine: Engine | None = None) -> Config:
    """An Alembic config without alembic.ini: scripts from the package, and the
    connection handed over through `attributes` (so no URL, and no password, is
    ever written into the config)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def heads() -> list[str]:
    return list(scripts().get_heads())


def revisions_oldest_first() -> list[str]:
    return [rev.revision for rev in reversed(list(scripts().walk_revisions()))]


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(config(engine), revision)


def known(revision: str) -> bool:
    from alembic.util import CommandError

    try:
        scripts().get_revisions(revision)
    except CommandError:
        return False
    return True


def compare_type(
    context: Any,
    inspected_column: Column[Any],
    metadata_column: Column[Any],
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    """Autogenerate's type comparison, told about our TypeDecorators: they
    match when the type they load on this dialect renders as the database's."""
    if not isinstance(metadata_type, TypeDecorator):
        return None  # alembic's own comparison
    dialect = context.dialect
    loaded = metadata_type.load_dialect_impl(dialect)
    return bool(inspected_type.compile(dialect=dialect) != loaded.compile(dialect=dialect))


# The search index is each backend's own (an FTS5 table and its shadow tables
# on SQLite, a GIN expression index on PostgreSQL, a FULLTEXT index of a
# generated column on MariaDB): migration 0003 makes it, and the tables'
# metadata does not say it.
SEARCH_OBJECTS = ("statement_search", "search_state", "search_text", "ix_statement_search")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (name or "").startswith(SEARCH_OBJECTS)


def compare_options() -> dict[str, Any]:
    """What `alembic check` (and the tests) compare the models to the scripts with."""
    return {"compare_type": compare_type, "include_name": include_name}
