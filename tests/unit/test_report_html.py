"""The HTML report's charts: readable axis labels, a legend entry per series, captions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from docbatch.observe.report import BatchReport, StageStats, ThroughputPoint
from docbatch.observe.report_html import (
    format_duration,
    latency_svg,
    nice_scale,
    render_html,
    throughput_svg,
)

STAGES = [
    StageStats("extract", 10, 1200.0, 4800.0, 6700.0, 1500.0),
    StageStats("chunk", 10, 3.0, 5.0, 8.0, 3.5),
    StageStats("relate", 10, 40.0, 90.0, 120.0, 50.0),
]
POINTS = [ThroughputPoint(0.0, 1200, 3, 2400), ThroughputPoint(5.0, 800, 0, 1600)]


def _axis_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end">([^<]*)</text>', svg)


def _legend(svg: str) -> list[str]:
    return re.findall(r'<g class="legend">.*?<text[^>]*>([^<]*)</text></g>', svg)


@pytest.mark.parametrize(
    ("peak", "integer", "expected"),
    [(6700.0, False, (8000.0, 2000.0)), (8.0, False, (8.0, 2.0)), (1203, True, (1500.0, 500.0)),
     (3, True, (3.0, 1.0)), (0, True, (1.0, 1.0))],
)  # fmt: skip
def test_nice_scale_reaches_the_peak_in_round_steps(
    peak: float, integer: bool, expected: tuple[float, float]
) -> None:
    assert nice_scale(peak, integer=integer) == expected


def test_durations_read_in_the_unit_a_person_would_use() -> None:
    assert [format_duration(v) for v in (0.5, 850, 1500, 45_000, 150_000, 9_000_000)] == [
        "0.5 ms", "850 ms", "1.5 s", "45 s", "2.5 min", "2.5 h"
    ]  # fmt: skip
    assert format_duration(500, "s") == "0.5 s"


def test_latency_axis_labels_are_whole_readable_seconds() -> None:
    svg = latency_svg(STAGES)
    assert _axis_labels(svg) == ["0 s", "2 s", "4 s", "6 s", "8 s"]
    assert "time per document (s)" in svg
    assert not any("e+" in label for label in _axis_labels(svg))


def test_latency_legend_names_all_three_bars_in_the_same_colours() -> None:
    svg = latency_svg(STAGES)
    assert _legend(svg) == ["p50", "p95", "max"]
    for label in ("p50", "p95", "max"):
        swatch = re.search(rf'fill="(#\w+)"/><text[^>]*>{label}<', svg)
        assert swatch is not None
        assert f'fill="{swatch.group(1)}"><title>extract {label}:' in svg


def test_throughput_chart_has_its_own_legend_and_count_labels() -> None:
    svg = throughput_svg(POINTS, 5.0)
    assert _legend(svg) == ["completed", "failed"]
    assert _axis_labels(svg)[:-1] == ["0", "500", "1,000", "1,500"]
    assert "documents finished per 5 s" in svg


def _report() -> BatchReport:
    created = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    return BatchReport(
        batch_id="0fec37ee-1111-4000-8000-000000000001", name=None, state="completed",
        priority="normal", total=2003, completed=2000, failed=3, cancelled=0, pages=4000,
        created_at=created, started_at=created + timedelta(seconds=2),
        finished_at=created + timedelta(seconds=12), elapsed_s=10.0, docs_per_s=200.3,
        pages_per_s=400.0, stages=STAGES, cache=None,
        ocr={"share": 0.0, "ocr_pages": 0, "ocr_documents": 0}, failures=[], slowest=[],
        throughput=POINTS, interval_s=5.0,
    )  # fmt: skip


def test_each_legend_sits_inside_its_own_chart_with_a_caption() -> None:
    page = render_html(_report())
    throughput, latency = page.split("<h2>Stage latency</h2>")
    assert _legend(throughput) == ["completed", "failed"]
    assert _legend(latency) == ["p50", "p95", "max"]
    assert page.count("<figcaption>") == 2
    assert "per interval of 5 s" in throughput and "p95 the time 95 %" in latency


def test_the_summary_says_what_each_elapsed_time_measures() -> None:
    page = render_html(_report())
    assert "<td>processing time</td><td>10 s</td>" in page
    assert "<td>since submitted</td><td>12 s</td>" in page
    assert "measures the whole command" in page
