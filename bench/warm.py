"""``python -m bench warm``: a batch cold, then the same documents re-submitted.

One private cluster runs the corpus as a batch with an empty stage cache (cold), then
submits the same files again as a new batch of the same project: extract, chunk and
entities are then served from the content-addressed cache (resolve and relate always
run, against the project's entities). Each batch's cache hits and misses, counted per
stage by the workers' metrics recorder
(:meth:`~docbatch.redis.metrics.MetricsReader.batch_cache`), give its hit rate.

Then the cache is lost (its entries deleted, as after a Redis restart or once they
expire) while the database keeps every result: ``docbatch warm`` of the corpus's manifest
(:meth:`~docbatch.client.Docbatch.warm`) preloads the cache from the database, and the
same documents are run once more as "after warm". The specification's target is an 80 %
cache hit rate for warmed batches.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import (
    Cluster,
    add_common_arguments,
    make_corpus,
    summary_row,
)
from bench.synth.corpus import CorpusManifest
from docbatch.redis.metrics import MetricsReader

__all__ = ["add_arguments", "cache_counts", "measure", "run", "summarize"]

#: The specification's target hit rate for warmed batches.
TARGET_HIT_RATE = 0.80


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    add_common_arguments(parser, docs=200, max_pages=3, workers=2, warmup=16)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``warm.json`` and ``warm.png``."""
    result = measure(args.docs, args.max_pages, args.workers, args.warmup, args.seed)
    path = write_results(args.out, "warm", result)
    _chart(args.out / "warm.png", result)
    for name, row in result["runs"].items():
        print(f"{name:<12} {row['total_s']:>8.2f} s  hit rate {row['hit_rate']:.0%}")
    print(f"speed-up of the re-submitted batch: {result['speedup']:.2f}x")
    print(f"results written to {path}")
    return 0


def cache_counts(cluster: Cluster, batch_id: str) -> tuple[int, int]:
    """The batch's (hits, misses) of the stage cache, once its workers have recorded them
    (they do just after each step's commit, so the counts settle after the batch ends)."""
    assert cluster.client is not None and cluster.client.redis is not None
    reader = MetricsReader(cluster.client.redis, cluster.settings.key_prefix)
    counts, deadline = reader.batch_cache(batch_id), time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.2)
        again = reader.batch_cache(batch_id)
        if again == counts:
            break
        counts = again
    hits = sum(n for name, n in counts.items() if name.endswith(":hit"))
    misses = sum(n for name, n in counts.items() if name.endswith(":miss"))
    return hits, misses


def measure(docs: int, max_pages: int, workers: int, warmup: int, seed: int) -> dict[str, Any]:
    """Run the corpus cold, then re-submitted; and after ``warm`` when it exists."""
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", docs, seed=seed, pages=(1, max_pages))
        with Cluster(root / "cluster", workers, warmup_docs=warmup) as cluster:
            runs["cold"] = _measured_run(cluster, corpus)
            runs["resubmitted"] = _measured_run(cluster, corpus)
            runs["after_warm"] = _after_warm(cluster, corpus)
    speedup = runs["cold"]["total_s"] / runs["resubmitted"]["total_s"]
    return {
        "params": {
            "docs": docs,
            "max_pages": max_pages,
            "workers": workers,
            "warmup": warmup,
            "seed": seed,
        },
        "corpus": {"docs": corpus.count, "pages": corpus.pages},
        "runs": runs,
        "speedup": round(speedup, 3),
        "note": "resolve and relate are never cached: they depend on the project's entities",
    }


def _measured_run(cluster: Cluster, corpus: CorpusManifest) -> dict[str, Any]:
    timing = cluster.run_batch(corpus)
    hits, misses = cache_counts(cluster, cluster.last_batch_id)
    row = timing.to_dict()
    row.update(
        cache_hits=hits,
        cache_misses=misses,
        hit_rate=round(hits / (hits + misses), 4) if hits + misses else 0.0,
    )
    return row


def _after_warm(cluster: Cluster, corpus: CorpusManifest) -> dict[str, Any]:
    """Lose the cache, warm it from the database with the manifest, run the corpus again."""
    assert cluster.client is not None
    client = cluster.client
    assert client.redis is not None
    dropped = 0
    for key in client.redis.scan_iter(match=f"{cluster.settings.key_prefix}:cache:*"):
        dropped += client.redis.delete(key)
    started = time.perf_counter()
    report = client.warm(manifest=corpus.manifest_path)
    warm_s = time.perf_counter() - started
    row = _measured_run(cluster, corpus)
    row.update(entries_dropped=dropped, warm_s=round(warm_s, 3), warm_report=report)
    return row


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    resub = result["runs"]["resubmitted"]
    out = [
        summary_row("cache hit rate, re-submitted batch", f"{resub['hit_rate']:.0%}",
                    "≥ 80 % (spec, warmed batches)", resub["hit_rate"] >= TARGET_HIT_RATE),
        summary_row("speed-up, re-submitted vs cold batch", f"{result['speedup']:.2f}x"),
    ]  # fmt: skip
    warmed = result["runs"]["after_warm"]
    out.append(summary_row("cache hit rate after the cache was lost and `docbatch warm` ran",
                           f"{warmed['hit_rate']:.0%}", "≥ 80 % (spec)",
                           warmed["hit_rate"] >= TARGET_HIT_RATE))  # fmt: skip
    return out


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = []
    for index, (name, row) in enumerate(result["runs"].items()):
        text = f"{row['total_s']:.1f} s, {row['hit_rate']:.0%} hits"
        section = "batch time and stage-cache hit rate" if index == 0 else ""
        bars.append(Bar(name, row["total_s"], text, index, section=section))
    note = f"{result['corpus']['docs']} documents; speed-up {result['speedup']:.2f}x"
    bar_chart(path, "warm: cold, re-submitted, and after the cache was lost and warmed", bars,
              note=note)  # fmt: skip
