"""Counters of what a process asks of the shared services, for ``bench services`` only.

:func:`install` hooks, in the process that calls it (the benchmark's submitter, and every
process of a worker started with ``-A bench.counted_worker:app``):

- **SQL**, through SQLAlchemy's engine events (every engine of the process) and psycopg's
  ``COPY``: statements by kind, rows written per table (an INSERT's parameter sets, an
  UPDATE's or DELETE's rowcount, a COPY's rows), the bytes of the written values,
  transactions committed and rolled back, and the time write transactions hold the
  database (on SQLite, the one write lock: first statement to ``COMMIT``) and, when the
  begin hooks show it, waited for it first;
- **Redis**, by wrapping redis-py's ``send_packed_command``: one call is one round trip
  (a pipeline or a script sends once), with the bytes sent; Celery's Redis transport
  uses redis-py too, so broker traffic is counted here as well;
- **broker messages** published, through Celery's ``before_task_publish`` signal.

Counters go to ``$BENCH_COUNTERS_DIR/<pid>.json`` after every task, from a thread every
half second, and at exit; the benchmark sums the files. Production code is untouched.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["COUNTERS_ENV", "install", "read_totals", "snapshot"]

#: The folder counters are written to (one JSON file per process).
COUNTERS_ENV = "BENCH_COUNTERS_DIR"

_counts: Counter[str] = Counter()
_lock = threading.Lock()
_installed = False
_TABLE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)


def install() -> None:
    """Hook the counters into this process (once); a no-op without ``BENCH_COUNTERS_DIR``."""
    global _installed
    folder = os.environ.get(COUNTERS_ENV)
    if _installed or not folder:
        return
    _installed = True
    _hook_sql()
    _hook_copy()
    _hook_redis()
    _hook_celery()
    atexit.register(dump)
    threading.Thread(target=_dump_every, args=(0.5,), daemon=True, name="bench-counters").start()


def _add(**values: float) -> None:
    with _lock:
        _counts.update(values)


def snapshot() -> dict[str, float]:
    """This process's counters so far."""
    with _lock:
        return dict(_counts)


def dump() -> None:
    """Write this process's counters to its file (atomically)."""
    folder = os.environ.get(COUNTERS_ENV)
    if not folder:
        return
    path = Path(folder) / f"{os.getpid()}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(snapshot()), encoding="utf-8")
    temporary.replace(path)


