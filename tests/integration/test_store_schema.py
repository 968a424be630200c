"""Migrations, engine setup and timestamps, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC
from pathlib import Path

import pytest
import sqlalchemy as sa

from docbatch.store import Database, Repository, create_engine_for, migrate
from docbatch.store.db import include_in_comparison
from docbatch.store.schema import Base


def _head() -> str:
    """The one head revision of the migrations (two heads would be a merge mistake)."""
    from alembic.script import ScriptDirectory

    from docbatch.store.db import migrations_config

    [head] = ScriptDirectory.from_config(migrations_config()).get_heads()
    return str(head)


HEAD = _head()

# These tests migrate the database themselves, from nothing or from an old revision.
pytestmark = [pytest.mark.integration, pytest.mark.empty_database]


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _revision(url: str) -> list[str]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            return [
                r[0] for r in connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            ]
    finally:
        engine.dispose()


def test_migrate_creates_every_table(database_url: str) -> None:
    engine = create_engine_for(database_url)
    migrate(engine)
    engine.dispose()
    tables = _tables(database_url)
    search = {t for t in tables if t.startswith("pages_fts")}
    assert tables - search == set(Base.metadata.tables) | {"alembic_version"}
    # SQLite keeps the full-text index in an FTS5 table; PostgreSQL in a pages column.
    assert bool(search) == database_url.startswith("sqlite")
    assert _revision(database_url) == [HEAD]


def test_migrate_twice_is_a_no_op(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    project = repo.batches.ensure_project("kept")
    migrate(database.engine)
    migrate(database.engine)
    assert _revision(database_url) == [HEAD]
    assert repo.batches.ensure_project("kept") == project
    database.dispose()


def test_concurrent_migrations_both_succeed(database_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        engine = create_engine_for(database_url)
        try:
            barrier.wait()
            migrate(engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _revision(database_url) == [HEAD]


def test_schema_matches_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = Database.open(database_url)
    with database.engine.connect() as connection:
        opts = {"compare_type": False, "include_object": include_in_comparison}
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, Base.metadata)
    database.dispose()
    assert differences == []


def test_sqlite_engine_pragmas_and_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "docbatch.db"
    engine = create_engine_for(f"sqlite:///{path}")
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
    engine.dispose()
    assert path.parent.is_dir()
    assert (journal, busy, foreign_keys) == ("wal", 30000, 1)


def test_timestamps_come_back_aware_in_utc(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    batch = repo.batches.create("p", [], options={})
    database.dispose()
    assert batch.created_at.tzinfo is UTC
    assert batch.finished_at is not None and batch.finished_at.tzinfo is UTC


def test_upgrade_to_0004_keeps_aliases_and_cascades_from_the_project(database_url: str) -> None:
    from alembic import command

    from docbatch.store.db import migrations_config

    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(migrations_config(connection), "0003")
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO projects (name, created_at) VALUES ('p', :t)"),
                               {"t": "2026-11-28 00:00:00"})  # fmt: skip
            project = connection.execute(sa.text("SELECT id FROM projects")).scalar_one()
            connection.execute(
                sa.text("INSERT INTO entities (project_id, id, type, key, name, created_at) "
                        "VALUES (:p, 'e1', 'person', 'k', 'Ann Lee', :t)"),
                {"p": project, "t": "2026-11-28 00:00:00"},
            )  # fmt: skip
            connection.execute(
                sa.text("INSERT INTO entity_aliases (project_id, entity_id, alias) "
                        "VALUES (:p, 'e1', 'Ms. Lee')"),
                {"p": project},
            )  # fmt: skip
        with engine.begin() as connection:
            command.upgrade(migrations_config(connection), "head")
        keys = sa.inspect(engine).get_foreign_keys("entity_aliases")
        assert [(k["referred_table"], k["constrained_columns"]) for k in keys] == [
            ("projects", ["project_id"])
        ]
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT alias FROM entity_aliases")).all() == [
                ("Ms. Lee",)
            ]
            connection.execute(sa.text("DELETE FROM projects"))
            assert connection.execute(sa.text("SELECT count(*) FROM entity_aliases")).scalar() == 0
        with engine.begin() as connection:
            command.downgrade(migrations_config(connection), "0003")
        keys = sa.inspect(engine).get_foreign_keys("entity_aliases")
        assert [k["referred_table"] for k in keys] == ["entities"]
    finally:
        engine.dispose()


def test_head_revision_read_from_the_files_is_alembics_head() -> None:
    from docbatch.store.db import head_revision

    assert head_revision() == HEAD


def test_schema_at_head_only_once_migrated(database_url: str) -> None:
    from docbatch.store.db import schema_at_head

    engine = create_engine_for(database_url)
    try:
        assert not schema_at_head(engine)  # a new database: no version table yet
        migrate(engine)
        assert schema_at_head(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
        assert not schema_at_head(engine)  # behind: Database.open must migrate it
    finally:
        engine.dispose()
