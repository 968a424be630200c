"""``python -m bench memory``: peak RSS of the submitter and of the workers.

Submitter: for each size, a fresh process (spawned, so nothing else it did counts)
validates the manifest, commits the batch and enqueues it to a private Redis with no
worker running; its peak RSS (``VmHWM``) is reported with the RSS it had before
(imports done). Workers: a cluster of worker processes runs a batch of the first size
while every worker process's RSS is sampled with psutil until the batch ends or
``--sample-seconds`` pass; the peaks per process and the peak of their sum are reported.

Submission never reads documents, so the corpora are one-page text files (tiny on disk,
fast to generate); the worker figure is therefore for small documents. Target: the
submitter stays under 1 GB at 100,000 documents.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import Cluster, add_common_arguments, make_corpus, summary_row
from bench.synth.corpus import CorpusManifest

__all__ = ["add_arguments", "measure", "run", "sample_workers", "submit_in_child", "summarize"]

#: The submitter's target peak RSS at 100,000 documents, in bytes.
TARGET_SUBMITTER_BYTES = 1_000_000_000
TINY = {"txt": 1.0}
MB = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated batch sizes")
    parser.add_argument(
        "--sample-seconds", type=float, default=30.0, help="longest worker RSS sampling"
    )
    add_common_arguments(parser, workers=2)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``memory.json`` and ``memory.png``."""
    sizes = sorted(int(size) for size in args.sizes.split(",") if size)
    result = measure(sizes, args.workers, args.sample_seconds, args.seed)
    path = write_results(args.out, "memory", result)
    _chart(args.out / "memory.png", result)
    for row in result["submitter"]:
        print(f"submitter, {row['docs']:>7} docs: peak {row['peak_rss_mb']:.0f} MB "
              f"(before {row['start_rss_mb']:.0f} MB), {row['init_s']:.2f} s")  # fmt: skip
    workers = result["workers"]
    print(f"workers, {workers['docs']} docs: peak total {workers['peak_total_mb']:.0f} MB "
          f"over {workers['processes']} processes")  # fmt: skip
    print(f"results written to {path}")
    return 0


def measure(sizes: list[int], workers: int, sample_seconds: float, seed: int) -> dict[str, Any]:
    """Measure the submitter at every size and the workers at the first."""
    submitter = []
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        root = Path(tmp)
        corpora = {
            size: make_corpus(root / f"corpus-{size}", size, seed=seed, pages=(1, 1), mix=TINY)
            for size in sizes
        }
        for size, corpus in corpora.items():
            with Cluster(root / f"submit-{size}", 0) as cluster:
                submitter.append(submit_in_child(cluster, corpus))
        first = corpora[sizes[0]]
        with Cluster(root / "workers", workers) as cluster:
            cluster.init_batch(first)
            worker_row = sample_workers(cluster, sample_seconds)
    worker_row["docs"] = sizes[0]
    return {
        "params": {
            "sizes": sizes,
            "workers": workers,
            "sample_seconds": sample_seconds,
            "seed": seed,
            "documents": "one-page text files",
        },
        "submitter": submitter,
        "workers": worker_row,
    }


