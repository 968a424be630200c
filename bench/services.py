"""``python -m bench services``: what each document costs the shared services, and how many
worker cores one database and one Redis can feed.

A batch of text documents (the generated corpus of the other scenarios, or ``--corpus
DIR``) runs on a private cluster whose workers load :mod:`bench.counted_worker` (docbatch's
app with :mod:`bench.counting`'s counters), once on SQLite and once on a fresh PostgreSQL
database. Per document it reports:

- from the clients (every worker process and the submitter): SQL statements,
  transactions, rows and bytes written (per table), Redis round trips and bytes, broker
  messages published, and how long write transactions held the database;
- from the services: the private Redis's own CPU time (``INFO cpu``) and commands
  (``INFO commandstats``), and on PostgreSQL the CPU time of the database's server
  processes (``pg_stat_activity`` pids, read with psutil), its transactions and tuples
  (``pg_stat_database``) and the database's growth;
- the workers' own CPU time (main and pool processes and their parser sandboxes).

**The model.** A worker core needs ``w`` CPU seconds per document. A service that spends
``s`` seconds per document on it saturates at ``1 / s`` documents per second, so it
feeds ``w / s`` worker cores: one Redis (single-threaded) feeds ``w / s_redis`` cores, one
PostgreSQL core ``w / s_pg`` (a server with ``k`` cores about ``k`` times that, until its
disk or locks bind), and SQLite, whose writers take turns on one lock, ``w / t_lock``
where ``t_lock`` is the time a document's write transactions hold it. The smallest of
these is the resource that stops scaling, at that many worker cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.counting import COUNTERS_ENV, install, read_totals
from bench.harness import (
    POSTGRES_SERVER_URL,
    Cluster,
    add_common_arguments,
    fresh_postgres_database,
    make_corpus,
    postgres_unreachable,
    summary_row,
)
from bench.synth.corpus import CorpusManifest

__all__ = ["add_arguments", "measure", "model", "run", "summarize"]

#: Counters printed per document, in this order, with their labels.
PER_DOCUMENT = (
    ("sql.statements", "SQL statements"),
    ("sql.commits", "transactions committed"),
    ("sql.write_transactions", "write transactions"),
    ("sql.rows_written", "rows written"),
    ("sql.bytes_written", "bytes written (values)"),
    ("redis.round_trips", "Redis round trips"),
    ("redis.bytes_sent", "Redis bytes sent"),
    ("redis.server_commands", "Redis commands (server)"),
    ("broker.messages", "broker messages published"),
    ("broker.tasks_run", "tasks run"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--corpus", type=Path, default=None,
                        help="a folder of documents instead of the generated corpus")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    add_common_arguments(parser, docs=200, max_pages=3, workers=1, warmup=16)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``services.json`` and ``services.png``; print the table."""
    result = measure(args.docs, args.max_pages, args.workers, args.warmup, args.seed,
                     corpus_dir=args.corpus, postgres=not args.no_postgres)  # fmt: skip
    path = write_results(args.out, "services", result)
    _chart(args.out / "services.png", result)
    print(table(result))
    print(f"results written to {path}")
    return 0


def measure(
    docs: int,
    max_pages: int,
    workers: int,
    warmup: int,
    seed: int,
    *,
    corpus_dir: Path | None = None,
    postgres: bool = True,
) -> dict[str, Any]:
    """The corpus on SQLite and on PostgreSQL, counted; the per-document costs and model."""
    with tempfile.TemporaryDirectory(prefix="docbatch-services-") as tmp:
        root = Path(tmp)
        corpus = (
            _folder_manifest(corpus_dir, root / "manifest")
            if corpus_dir is not None
            else make_corpus(root / "corpus", docs, seed=seed, pages=(1, max_pages))
        )
        backends: dict[str, Any] = {"sqlite": _measure(root / "sqlite", corpus, workers, warmup)}
        unreachable = postgres_unreachable() if postgres else "not asked for (--no-postgres)"
        if unreachable:
            backends["postgresql"] = {"skipped": unreachable}
        else:
            with fresh_postgres_database(POSTGRES_SERVER_URL) as url:
                backends["postgresql"] = _measure(
                    root / "postgresql", corpus, workers, warmup, database_url=url
                )
    return {
        "params": {"docs": corpus.count, "pages": corpus.pages, "workers": workers,
                   "warmup": warmup, "seed": seed,
                   "corpus": str(corpus_dir) if corpus_dir else "generated text mix"},
        **backends,
    }  # fmt: skip


def _folder_manifest(folder: Path, out: Path) -> CorpusManifest:
    """A manifest of every file under ``folder`` (sorted), shaped like a generated one."""
    import json

    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "README.md")
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    manifest.write_text(json.dumps({"documents": [{"path": str(p)} for p in files]}), "utf-8")
    return CorpusManifest(folder=folder, manifest_path=manifest, truth_path=manifest,
                          count=len(files), seed=0, formats={}, pages=0,
                          bytes=sum(p.stat().st_size for p in files), seconds=0.0)  # fmt: skip


