"""Alembic environment for docbatch.

Migrations normally run through :func:`docbatch.store.db.migrate`, which passes an open
connection (inside a transaction holding the migration lock) in
``config.attributes["connection"]``. Without one, ``sqlalchemy.url`` from the config is
used, which is how ``alembic revision --autogenerate`` is run by developers.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from docbatch.store.db import create_engine_for, include_in_comparison
from docbatch.store.schema import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_in_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new engine."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection to run migrations")
    engine = create_engine_for(url)
    try:
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("docbatch migrations run online only")
run_migrations_online()
