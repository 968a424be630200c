"""A batch report as one self-contained HTML page with inline SVG charts.

No scripts, no external fonts or stylesheets: the page opens offline and can be mailed.
Charts are drawn here in Python: throughput over time (stacked bars of completed and
failed documents per interval) and stage latency (p50, p95 and max per stage). Each
chart carries its own legend inside its SVG, and a caption saying what it measures;
axis labels are round numbers in readable units (ms, s, min; counts with separators).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from docbatch.observe.report import BatchReport, StageStats, ThroughputPoint

__all__ = ["format_duration", "latency_svg", "nice_scale", "render_html", "throughput_svg"]

_WIDTH, _HEIGHT = 640, 240
#: Margins: the left one holds the y-axis labels ("1.5 s", "12,000"), the top one the
#: legend, the bottom one the x-axis labels.
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 10, 36, 40
_COLORS = {
    "completed": "#2e7d32",
    "failed": "#c62828",
    "p50": "#90caf9",
    "p95": "#1e88e5",
    "max": "#0d47a1",
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:960px}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;
padding:.25rem .6rem;text-align:left}th{background:#f4f4f4}.num{text-align:right}
svg{background:#fafafa;border:1px solid #ddd}figure{margin:0 0 1rem}
figcaption,.note{color:#555;font-size:.9rem;max-width:640px}
"""


def nice_scale(peak: float, *, integer: bool = False) -> tuple[float, float]:
    """``(top, step)`` of a y axis reaching at least ``peak`` in 2 to 5 round steps
    (1, 2, 2.5 or 5 times a power of ten; whole numbers when ``integer``)."""
    if peak <= 0:
        return 1.0, 1.0
    rough = peak / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    if integer:
        step = max(1.0, float(math.ceil(step)))
    return step * math.ceil(peak / step - 1e-9), step


def format_duration(ms: float, unit: str | None = None) -> str:
    """``ms`` milliseconds as a person reads it: "850 ms", "1.5 s", "2.5 min", "1.2 h";
    ``unit`` ("ms", "s", "min", "h") forces one unit, as on an axis."""
    unit = unit or _unit_for(ms)
    value = ms / _UNITS[unit]
    text = f"{value:.3g}" if value < 1000 else f"{value:,.0f}"
    return f"{text} {unit}"


_UNITS = {"ms": 1.0, "s": 1000.0, "min": 60_000.0, "h": 3_600_000.0}


def _unit_for(ms: float) -> str:
    if ms < 1000:
        return "ms"
    if ms < 120_000:
        return "s"
    return "min" if ms < 7_200_000 else "h"


def _axis(top: float, step: float, label: str, tick: Callable[[float], str]) -> list[str]:
    """Gridlines every ``step`` up to ``top``, labelled by ``tick``, and the axis title."""
    plot_h = _HEIGHT - _TOP - _BOTTOM
    parts = []
    for index in range(round(top / step) + 1):
        value = index * step
        y = _HEIGHT - _BOTTOM - plot_h * value / top
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(tick(value))}</text>"
        )
    parts.append(f'<text x="4" y="14" font-size="11">{escape(label)}</text>')
    return parts


def _legend(entries: Sequence[tuple[str, str]]) -> list[str]:
    """Swatches and names in a row at the chart's top right: ``(name, colour)``."""
    # About 7 px a character at 11 px, plus the swatch and a gap: right-aligned.
    x = _WIDTH - _RIGHT - sum(28 + 7 * len(name) for name, _ in entries)
    parts = []
    for name, color in entries:
        parts.append(
            f'<g class="legend"><rect x="{x:.0f}" y="6" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14:.0f}" y="15" font-size="11">{escape(name)}</text></g>'
        )
        x += 28 + 7 * len(name)
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
    top, step = nice_scale(max(p.completed + p.failed for p in points), integer=True)
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    slot = plot_w / len(points)
    bottom = _HEIGHT - _BOTTOM
    every = format_duration(interval_s * 1000)
    parts = _axis(top, step, f"documents finished per {every}", lambda v: f"{v:,.0f}")
    parts += _legend([("completed", _COLORS["completed"]), ("failed", _COLORS["failed"])])
    for index, point in enumerate(points):
        x = _LEFT + index * slot + slot * 0.1
        done_h = plot_h * point.completed / top
        fail_h = plot_h * point.failed / top
        when = f"{point.offset_s:g}-{point.offset_s + interval_s:g} s"
        parts.append(
            _bar(x, slot * 0.8, bottom, done_h, _COLORS["completed"],
                 f"{when}: {point.completed} completed")
        )  # fmt: skip
        parts.append(
            _bar(x, slot * 0.8, bottom - done_h, fail_h, _COLORS["failed"],
                 f"{when}: {point.failed} failed")
        )  # fmt: skip
    end = format_duration((points[-1].offset_s + interval_s) * 1000)
    parts.append(f'<text x="{_LEFT}" y="{_HEIGHT - 20}" font-size="10">0 s</text>')
    parts.append(
        f'<text x="{_WIDTH - _RIGHT}" y="{_HEIGHT - 20}" font-size="10" text-anchor="end">'
        f"{escape(end)} after the first claim</text>"
    )
    return _svg("throughput over time", parts)


