"""Smoke runs of every ``python -m bench`` scenario at tiny sizes: shape and sanity only.

Each scenario runs once (module scope) into one shared results folder, with real private
Redis servers and real Celery workers where the scenario needs them. The checks are on
the structure of the JSON, on counts, and on figures being positive, finite and within
their ranges; never on timing thresholds, which depend on the machine.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from bench.__main__ import main
from bench.all import build_summary, markdown_table
from bench.scaling import amdahl
from docbatch.cli.main import app
from tests.conftest import in_ci

pytestmark = pytest.mark.integration

TINY: dict[str, list[str]] = {
    "baseline": ["--docs", "4", "--max-pages", "1", "--warmup", "0"],
    "sizes": ["--sizes", "3,30", "--process-max", "3", "--max-pages", "1", "--warmup", "0"],
    "warm": ["--docs", "4", "--max-pages", "1", "--warmup", "0", "--workers", "1"],
    "scaling": ["--docs", "4", "--max-pages", "1", "--warmup", "0"],
    "overhead": [
        "--docs",
        "3",
        "--max-pages",
        "1",
        "--warmup",
        "0",
        "--variants",
        "celery",
        "--repeat",
        "1",
    ],
    "accuracy": ["--docs", "6", "--max-pages", "1", "--mix", "pdf=1,docx=1,html=1,txt=1"],
    "memory": ["--sizes", "20,200", "--sample-seconds", "10", "--workers", "1"],
    "peer": ["--docs", "3", "--max-pages", "1", "--warmup", "0", "--workers", "1"],
    "search": [
        "--docs",
        "3",
        "--max-pages",
        "1",
        "--pages",
        "40",
        "--rounds",
        "1",
        "--repeat",
        "2",
    ],
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-results")


def _run(out: Path, scenario: str) -> dict[str, Any]:
    assert main([scenario, *TINY[scenario], "--out", str(out)]) == 0
    chart = Image.open(out / f"{scenario}.png")
    assert chart.format == "PNG" and chart.width == 960 and chart.height > 100
    result: dict[str, Any] = json.loads((out / f"{scenario}.json").read_text(encoding="utf-8"))
    assert result["scenario"] == scenario
    assert result["machine"]["cores_logical"] >= 1 and result["machine"]["cpu_model"]
    return result


@pytest.fixture(scope="module")
def results(out: Path) -> dict[str, dict[str, Any]]:
    return {scenario: _run(out, scenario) for scenario in TINY}


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def test_baseline_runs_both_designs_to_completion(results: dict[str, dict[str, Any]]) -> None:
    result = results["baseline"]
    for design in ("docbatch", "naive"):
        (run,) = result[design]
        assert (run["docs"], run["completed"], run["failed"]) == (4, 4, 0)
        assert run["pages"] == 4 and _positive(run["total_s"])
    assert result["naive"][0]["create_s"] == 0.0  # the naive design commits nothing first
    assert _positive(result["naive_over_docbatch"])
    assert result["time_reduction_pct"] < 100


def test_sizes_initialises_every_size_and_processes_the_small_one(
    results: dict[str, dict[str, Any]],
) -> None:
    small, large = results["sizes"]["sizes"]
    assert (small["docs"], small["processed"], small["completed"]) == (3, True, 3)
    assert _positive(small["docs_per_second"]) and _positive(small["process_docs_per_second"])
    assert (large["docs"], large["processed"], large["completed"]) == (30, False, 0)
    for row in (small, large):
        assert _positive(row["init_s"])
        parts = row["validate_s"] + row["create_s"] + row["enqueue_s"]
        assert row["init_s"] == pytest.approx(parts, abs=1e-3)


def test_warm_resubmission_is_served_from_the_cache(results: dict[str, dict[str, Any]]) -> None:
    runs = results["warm"]["runs"]
    cold, again = runs["cold"], runs["resubmitted"]
    assert cold["completed"] == again["completed"] == 4
    assert cold["cache_misses"] > 0
    assert (again["hit_rate"], again["cache_misses"]) == (1.0, 0)
    assert again["cache_hits"] == 4 * 3  # extract, chunk and entities of every document
    warmed = runs["after_warm"]
    assert warmed["entries_dropped"] > 0 and warmed["warm_report"]["matched"] == 4
    assert warmed["hit_rate"] == 1.0  # every stage entry came back from the database
    assert _positive(results["warm"]["speedup"])


def test_scaling_reports_efficiency_and_a_model(results: dict[str, dict[str, Any]]) -> None:
    result = results["scaling"]
    assert {run["completed"] for run in result["runs"].values()} == {4}
    assert _positive(result["efficiency"])
    assert result["efficiency"] == pytest.approx(result["t1_s"] / result["t2_s"] / 2, rel=1e-2)
    predicted = list(result["model"]["predicted_speedup"].values())
    assert predicted[0] == pytest.approx(1.0)
    assert predicted == sorted(predicted)
    postgres = result["postgresql"]
    if os.environ.get("CI") == "true" or "skipped" not in postgres:
        assert {run["completed"] for run in postgres["runs"].values()} == {4}
        assert postgres["efficiency"] == pytest.approx(
            postgres["t1_s"] / postgres["t2_s"] / 2, rel=1e-2
        )


def test_amdahl_model_fits_two_points() -> None:
    linear = amdahl(10.0, 5.0)
    assert linear["parallel_share"] == 1.0 and linear["predicted_speedup"]["8"] == 8.0
    half = amdahl(10.0, 7.5)  # S2 = 4/3 -> p = 0.5 -> S(inf) = 2
    assert half["parallel_share"] == 0.5
    assert half["predicted_speedup"]["32"] == pytest.approx(1 / (0.5 + 0.5 / 32), abs=1e-3)
    assert amdahl(10.0, 20.0)["parallel_share"] == 0.0  # slower on two: no parallel share


def test_overhead_compares_pure_inline_and_celery(results: dict[str, dict[str, Any]]) -> None:
    result = results["overhead"]
    assert list(result["variants"]) == ["pure", "pure+store", "inline", "celery"]
    assert result["variants"]["pure"]["overhead_pct"] == 0.0
    assert result["variants"]["pure+store"]["orchestration_pct"] == 0.0
    for row in result["variants"].values():
        assert _positive(row["seconds"]) and math.isfinite(row["overhead_pct"])
        assert math.isfinite(row["orchestration_pct"])
    inline = result["variants"]["inline"]
    assert inline["rows"]["pages"] == 3 and inline["rows"]["mentions"] > 0
    assert set(inline["repository_seconds"]) >= {"documents.claim", "documents.complete"}
    assert result["variants"]["celery"]["timing"]["completed"] == 3
    assert len(result["findings"]) >= 3


def test_accuracy_scores_are_fractions(results: dict[str, dict[str, Any]]) -> None:
    result = results["accuracy"]
    planted = {kind: row for kind, row in result["types"].items() if row["in_truth"]}
    assert {"citation", "date", "money", "person"} <= set(planted)
    for row in [*planted.values(), result["overall"]]:
        assert 0.0 <= row["precision"] <= 1.0 and 0.0 <= row["recall"] <= 1.0
        assert 0.0 <= row["f1"] <= 1.0
    for row in planted.values():
        assert row["true_positives"] <= min(row["predicted"], row["expected"])
    assert result["overall"]["f1"] > 0.5  # a pipeline this broken would be a bug


def test_memory_measures_submitter_and_workers(results: dict[str, dict[str, Any]]) -> None:
    result = results["memory"]
    assert [row["docs"] for row in result["submitter"]] == [20, 200]
    for row in result["submitter"]:
        assert row["peak_rss_mb"] >= row["start_rss_mb"] > 0
    workers = result["workers"]
    assert workers["processes"] >= 2  # the worker's main process and its pool child
    assert workers["peak_total_mb"] >= max(workers["peak_per_process_mb"]) > 0


def test_peer_compares_the_script_with_docbatch(results: dict[str, dict[str, Any]]) -> None:
    result = results["peer"]
    assert len(result["runs"]) == 3
    for row in result["runs"].values():
        assert _positive(row["docs_per_second"])
    assert result["runs"]["peer (pdfminer+eyecite)"]["citations"] > 0
    assert _positive(result["embedded_over_peer"]) and _positive(result["inline_over_peer"])
    assert "unstructured" in result["unstructured"]


def test_all_summarises_every_scenario(results: dict[str, dict[str, Any]], out: Path) -> None:
    assert main(["all", "--summary-only", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {row["scenario"] for row in summary["rows"]} == set(TINY)
    assert all(row["met"] in (True, False, None) for row in summary["rows"])
    table = (out / "summary.md").read_text(encoding="utf-8")
    assert table == markdown_table(build_summary(out) | {"durations_s": {}})
    assert table.count("\n| ") == len(summary["rows"]) + 1  # header + one line per row
    assert Image.open(out / "summary.png").format == "PNG"


def test_cli_bench_delegates_to_the_dispatcher(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["bench", "no-such-scenario"])
    assert unknown.exit_code == 2
    assert main(["all", "--summary-only", "--out", str(tmp_path)]) == 0
    result = runner.invoke(app, ["bench", "all", "--summary-only", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").startswith("Measured ")


def test_all_runs_each_scenario_in_a_fresh_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from bench import all as bench_all

    monkeypatch.setitem(bench_all.PLAN, "accuracy", ["--docs", "4"])
    commands: list[list[str]] = []
    run = subprocess.run

    def recording(command: list[str], **kwargs: Any) -> Any:
        commands.append(command)
        return run(command, **kwargs)

    monkeypatch.setattr(bench_all.subprocess, "run", recording)

    assert main(["all", "--only", "accuracy", "--out", str(tmp_path)]) == 0

    scenarios = [command[1:4] for command in commands if command[1:3] == ["-m", "bench"]]
    assert scenarios == [["-m", "bench", "accuracy"]]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert {row["scenario"] for row in summary["rows"]} == {"accuracy"}
    assert set(summary["durations_s"]) == {"accuracy"}


def test_search_reports_index_cost_and_latency(results: dict[str, dict[str, Any]]) -> None:
    from bench.search import QUERIES

    for name, row in results["search"]["databases"].items():
        if "skipped" in row:
            assert name == "postgresql" and not in_ci()
            continue
        assert len(row["runs_indexed_s"]) == len(row["runs_unindexed_s"]) == 1
        assert -100 < row["index_share_pct"] < 100
        assert row["pages"] == 40 and row["queries"] == len(QUERIES) * 2 * 2
        assert 0 < row["median_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["hits_per_query"]["motion"] > 0  # every generated page has a motion
        assert row["hits_per_query"]['"summary judgment"'] == 0
