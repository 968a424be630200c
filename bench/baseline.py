"""``python -m bench baseline``: docbatch against the specification's naive design.

The same generated corpus runs through docbatch (:class:`~bench.harness.Cluster`) and
through the sketch's design (:mod:`bench.naive`: a chain of tasks per document with the
text in the messages, a chord over the batch), on one private Redis, with the same
number of worker processes, each after a warm-up batch. Both times run from reading the
manifest to the last document's results being stored. With ``--repeat`` the designs
alternate which goes first and the medians are compared.

The specification asks for a 50 % reduction in batch processing time, i.e. the naive
design taking at least twice as long (``naive_over_docbatch >= 2``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import (
    WARMUP_SEED_OFFSET,
    BatchTiming,
    Cluster,
    add_common_arguments,
    make_corpus,
    manifest_sources,
    python_path,
)
from bench.naive import QUEUE, create_naive_app, create_results_table, send_batch
from bench.synth.corpus import CorpusManifest
from docbatch.local.embedded import PrivateRedis, WorkerProcess

__all__ = ["add_arguments", "measure", "run", "run_naive", "summarize"]

#: The specification's target: 50 % less time than the naive design.
TARGET_RATIO = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--repeat", type=int, default=1, help="runs of each design")
    add_common_arguments(parser, docs=200, max_pages=3, workers=2, warmup=32)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``baseline.json`` and ``baseline.png``."""
    result = measure(args.docs, args.max_pages, args.workers, args.repeat, args.warmup, args.seed)
    path = write_results(args.out, "baseline", result)
    _chart(args.out / "baseline.png", result)
    for row in summarize(result):
        print(f"{row['metric']}: {row['value']} (target {row['target']})")
    print(f"results written to {path}")
    return 0


def measure(
    docs: int, max_pages: int, workers: int, repeat: int, warmup: int, seed: int
) -> dict[str, Any]:
    """Time both designs ``repeat`` times on one corpus; returns the results payload."""
    runs: dict[str, list[BatchTiming]] = {"docbatch": [], "naive": []}
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp, PrivateRedis() as redis:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", docs, seed=seed, pages=(1, max_pages))
        for index in range(repeat):
            order = ("docbatch", "naive") if index % 2 == 0 else ("naive", "docbatch")
            for design in order:
                where = root / f"{design}-{index}"
                if design == "docbatch":
                    with Cluster(where, workers, warmup_docs=warmup, redis=redis,
                                 key_prefix=f"bench{index}") as cluster:  # fmt: skip
                        runs[design].append(cluster.run_batch(corpus))
                else:
                    runs[design].append(run_naive(where, corpus, workers, redis, warmup))
    docbatch_s = statistics.median(t.total_s for t in runs["docbatch"])
    naive_s = statistics.median(t.total_s for t in runs["naive"])
    return {
        "params": {
            "docs": docs,
            "max_pages": max_pages,
            "workers": workers,
            "repeat": repeat,
            "warmup": warmup,
            "seed": seed,
        },
        "corpus": {"docs": corpus.count, "pages": corpus.pages, "formats": dict(corpus.formats)},
        "docbatch": [t.to_dict() for t in runs["docbatch"]],
        "naive": [t.to_dict() for t in runs["naive"]],
        "docbatch_total_s": round(docbatch_s, 3),
        "naive_total_s": round(naive_s, 3),
        "naive_over_docbatch": round(naive_s / docbatch_s, 3),
        "time_reduction_pct": round(100 * (1 - docbatch_s / naive_s), 1),
        "fairness": (
            "same corpus, stage functions, options, worker count and Redis; naive chain also "
            "resolves, relates and stores each document as one JSON row in SQLite; chord over "
            "whole chains (sketch defect 1 fixed so its end time is real); warm-up excluded"
        ),
    }


def run_naive(
    root: Path, corpus: CorpusManifest, workers: int, redis: PrivateRedis, warmup: int
) -> BatchTiming:
    """Start naive workers on ``redis``, warm them up, time the corpus, stop them."""
    root.mkdir(parents=True, exist_ok=True)
    database = root / "naive.db"
    create_results_table(database)
    app = create_naive_app(redis.broker_url, database)
    env = {
        "BENCH_NAIVE_BROKER_URL": redis.broker_url,
        "BENCH_NAIVE_DATABASE": str(database),
        "PYTHONPATH": python_path(),
    }
    naive = WorkerProcess("bench.naive:app", workers, env, root / "naive.log", queues=QUEUE)
    worker = naive.start()
    try:
        if warmup:
            warm = make_corpus(root / "warmup", warmup, seed=WARMUP_SEED_OFFSET, pages=(1, 2))
            _naive_batch(app, warm)
        return _naive_batch(app, corpus)
    finally:
        worker.stop()


def _naive_batch(app: Any, corpus: CorpusManifest, timeout: float = 3600.0) -> BatchTiming:
    started = time.perf_counter()
    paths = [str(source.path) for source in manifest_sources(corpus).documents]
    validated = time.perf_counter()
    result = send_batch(app, paths, uuid.uuid4().hex)
    sent = time.perf_counter()
    summary = result.get(timeout=timeout, interval=0.05)
    return BatchTiming(
        docs=len(paths),
        validate_s=validated - started,
        create_s=0.0,  # the naive design commits nothing before sending
        enqueue_s=sent - validated,
        process_s=time.perf_counter() - sent,
        completed=summary["completed"],
        failed=summary["failed"],
        pages=summary["pages"],
    )


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    ratio = result["naive_over_docbatch"]
    reduction = result["time_reduction_pct"]
    change = f"{reduction:.0f} % less time" if reduction >= 0 else f"{-reduction:.0f} % more time"
    return [
        {
            "metric": f"naive design time / docbatch time ({result['params']['workers']} workers)",
            "value": f"{ratio:.2f}x (docbatch takes {change})",
            "target": "≥ 2x (spec: 50 % less time)",
            "met": ratio >= TARGET_RATIO,
        }
    ]


def _chart(path: Path, result: dict[str, Any]) -> None:
    docs = result["corpus"]["docs"]
    bars = [
        Bar("docbatch", result["docbatch_total_s"], f"{result['docbatch_total_s']:.1f} s", 0,
            section=f"{docs} documents, {result['params']['workers']} workers, end to end"),
        Bar("naive (chain + chord)", result["naive_total_s"],
            f"{result['naive_total_s']:.1f} s", 1),
    ]  # fmt: skip
    note = f"naive / docbatch = {result['naive_over_docbatch']:.2f}x; lower is better"
    bar_chart(path, "baseline: docbatch vs the naive design", bars, note=note)
