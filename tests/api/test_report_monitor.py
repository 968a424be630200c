"""``docbatch report`` and ``docbatch monitor`` over a batch run with the Redis sink."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.client import Docbatch
from docbatch.local.embedded import settings_env
from docbatch.observe.monitor import MonitorSnapshot, collect_snapshot, render, sparkline
from docbatch.observe.report import build_report, percentile
from docbatch.observe.report_html import render_html
from docbatch.redis.metrics import MetricsReader
from tests.api.support import copy_samples, create_batch, process_inline


def _report(client: Docbatch, batch_id: str):
    cache = MetricsReader(client.redis, client.settings.key_prefix).batch_cache(batch_id)
    return build_report(client.repo, batch_id, cache_counts=cache)


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (
        50,
        95,
        100,
    )
    assert percentile([7], 95) == 7
    assert percentile([], 50) == 0


def test_report_figures_come_from_the_batch(client: Docbatch, docs_root: Path) -> None:
    folder = copy_samples(docs_root / "r")
    first = create_batch(client, folder, name="first")
    process_inline(client, first)
    second = create_batch(client, folder, name="second")  # same bytes: served from the cache
    process_inline(client, second)

    report, again = _report(client, first), _report(client, second)

    assert (report.total, report.completed, report.failed) == (5, 4, 1)
    assert report.docs_per_s is not None and report.docs_per_s > 0
    assert sum(p.completed for p in report.throughput) == 4
    assert sum(p.failed for p in report.throughput) == 1
    stages = {s.stage: s for s in report.stages}
    assert stages["extract"].count == 4 and stages["relate"].count == 4
    assert all(s.p50_ms <= s.p95_ms <= s.max_ms for s in report.stages)
    assert [g["category"] for g in report.failures] == ["data"]
    assert Path(report.failures[0]["examples"][0][0]).name == "broken.pdf"
    assert [d["total_ms"] for d in report.slowest] == sorted(
        (d["total_ms"] for d in report.slowest), reverse=True
    )
    assert report.cache is not None and report.cache["hit_rate"] == 0.0
    assert again.cache is not None and again.cache["hit_rate"] > 0.5
    assert report.ocr["ocr_pages"] == 0 and report.ocr["share"] == 0.0


def test_html_report_is_self_contained_with_two_charts(client: Docbatch, docs_root: Path) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "h"))
    process_inline(client, batch_id)

    page = render_html(_report(client, batch_id))

    assert page.count("<svg") == 2
    assert "<script" not in page and "https://" not in page
    assert "broken.pdf" in page and "stage latency" in page


def test_report_command_prints_json_and_writes_html(
    client: Docbatch, docs_root: Path, tmp_path: Path
) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "cli", ("memo.txt", "broken.pdf")))
    process_inline(client, batch_id)
    env = {**settings_env(client.settings), "COLUMNS": "200"}
    html = tmp_path / "report.html"

    result = CliRunner().invoke(app, ["report", batch_id, "--json"], env=env)
    written = CliRunner().invoke(app, ["report", batch_id, "--html", str(html)], env=env)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["batch_id"], data["completed"], data["failed"]) == (batch_id, 1, 1)
    assert data["failures"][0]["count"] == 1
    assert written.exit_code == 0 and "<svg" in html.read_text()
    assert os.environ.get("DOCBATCH_DATABASE_URL") is None  # the runner restored the env


def test_monitor_shows_a_running_batch(client: Docbatch, docs_root: Path) -> None:
    folder = copy_samples(
        docs_root / "mon", ("broken.pdf", "docket.html", "memo.txt", "opinion.pdf")
    )
    batch_id = create_batch(client, folder, name="watched")
    client.enqueue(batch_id)  # one message of four documents waits in extract/normal
    process_inline(client, batch_id, limit=2)  # broken.pdf fails, docket.html completes

    snapshot = collect_snapshot(client, inspect_timeout=None)
    console = Console(record=True, width=160, color_system=None)
    console.print(render(snapshot))
    text = console.export_text()

    line = next(b for b in snapshot.batches if b.batch_id == batch_id)
    assert (line.state, line.done, line.total, line.failed) == ("running", 2, 4, 1)
    assert snapshot.queues[("extract", "normal")] == 1
    assert snapshot.throughput[-1] == 2
    row = next(r for r in text.splitlines() if r.startswith("┃ watched") or "watched" in r)
    assert "running" in row and "2/4" in row and "50%" in row and "normal" in row
    assert [Path(str(e["path"])).name for e in snapshot.errors] == ["broken.pdf"]
    assert "latest errors" in text and "Data format error" in text
    assert "2 docs/min" in text
    assert "(unknown)" in text  # workers were not asked


def test_monitor_rendering_is_pure() -> None:
    snapshot = MonitorSnapshot(taken_at=0.0, batches=[], throughput=[0, 4, 8], workers=[])
    console = Console(record=True, width=100, color_system=None)
    console.print(render(snapshot))
    text = console.export_text()

    assert "(no batches)" in text and "(none online)" in text
    assert sparkline([0, 4, 8]) in text and sparkline([0, 4, 8])[-1] == "█"
    assert sparkline([0, 0]) == "▁▁"


def test_serve_refuses_a_public_address_without_a_token(client: Docbatch) -> None:
    env = settings_env(client.settings.model_copy(update={"api_token": None}))

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"], env=env)

    assert result.exit_code != 0
    assert "DOCBATCH_API_TOKEN" in str(result.exception)