def latency_svg(stages: Sequence[StageStats]) -> str:
    """Grouped bars of p50, p95 and max latency per stage."""
    if not stages:
        return "<p>No stage timings recorded.</p>"
    top, step = nice_scale(max(s.max_ms for s in stages))
    unit = _unit_for(top)
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    slot = plot_w / len(stages)
    bottom = _HEIGHT - _BOTTOM
    parts = _axis(top, step, f"time per document ({unit})", lambda v: format_duration(v, unit))
    series = (("p50", "p50_ms"), ("p95", "p95_ms"), ("max", "max_ms"))
    parts += _legend([(label, _COLORS[label]) for label, _ in series])
    for index, stats in enumerate(stages):
        left = _LEFT + index * slot + slot * 0.1
        width = slot * 0.8 / len(series)
        for offset, (label, attr) in enumerate(series):
            value = float(getattr(stats, attr))
            title = f"{stats.stage} {label}: {format_duration(value)}"
            parts.append(
                _bar(left + offset * width, width, bottom, plot_h * value / top,
                     _COLORS[label], title)
            )  # fmt: skip
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


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


_THROUGHPUT_CAPTION = (
    "Documents that reached the end of the pipeline (completed) or failed, per interval "
    "of {every}, counted from the batch's first claim."
)
_LATENCY_CAPTION = (
    "How long one stage took for one document, as the worker measured it (the stage "
    "events): p50 is the median, p95 the time 95 % of documents stayed under, max the "
    "slowest document."
)
_ELAPSED_NOTE = (
    "Processing time runs from the first document's claim to the last document's end, "
    "and documents/s and pages/s are over it; since submitted adds the wait in the queue. "
    "The summary of docbatch run measures the whole command (starting its workers "
    "included), so it reads a little longer."
)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _seconds(value: float | None) -> str:
    return "-" if value is None else format_duration(value * 1000)


def _summary_rows(report: BatchReport) -> list[tuple[str, object]]:
    cache = report.cache
    hit_rate = "unknown" if not cache or cache["hit_rate"] is None else f"{cache['hit_rate']:.1%}"
    submitted = (
        None if report.finished_at is None
        else (report.finished_at - report.created_at).total_seconds()
    )  # fmt: skip
    return [
        ("state", report.state),
        ("priority", report.priority),
        ("documents", f"{report.total} ({report.completed} completed, {report.failed} failed, "
                      f"{report.cancelled} cancelled)"),
        ("pages", report.pages),
        ("processing time", _seconds(report.elapsed_s)),
        ("since submitted", _seconds(submitted)),
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
    every = format_duration(report.interval_s * 1000)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>batch <code>{escape(report.batch_id)}</code></p>"
        + _table(("what", "value"), _summary_rows(report))
        + f"<p class='note'>{escape(_ELAPSED_NOTE)}</p>"
        + "<h2>Throughput</h2>"
        + _figure(throughput_svg(report.throughput, report.interval_s),
                  _THROUGHPUT_CAPTION.format(every=every))
        + "<h2>Stage latency</h2>"
        + _figure(latency_svg(report.stages), _LATENCY_CAPTION)
        + _table(("stage", "count", "p50 ms", "p95 ms", "max ms", "mean ms"), stages)
        + "<h2>Failures</h2>"
        + (_table(("category", "code", "documents", "examples"), failures) or "")
        + "<h2>Slowest documents</h2>"
        + _table(("document", "state", "total ms"), slowest)
        + "</body></html>"
    )  # fmt: skip
