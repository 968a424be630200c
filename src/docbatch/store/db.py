"""Engines, migrations and the per-process :class:`Database` value.

SQLite is set up for several worker processes writing at once: WAL (readers never block
the writer), a long busy timeout, foreign keys on, and every write transaction opened
with ``BEGIN IMMEDIATE`` so writers queue for the lock up front instead of failing with
"database is locked" when a read lock cannot be upgraded. PostgreSQL gets a pre-pinged
connection pool and bounded waits (:class:`SessionLimits`): a worker frozen
mid-transaction (SIGSTOP) must not stall every other worker behind its row locks.
Migrations run programmatically with Alembic, serialised between processes.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from docbatch.errors import DatabaseBusyError

if TYPE_CHECKING:
    from docbatch.settings import Settings

if TYPE_CHECKING:  # Alembic is imported only when a migration runs (0.3 s at start).
    from alembic.config import Config

__all__ = [
    "BUSY_SQLSTATES",
    "READ_ONLY",
    "Database",
    "SessionLimits",
    "busy_error",
    "create_engine_for",
    "head_revision",
    "include_in_comparison",
    "migrate",
    "migrations_config",
    "schema_at_head",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Any constant shared by every docbatch process: the advisory lock taken while migrating.
_MIGRATION_LOCK_KEY = 0x646F_6362  # "docb"
#: Execution option for read-only work: on SQLite it opens a deferred transaction, so a
#: read does not queue behind writers for the write lock.
READ_ONLY = "docbatch_read_only"
#: PostgreSQL errors of a wait that ran out: a lock wait over ``lock_timeout``
#: (55P03), a statement over ``statement_timeout`` (57014), a session ended for idling
#: in a transaction (25P03). Each is transient: the holder goes, the work succeeds.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "25P03"})


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """Bounded waits for every PostgreSQL session (milliseconds; 0 = no limit).

    ``lock_timeout_ms``: the longest wait for a lock another session holds.
    ``idle_in_transaction_ms``: the server ends a session idle inside a transaction
    this long (a frozen worker), which frees its locks. ``statement_timeout_ms``: the
    longest statement. SQLite has its own busy timeout and ignores these.
    """

    lock_timeout_ms: int = 10_000
    idle_in_transaction_ms: int = 60_000
    statement_timeout_ms: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionLimits:
        """The limits of :class:`~docbatch.settings.Settings` (``db_*`` fields)."""
        return cls(
            lock_timeout_ms=settings.db_lock_timeout_ms,
            idle_in_transaction_ms=settings.db_idle_in_transaction_timeout_ms,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        )

    def options(self) -> str:
        """The libpq ``options`` string that sets the limits at connection start."""
        return " ".join(
            [
                f"-c lock_timeout={self.lock_timeout_ms}",
                f"-c idle_in_transaction_session_timeout={self.idle_in_transaction_ms}",
                f"-c statement_timeout={self.statement_timeout_ms}",
            ]
        )


def busy_error(exc: BaseException) -> DatabaseBusyError | None:
    """The :class:`~docbatch.errors.DatabaseBusyError` for a wait that ran out, else None."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) not in BUSY_SQLSTATES:
        return None
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return DatabaseBusyError(f"database busy: {detail}")