def _measure(
    root: Path, corpus: CorpusManifest, workers: int, warmup: int, **changes: Any
) -> dict[str, Any]:
    counters = root / "counters"
    counters.mkdir(parents=True)
    os.environ[COUNTERS_ENV] = str(counters)  # the workers inherit it; so does this process
    install()
    try:
        with Cluster(root, workers, warmup_docs=warmup,
                     worker_app="bench.counted_worker:app", **changes) as cluster:  # fmt: skip
            time.sleep(1.0)  # the last dumps of the warm-up land
            before = _sample(cluster, counters)
            timing = cluster.run_batch(corpus)
            time.sleep(1.5)  # counters dumped every 0.5 s; PostgreSQL's statistics flushed
            after = _sample(cluster, counters)
    finally:
        os.environ.pop(COUNTERS_ENV, None)
    delta = Counter({k: after["counters"].get(k, 0) - before["counters"].get(k, 0)
                     for k in after["counters"]})  # fmt: skip
    for key in ("worker_cpu_s", "redis_cpu_s", "redis_commands", "database_bytes",
                "pg_cpu_s", "pg_xact_commit", "pg_tup_inserted", "pg_tup_updated",
                "pg_tup_deleted"):  # fmt: skip
        if key in after:
            delta[key] = after[key] - before[key]
    delta["redis.server_commands"] = delta.pop("redis_commands", 0)
    documents = timing.docs
    per_doc = {key: round(value / documents, 6) for key, value in sorted(delta.items())}
    result = {
        "timing": timing.to_dict(),
        "documents": documents,
        "per_document": per_doc,
        "redis_commandstats_per_document": {
            name: round((after["commandstats"].get(name, 0)
                         - before["commandstats"].get(name, 0)) / documents, 3)
            for name in after["commandstats"]
            if after["commandstats"][name] != before["commandstats"].get(name, 0)
        },
    }  # fmt: skip
    result["model"] = model(per_doc, postgres="pg_cpu_s" in per_doc)
    return result


def model(per_doc: dict[str, float], *, postgres: bool) -> dict[str, Any]:
    """Worker cores each shared service can feed, from the per-document costs."""
    work = per_doc.get("worker_cpu_s", 0.0)
    out: dict[str, Any] = {"worker_cpu_ms_per_doc": round(1000 * work, 3)}

    def cores(service_s: float) -> float | None:
        return round(work / service_s, 1) if service_s > 0 else None

    redis_s = per_doc.get("redis_cpu_s", 0.0)
    trips = per_doc.get("redis.round_trips", 0.0)
    out["redis"] = {
        "cpu_ms_per_doc": round(1000 * redis_s, 3),
        "us_per_round_trip": round(1e6 * redis_s / trips, 1) if trips else None,
        "worker_cores_fed": cores(redis_s),
    }
    if postgres:
        pg_s = per_doc.get("pg_cpu_s", 0.0)
        statements = per_doc.get("sql.statements", 0.0)
        out["database"] = {
            "kind": "postgresql",
            "cpu_ms_per_doc": round(1000 * pg_s, 3),
            "us_per_statement": round(1e6 * pg_s / statements, 1) if statements else None,
            "worker_cores_fed": cores(pg_s),
            "fed_per": "PostgreSQL core",
        }
    else:
        held = per_doc.get("sql.write_held_seconds", 0.0)
        out["database"] = {
            "kind": "sqlite",
            "write_lock_ms_per_doc": round(1000 * held, 3),
            "worker_cores_fed": cores(held),
            "fed_per": "SQLite file (one write lock)",
        }
    fed = {"redis": out["redis"]["worker_cores_fed"],
           "database": out["database"]["worker_cores_fed"]}  # fmt: skip
    known = {k: v for k, v in fed.items() if v is not None}
    if known:
        limit = min(known, key=lambda k: known[k])
        out["limit"] = {"resource": limit, "worker_cores": known[limit]}
    return out


@contextlib.contextmanager
def _quiet_psutil() -> Iterator[None]:
    import psutil

    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        yield


def _cpu_of_tree(pid: int) -> float:
    """CPU seconds of a process and its descendants (and of their reaped children)."""
    import psutil

    total = 0.0
    with _quiet_psutil():
        main = psutil.Process(pid)
        for process in [main, *main.children(recursive=True)]:
            with _quiet_psutil():
                t = process.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
    return total


