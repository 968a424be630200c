"""``python -m bench all``: every scenario at a CI-friendly size, then one summary.

Each scenario runs as ``python -m bench SCENARIO`` in an interpreter of its own, with the
sizes in :data:`PLAN`, writing its own JSON and PNG into ``--out``. Then the headline
rows of every scenario (each module's ``summarize(result)``) go into
``summary.json``, a markdown table ``summary.md`` for the README, and a chart
``summary.png``. ``--publish`` also copies the chart to ``docs/bench-summary.png``,
which the README shows. ``--summary-only`` rebuilds the summary from the JSON files
already in ``--out``; ``--only a,b`` runs some scenarios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import DEFAULT_OUT, machine_info, write_results
from bench.charts import Bar, bar_chart
from bench.harness import REPO_ROOT, summary_row

__all__ = ["PLAN", "add_arguments", "build_summary", "markdown_table", "run"]

#: Scenario -> its arguments in ``bench all`` (sizes chosen to finish in minutes).
PLAN: dict[str, list[str]] = {
    "stages": ["--docs", "10", "--pages", "5", "--ocr-pages", "1", "--ocr-engines", "auto"],
    "baseline": ["--docs", "200", "--repeat", "3"],
    "overhead": ["--docs", "100", "--repeat", "7"],
    "sizes": ["--sizes", "100,1000,10000", "--process-max", "100"],
    "warm": ["--docs", "100"],
    "scaling": ["--docs", "400"],
    "accuracy": ["--docs", "60"],
    "memory": ["--sizes", "10000,100000", "--sample-seconds", "20"],
    "peer": ["--docs", "60"],
    "search": ["--docs", "60", "--pages", "10000"],
    "realworld": [],
    "bigscan": ["--rounds", "1"],
}
PUBLISHED_CHART = REPO_ROOT / "docs" / "bench-summary.png"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--only", default="", help="comma-separated scenarios to run")
    parser.add_argument("--summary-only", action="store_true", help="only rebuild the summary")
    parser.add_argument(
        "--publish", action="store_true", help=f"copy the chart to {PUBLISHED_CHART}"
    )


def run(args: argparse.Namespace) -> int:
    """Run the scenarios, then write ``summary.json``, ``summary.md`` and ``summary.png``."""
    chosen = [name for name in args.only.split(",") if name] or list(PLAN)
    unknown = set(chosen) - set(PLAN)
    if unknown:
        raise SystemExit(f"unknown scenarios {sorted(unknown)}; known: {list(PLAN)}")
    durations: dict[str, float] = {}
    if not args.summary_only:
        for name in chosen:
            print(f"== {name} {' '.join(PLAN[name])}", flush=True)
            started = time.perf_counter()
            # Each scenario in a fresh interpreter, as when it runs alone: the in-process
            # loops (pure, pure+store, inline) ran about 10 % slower after the scenarios
            # before them had grown this process, which flattered the overhead figures.
            command = [sys.executable, "-m", "bench", name, *PLAN[name], "--out", str(args.out)]
            if subprocess.run(command, cwd=REPO_ROOT, check=False).returncode != 0:
                print(f"scenario {name} failed", file=sys.stderr)
                return 1
            durations[name] = round(time.perf_counter() - started, 1)
    summary = build_summary(args.out)
    summary["durations_s"] = durations
    write_results(args.out, "summary", summary)
    (args.out / "summary.md").write_text(markdown_table(summary), encoding="utf-8")
    _chart(args.out / "summary.png", args.out)
    if args.publish:
        PUBLISHED_CHART.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.out / "summary.png", PUBLISHED_CHART)
    print(markdown_table(summary))
    return 0


def build_summary(out: Path) -> dict[str, Any]:
    """Headline rows of every scenario whose results are in ``out``."""
    rows = []
    for name in PLAN:
        result = _load(out, name)
        if result is None:
            continue
        module = importlib.import_module(f"bench.{name}")
        summarize = getattr(module, "summarize", None) or _summarize_stages
        for row in summarize(result):
            rows.append({"scenario": name, **row, "measured": result.get("created")})
    return {"rows": rows, "machine": machine_info()}


def markdown_table(summary: dict[str, Any]) -> str:
    """The summary as a markdown table, with the machine it was measured on."""
    machine = summary["machine"]
    memory = (machine.get("memory_bytes") or 0) / 2**30
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine['cpu_model']}, "
        f"{machine['cores_usable']} usable cores, {memory:.0f} GiB, Python {machine['python']}.",
        "",
        "| scenario | metric | value | target | met |",
        "|---|---|---|---|---|",
    ]
    marks = {True: "yes", False: "**no**", None: "-"}
    for row in summary["rows"]:
        lines.append(f"| {row['scenario']} | {row['metric']} | {row['value']} | "
                     f"{row['target']} | {marks[row['met']]} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def _summarize_stages(result: dict[str, Any]) -> list[dict[str, Any]]:
    rates = {s["stage"]: s for s in result["stages"] if not s["skipped"]}
    return [
        summary_row(f"{stage} pages/s (in-process)", f"{rates[stage]['pages_per_second']:,.0f}")
        for stage in ("extract_text_layer", "entities")
        if stage in rates
    ]


def _load(out: Path, name: str) -> dict[str, Any] | None:
    path = out / f"{name}.json"
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _chart(path: Path, out: Path) -> None:
    bars: list[Bar] = []
    baseline, overhead, warm = _load(out, "baseline"), _load(out, "overhead"), _load(out, "warm")
    scaling, peer = _load(out, "scaling"), _load(out, "peer")
    if baseline:
        section = "baseline: batch time (s), lower is better"
        bars += [Bar("docbatch", baseline["docbatch_total_s"],
                     f"{baseline['docbatch_total_s']:.1f} s", 0, section=section),
                 Bar("naive chain + chord", baseline["naive_total_s"],
                     f"{baseline['naive_total_s']:.1f} s", 1)]  # fmt: skip
    if overhead:
        for index, (name, row) in enumerate(overhead["variants"].items()):
            section = (
                "overhead: median seconds, one process (% over pure: median of per-round ratios)"
                if index == 0
                else ""
            )
            bars.append(Bar(name, row["seconds"], f"{row['seconds']:.1f} s "
                            f"({row['overhead_pct']:+.0f} %)", 2, section=section))  # fmt: skip
    if peer:
        for index, (name, row) in enumerate(peer["runs"].items()):
            section = "peer: documents per second" if index == 0 else ""
            bars.append(Bar(name, row["docs_per_second"], f"{row['docs_per_second']:.1f} docs/s",
                            3, section=section))  # fmt: skip
    if warm and scaling:
        hit = warm["runs"]["resubmitted"]["hit_rate"]
        bars += [Bar("cache hit rate, re-submitted", hit, f"{hit:.0%}", 4,
                     section="ratios (1.0 = full bar)"),
                 Bar("scaling efficiency 1 -> 2", scaling["efficiency"],
                     f"{scaling['efficiency']:.2f}", 4),
                 Bar("full scale", 1.0, "1.0", 5)]  # fmt: skip
    bar_chart(path, "docbatch benchmarks (python -m bench all)", bars,
              note="measured on a shared 2-core machine: re-run on a quiet one")  # fmt: skip