def submit_in_child(cluster: Cluster, corpus: CorpusManifest) -> dict[str, Any]:
    """Create and enqueue the corpus in a fresh spawned process; its RSS figures."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        row: dict[str, Any] = pool.apply(_submit, (cluster.settings, corpus.manifest_path))
    return row


def _submit(settings: Any, manifest: Path) -> dict[str, Any]:
    from docbatch.client import Docbatch, Sources

    client = Docbatch(settings)
    client.repo  # noqa: B018 - open and migrate the database before the baseline
    client.app  # noqa: B018
    start = _max_rss()
    started = time.perf_counter()
    batch = client.create(Sources.from_args(manifest=manifest))
    client.enqueue(batch.id)
    seconds = time.perf_counter() - started
    client.close()
    peak = _max_rss()
    return {"docs": batch.total, "init_s": round(seconds, 3), "peak_rss_bytes": peak,
            "peak_rss_mb": round(peak / MB, 1), "start_rss_mb": round(start / MB, 1)}  # fmt: skip


#: Samples taken of the worker processes even when the batch has already finished.
_MIN_SAMPLES = 4


def sample_workers(cluster: Cluster, seconds: float, every: float = 0.25) -> dict[str, Any]:
    """Sample the RSS of every worker process until the batch ends or ``seconds`` pass."""
    import psutil

    assert cluster.worker is not None and cluster.client is not None
    peaks: dict[int, int] = {}
    peak_total = 0
    started = time.monotonic()
    finished = False
    samples = 0
    widest = 0  # the most processes one sample saw
    while time.monotonic() - started < seconds:
        total = 0
        pids = _worker_pids(cluster.worker.process)
        widest = max(widest, len(pids))
        for pid in pids:
            try:
                rss = psutil.Process(pid).memory_info().rss
            except psutil.NoSuchProcess:
                continue
            peaks[pid] = max(peaks.get(pid, 0), rss)
            total += rss
        peak_total = max(peak_total, total)
        samples += 1
        # A few samples even when the batch is already done, and on until one has seen the
        # pool: a sample can fall between a pool child's exit and its replacement, and on a
        # loaded machine several in a row can.
        if cluster.client.get_batch(cluster.last_batch_id).state.terminal:
            finished = True
            if samples >= _MIN_SAMPLES and widest > 1:
                break
        time.sleep(every)
    done = cluster.client.get_batch(cluster.last_batch_id).done
    return {"processes": len(peaks), "sampled_s": round(time.monotonic() - started, 1),
            "batch_finished": finished, "documents_done": done,
            "peak_total_mb": round(peak_total / MB, 1),
            "peak_per_process_mb": sorted((round(v / MB, 1) for v in peaks.values()),
                                          reverse=True)}  # fmt: skip


def _max_rss() -> int:
    """This process's peak RSS in bytes.

    VmHWM belongs to the process's own address space, so it starts afresh at exec;
    ru_maxrss (the fallback off Linux) survives exec and so would report the peak of
    the process that spawned this one whenever that was larger.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # KiB on Linux


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    out = []
    for row in result["submitter"]:
        big = row["docs"] >= 100_000
        met = row["peak_rss_bytes"] < TARGET_SUBMITTER_BYTES if big else None
        target = "< 1 GB (issue 7)" if big else "-"
        metric = f"submitter peak RSS, {row['docs']:,} documents"
        out.append(summary_row(metric, f"{row['peak_rss_mb']:.0f} MB", target, met))
        if big:  # the specification's initialisation target, at the largest size
            out.append(summary_row(f"batch initialisation, {row['docs']:,} documents",
                                   f"{row['init_s']:.1f} s", "< 10 s (spec)",
                                   row["init_s"] < 10.0))  # fmt: skip
    workers = result["workers"]
    out.append(summary_row(f"workers peak RSS (sum of {workers['processes']} processes)",
                           f"{workers['peak_total_mb']:.0f} MB"))  # fmt: skip
    return out


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = [Bar(f"submitter, {row['docs']:,} docs", row["peak_rss_mb"],
                f"{row['peak_rss_mb']:.0f} MB", 0, section="peak RSS" if index == 0 else "")
            for index, row in enumerate(result["submitter"])]  # fmt: skip
    for index, rss in enumerate(result["workers"]["peak_per_process_mb"]):
        bars.append(Bar(f"worker process {index + 1}", rss, f"{rss:.0f} MB", 1))
    bar_chart(path, "memory: submitter and worker processes", bars,
              note="documents are one-page text files")  # fmt: skip


def _worker_pids(process: Any) -> list[int]:
    """The worker's main process and its pool children (none once it has exited)."""
    import psutil

    if process is None or process.poll() is not None:
        return []
    try:
        main = psutil.Process(process.pid)
        return [main.pid, *(child.pid for child in main.children(recursive=True))]
    except psutil.NoSuchProcess:
        return []
