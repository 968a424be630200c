"""Rich tables of a batch report (``docbatch report`` without ``--json``/``--html``)."""

from __future__ import annotations

from rich.table import Table

from docbatch.observe.report import BatchReport
from docbatch.observe.report_html import format_duration
from docbatch.observe.terminal_text import safe_markup, safe_text

__all__ = ["report_tables"]


def _summary(report: BatchReport) -> Table:
    title = f"batch {safe_markup(report.batch_id)} ({safe_markup(report.state)})"
    table = Table(title=title, show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    cache = report.cache
    rows = [
        ("documents", f"{report.total}: {report.completed} completed, {report.failed} failed, "
                      f"{report.cancelled} cancelled"),
        ("pages", str(report.pages)),
        ("processing time", "-" if report.elapsed_s is None  # first claim to last end
         else format_duration(report.elapsed_s * 1000)),
        ("documents/s", "-" if report.docs_per_s is None else f"{report.docs_per_s:g}"),
        ("pages/s", "-" if report.pages_per_s is None else f"{report.pages_per_s:g}"),
        ("cache hit rate", "unknown" if not cache or cache["hit_rate"] is None
         else f"{cache['hit_rate']:.1%} ({cache['hits']} of {cache['hits'] + cache['misses']})"),
        ("OCR share", f"{report.ocr['share']:.1%} of pages ({report.ocr['ocr_documents']} docs)"),
    ]  # fmt: skip
    for key, value in rows:
        table.add_row(key, safe_text(value))
    return table


def _stages(report: BatchReport) -> Table:
    table = Table(title="stage latency (ms)")
    for name in ("stage", "count", "p50", "p95", "max", "mean"):
        table.add_column(name, justify="left" if name == "stage" else "right")
    for s in report.stages:
        table.add_row(safe_text(s.stage), str(s.count), f"{s.p50_ms:g}", f"{s.p95_ms:g}",
                      f"{s.max_ms:g}", f"{s.mean_ms:g}")  # fmt: skip
    return table


def _failures(report: BatchReport) -> Table:
    table = Table(title="failures by category")
    for name in ("category", "code", "documents", "example"):
        table.add_column(name, overflow="fold")
    for group in report.failures:
        path, reason = group["examples"][0] if group["examples"] else ("", "")
        table.add_row(
            safe_text(group["category"]),
            safe_text(group["code"]),
            str(group["count"]),
            safe_text(f"{path}: {reason}"),
        )
    return table


def _slowest(report: BatchReport) -> Table:
    table = Table(title="slowest documents")
    table.add_column("document", overflow="fold")
    table.add_column("state")
    table.add_column("total ms", justify="right")
    for doc in report.slowest:
        table.add_row(safe_text(doc["path"]), safe_text(doc["state"]), str(doc["total_ms"]))
    return table


def report_tables(report: BatchReport) -> list[Table]:
    """The report as tables: summary, stage latency, failures (if any), slowest documents."""
    tables = [_summary(report), _stages(report)]
    if report.failures:
        tables.append(_failures(report))
    tables.append(_slowest(report))
    return tables
