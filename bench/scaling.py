"""``python -m bench scaling``: the same batch on 1 and on 2 worker processes.

Each worker count gets a fresh private cluster (empty cache, empty database) and a
warm-up batch, then runs the corpus to its end. Efficiency = (t1 / t2) / 2: 1.0 is
perfectly linear scaling. The specification asks for "linear scaling with worker count".

The model for N machines is Amdahl's law fitted to the two points: the speed-up
S2 = t1 / t2 gives the parallel share p = 2 (1 - 1 / S2), and S(N) = 1 / ((1 - p) + p / N)
for N worker processes in total. It holds while the shared pieces (the database, Redis)
are not saturated: with SQLite every commit is serialised, so on several machines use
PostgreSQL; on a 2-core machine shared with other jobs, t2 is pessimistic.

With SQLite (the embedded default) every commit holds the one write lock, so two
workers wait for each other; the scenario also runs on a fresh PostgreSQL database
(``DOCBATCH_BENCH_POSTGRES_URL``, default the local server; recorded as skipped when
it does not answer), where commits do not serialise, as in a distributed deployment.

The default batch is 400 documents: the run's tail, when one worker has taken the last
message (``docs_per_task`` documents) and the other has nothing left, is a fixed cost
that at 200 documents took about 5 points off the efficiency of a steady stream.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import (
    POSTGRES_SERVER_URL,
    Cluster,
    add_common_arguments,
    fresh_postgres_database,
    make_corpus,
    postgres_unreachable,
    summary_row,
)

__all__ = ["add_arguments", "amdahl", "measure", "run", "summarize"]

#: Efficiency counted as linear scaling.
TARGET_EFFICIENCY = 0.9
#: Worker-process totals the model predicts for.
MODEL_POINTS = (1, 2, 4, 8, 16, 32)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument(
        "--no-postgres", action="store_true", help="measure on SQLite only, not also PostgreSQL"
    )
    add_common_arguments(parser, docs=400, max_pages=3, warmup=16)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``scaling.json`` and ``scaling.png``."""
    result = measure(args.docs, args.max_pages, args.warmup, args.seed, not args.no_postgres)
    path = write_results(args.out, "scaling", result)
    _chart(args.out / "scaling.png", result)
    print(f"t1 {result['t1_s']:.2f} s, t2 {result['t2_s']:.2f} s, "
          f"efficiency {result['efficiency']:.2f}")  # fmt: skip
    print(f"model: {result['model']['formula']}")
    postgres = result["postgresql"]
    if "skipped" in postgres:
        print(f"PostgreSQL: skipped ({postgres['skipped']})")
    else:
        print(f"PostgreSQL: t1 {postgres['t1_s']:.2f} s, t2 {postgres['t2_s']:.2f} s, "
              f"efficiency {postgres['efficiency']:.2f}")  # fmt: skip
    print(f"results written to {path}")
    return 0


def amdahl(t1: float, t2: float, points: tuple[int, ...] = MODEL_POINTS) -> dict[str, Any]:
    """Amdahl's law fitted to the times on 1 and 2 workers, with predictions."""
    speedup2 = t1 / t2
    parallel = min(max(2.0 * (1.0 - 1.0 / speedup2), 0.0), 1.0)
    predicted = {str(n): round(1.0 / ((1.0 - parallel) + parallel / n), 3) for n in points}
    return {
        "parallel_share": round(parallel, 4),
        "formula": f"S(N) = 1 / ({1 - parallel:.3f} + {parallel:.3f} / N), N = worker processes",
        "predicted_speedup": predicted,
        "assumes": (
            "fixed per-batch work is serial, the rest divides evenly; holds while the database "
            "and Redis keep up (PostgreSQL, not SQLite, across machines); the machine's other "
            "load counts as serial share here"
        ),
    }


def measure(
    docs: int, max_pages: int, warmup: int, seed: int, postgres: bool = True
) -> dict[str, Any]:
    """Time the corpus on 1 and 2 worker processes, on SQLite and on PostgreSQL; fit the
    model to the SQLite (embedded default) pair."""
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", docs, seed=seed, pages=(1, max_pages))
        sqlite = _pair(root / "sqlite", corpus, warmup, None)
        unreachable = postgres_unreachable() if postgres else "not asked for (--no-postgres)"
        on_postgres = (
            {"skipped": unreachable}
            if unreachable
            else _pair(root / "postgresql", corpus, warmup, POSTGRES_SERVER_URL)
        )
    return {
        "params": {"docs": docs, "max_pages": max_pages, "warmup": warmup, "seed": seed},
        "corpus": {"docs": corpus.count, "pages": corpus.pages},
        **sqlite,
        "model": amdahl(sqlite["t1_s"], sqlite["t2_s"]),
        "postgresql": on_postgres,
    }


def _pair(root: Path, corpus: Any, warmup: int, postgres: str | None) -> dict[str, Any]:
    """The corpus on 1, then 2 worker processes, each on a fresh database."""
    timings = {}
    for workers in (1, 2):
        with contextlib.ExitStack() as stack:
            changes: dict[str, Any] = {}
            if postgres is not None:
                changes["database_url"] = stack.enter_context(fresh_postgres_database(postgres))
            cluster = stack.enter_context(
                Cluster(root / f"w{workers}", workers, warmup_docs=warmup, **changes)
            )
            timings[workers] = cluster.run_batch(corpus)
    t1, t2 = timings[1].total_s, timings[2].total_s
    return {
        "runs": {str(n): timing.to_dict() for n, timing in timings.items()},
        "t1_s": round(t1, 3),
        "t2_s": round(t2, 3),
        "speedup": round(t1 / t2, 3),
        "efficiency": round((t1 / t2) / 2, 3),
    }


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    eff = result["efficiency"]
    predicted = result["model"]["predicted_speedup"]
    rows = [
        summary_row("scaling efficiency, 1 → 2 worker processes (SQLite)", f"{eff:.2f}",
                    "≥ 0.9 (spec: linear)", eff >= TARGET_EFFICIENCY),
        summary_row("model (SQLite): predicted speed-up on 8 / 32 processes",
                    f"{predicted['8']:.1f}x / {predicted['32']:.1f}x"),
    ]  # fmt: skip
    postgres = result.get("postgresql", {"skipped": "not measured"})
    if "skipped" in postgres:
        rows.append(summary_row("scaling efficiency on PostgreSQL", "skipped"))
    else:
        pg = postgres["efficiency"]
        label = "scaling efficiency, 1 → 2 worker processes (PostgreSQL)"
        target = "≥ 0.9 (spec: linear)"
        rows.append(summary_row(label, f"{pg:.2f}", target, pg >= TARGET_EFFICIENCY))
    return rows


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = [
        Bar("1 worker process", result["t1_s"], f"{result['t1_s']:.1f} s", 0,
            section="batch time, end to end"),
        Bar("2 worker processes", result["t2_s"], f"{result['t2_s']:.1f} s", 1),
    ]  # fmt: skip
    for index, (n, speedup) in enumerate(result["model"]["predicted_speedup"].items()):
        bars.append(Bar(f"N = {n}", speedup, f"{speedup:.2f}x", 2,
                        section="model: predicted speed-up" if index == 0 else ""))  # fmt: skip
    note = f"efficiency (t1/t2)/2 = {result['efficiency']:.2f}; {result['model']['formula']}"
    bar_chart(path, "scaling: 1 vs 2 worker processes", bars, note=note)