def _sample(cluster: Cluster, counters: Path) -> dict[str, Any]:
    """Every figure the scenario diffs, read now."""
    import redis

    assert cluster.worker is not None and cluster.worker.process is not None
    assert cluster.redis is not None
    sample: dict[str, Any] = {"counters": read_totals(counters)}
    sample["worker_cpu_s"] = _cpu_of_tree(cluster.worker.process.pid)
    client = redis.Redis(unix_socket_path=str(cluster.redis.socket))
    try:
        cpu = client.info("cpu")
        sample["redis_cpu_s"] = float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])
        stats = client.info("commandstats")
        sample["commandstats"] = {k.removeprefix("cmdstat_"): int(v["calls"])
                                  for k, v in stats.items()}  # fmt: skip
        # INFO itself is a command; leave the benchmark's own out of the count.
        sample["redis_commands"] = sum(
            v for k, v in sample["commandstats"].items() if k not in ("info",)
        )
    finally:
        client.close()
    url = cluster.settings.effective_database_url
    if url.startswith("postgresql"):
        sample |= _postgres_sample(url)
    else:
        database = Path(url.removeprefix("sqlite:///"))
        sample["database_bytes"] = sum(
            p.stat().st_size for p in database.parent.glob(database.name + "*")
        )
    return sample


def _postgres_sample(url: str) -> dict[str, Any]:
    import psutil
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            pids = connection.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")).scalars().all()  # fmt: skip
            stats = connection.execute(sa.text(
                "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, "
                "pg_database_size(current_database()) FROM pg_stat_database "
                "WHERE datname = current_database()")).one()  # fmt: skip
    finally:
        engine.dispose()
    cpu = 0.0
    for pid in pids:
        with _quiet_psutil():
            times = psutil.Process(pid).cpu_times()
            cpu += times.user + times.system
    return {"pg_cpu_s": cpu, "pg_xact_commit": stats[0], "pg_tup_inserted": stats[1],
            "pg_tup_updated": stats[2], "pg_tup_deleted": stats[3],
            "database_bytes": stats[4]}  # fmt: skip


def table(result: dict[str, Any]) -> str:
    """The per-document costs and the model, as a text table (one column per backend)."""
    backends = [b for b in ("sqlite", "postgresql") if "per_document" in result.get(b, {})]
    lines = [f"{'per document':34}" + "".join(f"{b:>14}" for b in backends)]
    keys = [*PER_DOCUMENT, ("database_bytes", "database growth, bytes"),
            ("sql.write_held_seconds", "write transactions held, s"),
            ("sql.write_wait_seconds", "waited to begin them, s"),
            ("worker_cpu_s", "worker CPU, s"), ("redis_cpu_s", "Redis CPU, s"),
            ("pg_cpu_s", "PostgreSQL server CPU, s")]  # fmt: skip
    for key, label in keys:
        values = [result[b]["per_document"].get(key) for b in backends]
        if any(v is not None for v in values):
            lines.append(f"{label:34}" + "".join(
                f"{v:>14.4g}" if v is not None else f"{'-':>14}" for v in values))  # fmt: skip
    for backend in backends:
        rows = {k.removeprefix("sql.rows."): v for k, v in result[backend]["per_document"].items()
                if k.startswith("sql.rows.") and v}  # fmt: skip
        total = sum(rows.values()) or 1.0
        top = sorted(rows.items(), key=lambda kv: -kv[1])[:6]
        shares = [f"{name} {value:.1f} ({100 * value / total:.0f} %)" for name, value in top]
        lines.append(f"{backend} rows per document by table: " + ", ".join(shares))
    for backend in backends:
        m = result[backend]["model"]
        lines.append(
            f"model ({backend}): worker {m['worker_cpu_ms_per_doc']:.1f} ms CPU/doc; "
            f"Redis {m['redis']['cpu_ms_per_doc']:.2f} ms/doc "
            f"({m['redis']['us_per_round_trip']} us/round trip) feeds "
            f"{m['redis']['worker_cores_fed']} worker cores; {m['database']['kind']} "
            + (f"{m['database']['cpu_ms_per_doc']:.2f} ms/doc "
               f"({m['database']['us_per_statement']} us/statement)"
               if m['database']['kind'] == 'postgresql'
               else f"write lock {m['database']['write_lock_ms_per_doc']:.2f} ms/doc")
            + f" feeds {m['database']['worker_cores_fed']} per {m['database']['fed_per']}"
        )  # fmt: skip
    return "\n".join(lines)


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    rows = []
    for backend in ("sqlite", "postgresql"):
        if "model" not in result.get(backend, {}):
            continue
        m = result[backend]["model"]
        unit = "core" if backend == "postgresql" else "write lock"
        label = f"worker cores fed by one Redis / one {backend} {unit}"
        fed = f"{m['redis']['worker_cores_fed']} / {m['database']['worker_cores_fed']}"
        rows.append(summary_row(label, fed))
    return rows


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars: list[Bar] = []
    for group, backend in enumerate(("sqlite", "postgresql")):
        if "model" not in result.get(backend, {}):
            continue
        m = result[backend]["model"]
        pairs = (("Redis", m["redis"]["worker_cores_fed"]),
                 (m["database"]["kind"], m["database"]["worker_cores_fed"]))  # fmt: skip
        for label, value in pairs:
            section = "worker cores one service can feed" if not bars else ""
            bars.append(
                Bar(f"{backend}: {label}", value or 0.0, f"{value} cores", group, section=section)
            )
    title = "services: worker cores one database and one Redis can feed"
    note = "w / s: worker CPU per document over the service's time per document"
    bar_chart(path, title, bars, note=note)
