"""Smoke runs of ``bench startup``, ``bench services`` and ``bench bigscan`` at tiny
sizes, and the model.

As in ``test_bench_smoke.py``: real private Redis servers, real workers and the real
command line; checks on the JSON's shape and counts, never on timing thresholds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bench.__main__ import main
from bench.services import model

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _run(out: Path, scenario: str, *options: str) -> dict[str, Any]:
    assert main([scenario, *options, "--out", str(out)]) == 0
    assert (out / f"{scenario}.png").stat().st_size > 0
    result: dict[str, Any] = json.loads((out / f"{scenario}.json").read_text(encoding="utf-8"))
    assert result["scenario"] == scenario
    return result


def test_startup_times_embedded_and_inline_runs_from_the_command_line(tmp_path: Path) -> None:
    result = _run(
        tmp_path, "startup", "--rounds", "1", "--workers", "1",
        "--document", str(SAMPLES / "memo.txt"), "--samples", str(SAMPLES / "memo.txt"),
    )  # fmt: skip
    for case in ("document", "samples"):
        figures = result["cases"][case]
        for mode in ("inline", "embedded"):
            first, done, total = (figures[mode][m] for m in ("first_claim_s", "first_done_s",
                                                             "total_s"))  # fmt: skip
            assert 0 < first <= done <= total
        assert figures["ratio"]["first_claim_s"] == pytest.approx(
            figures["embedded"]["first_claim_s"] / figures["inline"]["first_claim_s"], rel=1e-2
        )


def test_services_counts_what_documents_cost_the_database_and_redis(tmp_path: Path) -> None:
    result = _run(tmp_path, "services", "--docs", "8", "--max-pages", "1", "--warmup", "2")
    backends = ["sqlite"]
    if os.environ.get("CI") == "true" or "skipped" not in result["postgresql"]:
        backends.append("postgresql")
    for backend in backends:
        measured = result[backend]
        assert measured["timing"]["completed"] == 8
        per_doc = measured["per_document"]
        assert per_doc["sql.rows.documents"] > 0 and per_doc["sql.rows.pages"] >= 1
        assert per_doc["sql.commits"] > 0 and per_doc["redis.round_trips"] > 0
        assert per_doc["broker.messages"] > 0 and per_doc["worker_cpu_s"] > 0
        assert measured["model"]["redis"]["worker_cores_fed"] > 0
        assert measured["model"]["database"]["worker_cores_fed"] > 0


def test_the_model_names_the_service_that_feeds_fewest_cores() -> None:
    per_doc = {"worker_cpu_s": 0.020, "redis_cpu_s": 0.0005, "redis.round_trips": 2.0,
               "pg_cpu_s": 0.004, "sql.statements": 10.0}  # fmt: skip
    result = model(per_doc, postgres=True)
    assert result["redis"]["worker_cores_fed"] == 40.0
    assert result["redis"]["us_per_round_trip"] == 250.0
    assert result["database"]["worker_cores_fed"] == 5.0
    assert result["limit"] == {"resource": "database", "worker_cores": 5.0}
    sqlite = model({"worker_cpu_s": 0.020, "sql.write_held_seconds": 0.010}, postgres=False)
    assert sqlite["database"]["worker_cores_fed"] == 2.0
    assert sqlite["redis"]["worker_cores_fed"] is None and sqlite["limit"]["worker_cores"] == 2.0


def test_bigscan_runs_one_scan_on_one_and_two_workers(tmp_path: Path) -> None:
    result = _run(
        tmp_path, "bigscan", "--pages", "4", "--range-pages", "2", "--rounds", "1",
        "--dpi", "100",
    )  # fmt: skip
    assert set(result["cases"]) == {"1 worker", "2 workers", "2 workers, no ranges"}
    for figures in result["cases"].values():
        assert 0 < figures["document_s"] < figures["total_s"]
    one, two = result["runs"]["1 worker"][0], result["runs"]["2 workers"][0]
    assert result["ratios"]["2 workers / 1 worker"] == pytest.approx(
        two["document_s"] / one["document_s"], rel=1e-2
    )