def create_engine_for(url: str, *, limits: SessionLimits | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` configured for concurrent workers.

    On PostgreSQL every connection gets ``limits`` (default :class:`SessionLimits`).
    Extra keyword arguments go to :func:`sqlalchemy.create_engine`.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 20,
        "pool_recycle": 1800,
    }
    options.update(kwargs)
    connect_args = dict(options.pop("connect_args", {}))
    given = connect_args.get("options", "")
    connect_args["options"] = f"{(limits or SessionLimits()).options()} {given}".strip()
    return sa.create_engine(url, connect_args=connect_args, **options)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    connect_args.update(kwargs.pop("connect_args", {}))
    engine = sa.create_engine(url, connect_args=connect_args, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite, which would otherwise issue a
        # deferred BEGIN lazily; the "begin" hook below issues our own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            _enable_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            # Durable at every checkpoint, and much faster than FULL under WAL.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            _begin_immediate(connection.connection.dbapi_connection)

    return engine


def _begin_immediate(dbapi_connection: Any) -> None:
    """``BEGIN IMMEDIATE``, waiting for the write lock in short steps.

    SQLite's own busy handler sleeps 1, 2, 5, 10, ... 100 ms between tries, so a writer
    that finds the lock taken often sleeps far longer than the other transaction holds it
    (a document's commit takes a few milliseconds): with two workers that wasted a share
    of their time. Here the lock is tried without waiting, then again after 0.2 ms,
    doubling up to 1 ms, until the usual busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.0002
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=0")
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.001)
    finally:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL once; later connections find it set (it is persistent).

    The switch needs an exclusive lock and SQLite reports "database is locked" at once,
    without waiting on the busy timeout, when another connection opens the file at the
    same moment; so the switch is tried again here until the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def migrations_config(connection: Connection | None = None) -> Config:
    """An Alembic config for docbatch's migrations, built in code (no alembic.ini).

    With ``connection`` the migrations run on it, inside its transaction.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision; a no-op when it is already there.

    Safe when several processes call it at once: PostgreSQL serialises them on an
    advisory lock, SQLite on the ``BEGIN IMMEDIATE`` write lock. The loser then finds
    the schema at head and does nothing.
    """
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A migration waits for another process's migration, however long it takes.
            connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        command.upgrade(migrations_config(connection), "head")


_REVISION = re.compile(r'^(down_)?revision\b[^=]*=\s*[\'"]?([\w-]+|None)', re.MULTILINE)


@functools.cache
def head_revision() -> str | None:
    """The newest migration's revision, read from the version files without Alembic
    (once per process: they do not change while it runs); None unless the history is
    one line with a single head."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((bool(m[0]), m[1]) for m in _REVISION.findall(path.read_text("utf-8")))
        if False not in found:
            return None  # a version file this parser does not understand: let Alembic decide
        revisions.add(found[False])
        parents.add(found.get(True, "None"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def schema_at_head(engine: Engine) -> bool:
    """True when the database's schema is already at :func:`head_revision`: opening it
    then needs neither Alembic nor its lock (a common start, 0.3 s saved)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return [row[0] for row in versions] == [head]
    except sa.exc.DBAPIError:
        return False  # no version table yet: a new database


@dataclass(frozen=True, slots=True)
class Database:
    """The engine of one process; build it once with :meth:`open`."""

    url: str
    engine: Engine

    @classmethod
    def open(
        cls,
        url: str,
        *,
        run_migrations: bool = True,
        limits: SessionLimits | None = None,
        **engine_kwargs: Any,
    ) -> Database:
        """Create the engine for ``url`` and (by default) bring the schema to head.

        ``limits`` bound the waits of PostgreSQL sessions (default :class:`SessionLimits`).
        """
        engine = create_engine_for(url, limits=limits, **engine_kwargs)
        if run_migrations and not schema_at_head(engine):
            migrate(engine)
        return cls(url=url, engine=engine)

    @property
    def dialect(self) -> str:
        """The backend name: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection (call after fork and at shutdown)."""
        self.engine.dispose()


#: Search structures that migration 0007 keeps outside the models: the FTS5 table (and
#: its shadow tables) on SQLite, the generated tsvector column's index on PostgreSQL.
_SEARCH_OBJECTS = ("pages_fts", "ix_pages_search")


def include_in_comparison(
    obj: object, name: str | None, kind: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's ``include_object`` hook: leave the search structures out of a schema
    comparison (they are maintained by raw SQL, per dialect)."""
    if name is None:
        return True
    if kind == "column" and name == "search":
        return getattr(getattr(obj, "table", None), "name", None) != "pages"
    return not name.startswith(_SEARCH_OBJECTS)
