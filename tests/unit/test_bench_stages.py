"""Smoke run of ``python -m bench stages`` at a tiny size: shape and sanity, no timings."""

from __future__ import annotations

import json

import pytest

from bench.__main__ import main
from bench.stages import STAGES


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("bench")
    argv = ["stages", "--docs", "3", "--pages", "2", "--ocr-pages", "1"]
    assert main([*argv, "--ocr-engines", "auto", "--out", str(out)]) == 0
    loaded: dict[str, object] = json.loads((out / "stages.json").read_text(encoding="utf-8"))
    return loaded


def test_every_stage_is_measured_with_positive_rates(results: dict[str, object]) -> None:
    stages = results["stages"]
    assert isinstance(stages, list)
    assert [s["stage"] for s in stages] == list(STAGES)
    for stage in stages:
        assert stage["skipped"] is None, stage
        assert stage["seconds"] > 0
        assert stage["pages_per_second"] > 0
        assert stage["docs_per_second"] > 0
        assert stage["items"] > 0, stage


def test_stage_page_counts_match_the_parameters(results: dict[str, object]) -> None:
    stages = {s["stage"]: s for s in results["stages"]}  # type: ignore[attr-defined]
    assert stages["ocr"]["pages"] == 1
    assert stages["ocr"]["engine"] in {"tesseract", "rapidocr"}
    for name in ("extract_text_layer", "chunk", "entities", "resolve", "relate"):
        assert (stages[name]["documents"], stages[name]["pages"]) == (3, 6)


def test_results_describe_machine_and_packages(results: dict[str, object]) -> None:
    machine, packages = results["machine"], results["packages"]
    assert isinstance(machine, dict) and isinstance(packages, dict)
    assert machine["cpu_model"]
    assert machine["cores_logical"] >= 1
    assert machine["python"].count(".") == 2
    assert {"pypdfium2", "eyecite", "hyperscan", "tesserocr"} <= set(packages)
    assert packages["pypdfium2"]
    assert results["scenario"] == "stages"
    assert results["params"] == {
        "docs": 3,
        "pages": 2,
        "ocr_pages": 1,
        "ocr_engines": ["auto"],
        "seed": 0,
    }


def test_unknown_scenario_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-scenario"])
    assert exit_info.value.code == 2