def _dump_every(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        dump()


def read_totals(folder: Path) -> Counter[str]:
    """The sum of every process's counters in ``folder``."""
    totals: Counter[str] = Counter()
    for path in folder.glob("*.json"):
        try:
            totals.update(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a file being replaced: the next read sees it
    return totals


def _value_bytes(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, bool | int | float):
        return 8
    if isinstance(value, dict | list | tuple):
        return len(json.dumps(value, default=str))
    return len(str(value))


def _params_bytes(parameters: Any) -> int:
    if isinstance(parameters, dict):
        return sum(_value_bytes(v) for v in parameters.values())
    if isinstance(parameters, list | tuple):
        return sum(_params_bytes(p) if isinstance(p, dict | list | tuple) else _value_bytes(p)
                   for p in parameters)  # fmt: skip
    return _value_bytes(parameters)


def _hook_sql() -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import Engine

    @sa.event.listens_for(Engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:  # fmt: skip
        now = time.perf_counter()
        conn.info["bench_started"] = now
        if conn.info.pop("bench_pending", False):
            # The transaction's first statement: on SQLite the write lock is held by now
            # (BEGIN IMMEDIATE ran in the begin hooks), so the wait for it is over.
            conn.info["bench_first"] = now

    @sa.event.listens_for(Engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:  # fmt: skip
        elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        kind = statement.lstrip().split(None, 1)[0].lower() if statement.strip() else "other"
        kind = kind if kind in ("select", "insert", "update", "delete", "with") else "other"
        values: dict[str, float] = {"sql.statements": 1, f"sql.{kind}": 1,
                                    "sql.client_seconds": elapsed}  # fmt: skip
        match = _TABLE.match(statement)
        if match and kind in ("insert", "update", "delete", "other", "with"):
            rows = cursor.rowcount if cursor.rowcount and cursor.rowcount > 0 else 0
            if kind == "insert" and rows == 0:
                rows = len(parameters) if executemany else 1
            table = match[1].lower()
            written = _params_bytes(parameters)
            values |= {"sql.rows_written": rows, f"sql.rows.{table}": rows,
                       "sql.bytes_written": written, f"sql.bytes.{table}": written,
                       f"sql.seconds.{table}": elapsed}  # fmt: skip
        else:
            values[f"sql.seconds.{kind}"] = elapsed
        _add(**values)

    @sa.event.listens_for(Engine, "begin")
    def _begin(conn: Any) -> None:
        conn.info["bench_begun"] = time.perf_counter()
        conn.info["bench_pending"] = True
        conn.info["bench_read_only"] = bool(conn.get_execution_options().get("docbatch_read_only"))

    def _end(conn: Any, name: str) -> None:
        now = time.perf_counter()
        begun = conn.info.pop("bench_begun", now)
        first = conn.info.pop("bench_first", now)
        conn.info.pop("bench_pending", None)
        read_only = conn.info.pop("bench_read_only", False)
        values: dict[str, float] = {f"sql.{name}": 1}
        if not read_only:
            values |= {"sql.write_transactions": 1, "sql.write_held_seconds": now - first,
                       "sql.write_wait_seconds": first - begun}  # fmt: skip
        _add(**values)

    sa.event.listen(Engine, "commit", lambda conn: _end(conn, "commits"))
    sa.event.listen(Engine, "rollback", lambda conn: _end(conn, "rollbacks"))


def _hook_copy() -> None:
    """Count the rows PostgreSQL receives through psycopg's ``COPY`` (docbatch streams
    mentions and relationships that way, past SQLAlchemy's events)."""
    try:
        import psycopg
    except ImportError:
        return
    from contextlib import contextmanager

    local = threading.local()
    original_copy = psycopg.Cursor.copy
    original_write_row = psycopg.Copy.write_row

    @contextmanager
    def copy(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
        match = re.match(r"\s*COPY\s+\"?(\w+)", str(statement), re.I)
        local.table = match[1].lower() if match else "unknown"
        started = time.perf_counter()
        with original_copy(self, statement, *args, **kwargs) as copying:
            yield copying
        elapsed = time.perf_counter() - started
        _add(**{"sql.statements": 1, "sql.copy": 1, "sql.client_seconds": elapsed,
                f"sql.seconds.{local.table}": elapsed})  # fmt: skip

    def write_row(self: Any, row: Any) -> None:
        table = getattr(local, "table", "unknown")
        size = _params_bytes(tuple(row))
        _add(**{"sql.rows_written": 1, f"sql.rows.{table}": 1, "sql.bytes_written": size,
                f"sql.bytes.{table}": size})  # fmt: skip
        original_write_row(self, row)

    psycopg.Cursor.copy = copy  # type: ignore[method-assign]
    psycopg.Copy.write_row = write_row  # type: ignore[method-assign]


def _hook_redis() -> None:
    from redis.connection import AbstractConnection

    original = AbstractConnection.send_packed_command

    def counted(self: Any, command: Any, check_health: bool = True) -> None:
        if isinstance(command, str):
            size = len(command.encode())
        elif isinstance(command, bytes | bytearray | memoryview):
            size = len(command)
        else:
            size = sum(len(part) for part in command)
        _add(**{"redis.round_trips": 1, "redis.bytes_sent": size})
        original(self, command, check_health)

    AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


def _hook_celery() -> None:
    from celery import signals

    def published(sender: Any = None, **_: Any) -> None:
        _add(**{"broker.messages": 1, f"broker.messages.{str(sender).rsplit('.', 1)[-1]}": 1})

    def finished(**_: Any) -> None:
        _add(**{"broker.tasks_run": 1})
        dump()

    def forked(**_: Any) -> None:
        # A pool process starts with a copy of its parent's counters and no thread.
        with _lock:
            _counts.clear()
        threading.Thread(target=_dump_every, args=(0.5,), daemon=True).start()

    signals.before_task_publish.connect(published, weak=False)
    signals.task_postrun.connect(finished, weak=False)
    signals.worker_process_init.connect(forked, weak=False)
