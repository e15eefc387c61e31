"""Alembic environment: runs against the URL `migrate.alembic_config` puts in the config."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from purldesk.adapters.storage import (  # noqa: F401  (registers their tables)
    balance_tables,
    checkpoint_tables,
    history_tables,
    reference_tables,
    substitution_tables,
)
from purldesk.adapters.storage.engine import make_engine
from purldesk.adapters.storage.tables import UtcDateTime, metadata

config = context.config


def render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones, so migrations never import tables.py."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    # A PostgreSQL URL may carry `options=-csearch_path=<schema>`: unqualified names, the
    # alembic_version table included, then live in that schema, and autogenerate compares it.
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=True,
                compare_type=True,
                render_item=render_item,
                # Our SQLite engine runs DDL inside BEGIN IMMEDIATE, so it is transactional too.
                transactional_ddl=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("purldesk migrations run online only; use purldesk.adapters.storage.migrate")
run_migrations_online()
