"""A batch report as one self-contained HTML page with inline SVG charts.

No scripts, no external fonts or stylesheets: the page opens offline and can be mailed.
Charts are drawn here in Python: throughput over time (stacked bars of completed and
failed documents per interval) and stage latency (p50, p95 and max per stage).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from docbatch.report import BatchReport, StageStats, ThroughputPoint

__all__ = ["latency_svg", "render_html", "throughput_svg"]

_WIDTH, _HEIGHT, _PAD = 640, 220, 40
_COLORS = {"completed": "#2e7d32", "failed": "#c62828", "p50": "#90caf9", "p95": "#1e88e5"}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:960px}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;
padding:.25rem .6rem;text-align:left}th{background:#f4f4f4}.num{text-align:right}
svg{background:#fafafa;border:1px solid #ddd}.legend span{margin-right:1rem}
"""


def _axis(max_value: float, label: str) -> list[str]:
    """The y axis with three gridlines labelled up to ``max_value``."""
    parts = []
    for step in range(4):
        value = max_value * step / 3
        y = _HEIGHT - _PAD - (_HEIGHT - 2 * _PAD) * step / 3
        parts.append(
            f'<line x1="{_PAD}" y1="{y:.1f}" x2="{_WIDTH - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{_PAD - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{value:.3g}</text>"
        )
    parts.append(f'<text x="4" y="14" font-size="11">{escape(label)}</text>')
    return parts


def _bar(x: float, width: float, bottom: float, height: float, color: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{max(width, 1):.1f}" '
        f'height="{height:.1f}" fill="{color}"><title>{escape(title)}</title></rect>'
    )


def throughput_svg(points: Sequence[ThroughputPoint], interval_s: float) -> str:
    """Stacked bars of documents completed and failed per interval."""
    if not points:
        return "<p>No document has finished yet.</p>"
    peak = max(max(p.completed + p.failed for p in points), 1)
    plot_w, plot_h = _WIDTH - _PAD - 10, _HEIGHT - 2 * _PAD
    slot = plot_w / len(points)
    bottom = _HEIGHT - _PAD
    parts = _axis(peak, f"documents per {interval_s:g} s")
    for index, point in enumerate(points):
        x = _PAD + index * slot + slot * 0.1
        done_h = plot_h * point.completed / peak
        fail_h = plot_h * point.failed / peak
        when = f"{point.offset_s:g}-{point.offset_s + interval_s:g} s"
        parts.append(
            _bar(x, slot * 0.8, bottom, done_h, _COLORS["completed"], f"{when}: {point.completed}")
        )
        parts.append(
            _bar(x, slot * 0.8, bottom - done_h, fail_h, _COLORS["failed"], f"{when}: failed")
        )
    end = points[-1].offset_s + interval_s
    parts.append(f'<text x="{_PAD}" y="{_HEIGHT - 20}" font-size="10">0 s</text>')
    parts.append(
        f'<text x="{_WIDTH - 10}" y="{_HEIGHT - 20}" font-size="10" text-anchor="end">'
        f"{end:g} s</text>"
    )
    return _svg("throughput over time", parts)


def latency_svg(stages: Sequence[StageStats]) -> str:
    """Grouped bars of p50, p95 and max latency (ms) per stage."""
    if not stages:
        return "<p>No stage timings recorded.</p>"
    peak = max(max(s.max_ms for s in stages), 1.0)
    plot_w, plot_h = _WIDTH - _PAD - 10, _HEIGHT - 2 * _PAD
    slot = plot_w / len(stages)
    bottom = _HEIGHT - _PAD
    parts = _axis(peak, "stage latency (ms)")
    series = (("p50", "p50_ms"), ("p95", "p95_ms"), ("max", "max_ms"))
    for index, stats in enumerate(stages):
        left = _PAD + index * slot + slot * 0.1
        width = slot * 0.8 / len(series)
        for offset, (label, attr) in enumerate(series):
            value = float(getattr(stats, attr))
            color = _COLORS.get(label, "#0d47a1")
            title = f"{stats.stage} {label}: {value:g} ms"
            parts.append(
                _bar(left + offset * width, width, bottom, plot_h * value / peak, color, title)
            )
        parts.append(
            f'<text x="{left + slot * 0.4:.1f}" y="{bottom + 14}" font-size="11" '
            f'text-anchor="middle">{escape(stats.stage)}</text>'
        )
    return _svg("stage latency", parts)


def _svg(title: str, parts: list[str]) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" viewBox="0 0 {_WIDTH} {_HEIGHT}">{body}</svg>'
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _summary_rows(report: BatchReport) -> list[tuple[str, object]]:
    cache = report.cache
    hit_rate = "unknown" if not cache or cache["hit_rate"] is None else f"{cache['hit_rate']:.1%}"
    return [
        ("state", report.state),
        ("priority", report.priority),
        ("documents", f"{report.total} ({report.completed} completed, {report.failed} failed, "
                      f"{report.cancelled} cancelled)"),
        ("pages", report.pages),
        ("elapsed", "-" if report.elapsed_s is None else f"{report.elapsed_s:g} s"),
        ("documents/s", report.docs_per_s if report.docs_per_s is not None else "-"),
        ("pages/s", report.pages_per_s if report.pages_per_s is not None else "-"),
        ("cache hit rate", hit_rate),
        ("OCR share of pages", f"{report.ocr['share']:.1%} ({report.ocr['ocr_pages']} pages)"),
    ]  # fmt: skip


def render_html(report: BatchReport) -> str:
    """The whole report page."""
    title = f"docbatch report: {report.name or report.batch_id}"
    stages = [(s.stage, s.count, s.p50_ms, s.p95_ms, s.max_ms, s.mean_ms) for s in report.stages]
    failures = [
        (g["category"], g["code"], g["count"], "; ".join(f"{p}: {r}" for p, r in g["examples"]))
        for g in report.failures
    ]
    slowest = [(d["path"], d["state"], d["total_ms"]) for d in report.slowest]
    legend = "".join(
        f'<span style="color:{c}">&#9632; {escape(name)}</span>' for name, c in _COLORS.items()
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>batch <code>{escape(report.batch_id)}</code></p>"
        + _table(("what", "value"), _summary_rows(report))
        + "<h2>Throughput</h2>"
        + throughput_svg(report.throughput, report.interval_s)
        + f"<p class='legend'>{legend}</p><h2>Stage latency</h2>"
        + latency_svg(report.stages)
        + _table(("stage", "count", "p50 ms", "p95 ms", "max ms", "mean ms"), stages)
        + "<h2>Failures</h2>"
        + (_table(("category", "code", "documents", "examples"), failures) or "")
        + "<h2>Slowest documents</h2>"
        + _table(("document", "state", "total ms"), slowest)
        + "</body></html>"
    )
