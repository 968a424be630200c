"""Rich rendering for the CLI: progress bars, summary tables, errors."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from docbatch.observe.terminal_text import safe_markup, safe_text
from docbatch.store.ocr_ranges import RangeProgress
from docbatch.store.records import BatchRecord

__all__ = ["BatchProgressBar", "failures_table", "status_table", "summary_table"]


class BatchProgressBar:
    """A live bar for one batch: documents done, failures, pages, rate and ETA."""

    def __init__(self, console: Console, total: int) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID = self.progress.add_task("documents", total=total, detail="")

    def __enter__(self) -> BatchProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def update(
        self,
        batch: BatchRecord,
        stages: dict[str, int] | None = None,
        ocr: RangeProgress | None = None,
    ) -> None:
        """Show the batch's counters (and documents per stage when known, and the pages
        read of big scans being OCR'd in ranges)."""
        detail = f"[green]{batch.completed} ok[/] [red]{batch.failed} failed[/] {batch.pages} pages"
        if stages:
            detail += " | " + " ".join(f"{k}:{v}" for k, v in stages.items() if v)
        if ocr is not None and ocr.pages_total:
            detail += f" | OCR {ocr.pages_done}/{ocr.pages_total} pages"
        self.progress.update(self.task, completed=batch.done, total=batch.total, detail=detail)

    def advance(self, count: int = 1) -> None:
        """Count documents finished (inline mode)."""
        self.progress.advance(self.task, count)


#: Summary keys whose plain name would not say what they measure.
_SUMMARY_LABELS = {"elapsed_s": "wall time s (whole run)"}


def _id_table(title: str) -> Table:
    """A two-column table whose title, which holds a full id, never wraps.

    Rich wraps a title at the table's width, which for these narrow tables cut the id in
    two: a copy-paste then got half an id.
    """
    table = Table(title=title, show_header=False, min_width=len(title) + 2)
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    return table


def summary_table(summary: dict[str, Any]) -> Table:
    """The end-of-run summary as a two-column table."""
    table = _id_table(f"batch {safe_markup(summary['batch_id'])}")
    for key, value in summary.items():
        if key == "batch_id":
            continue
        style = ""
        if key == "failed" and value:
            style = "red"
        if key == "status":
            style = "green" if value == "completed" else "yellow"
        label = _SUMMARY_LABELS.get(key, key.replace("_", " "))
        table.add_row(label, safe_text(value, style))
    return table


def status_table(status: Any) -> Table:
    """A batch's status (:class:`docbatch.observe.status.BatchStatus`) as a table."""
    title = f"batch {safe_markup(status.batch_id)} ({safe_markup(status.priority)})"
    table = _id_table(title)
    eta = "-" if status.eta_seconds is None else f"{status.eta_seconds:.0f} s"
    rate = "-" if status.rate_docs_per_s is None else f"{status.rate_docs_per_s:.2f} docs/s"
    rows = [
        ("state", status.state),
        ("progress", f"{status.percent:.1f} % of {status.total}"),
        ("completed", str(status.completed)),
        ("failed", _failed_text(status.failed, status.recovering)),
        ("cancelled", str(status.cancelled)),
        ("processing", str(status.processing)),
        ("pending", str(status.pending)),
        ("pages", str(status.pages)),
        *_ranged_ocr_rows(status),
        ("rate", rate),
        ("eta", eta),
        ("priority", status.priority),
        ("documents ahead", str(status.documents_ahead)),
        ("waited", "-" if status.wait_seconds is None else f"{status.wait_seconds:.0f} s"),
    ]
    for key, value in rows:
        table.add_row(key, value if isinstance(value, Text) else safe_text(value))
    return table


def _ranged_ocr_rows(status: Any) -> list[tuple[str, str]]:
    """``OCR of big scans: 48 / 96 pages (1 scan)`` while big scans are read in ranges."""
    if not getattr(status, "ocr_pages_total", 0):
        return []
    scans = status.ocr_scans
    return [
        (
            "OCR of big scans",
            f"{status.ocr_pages_done} / {status.ocr_pages_total} pages "
            f"({scans} scan{'' if scans == 1 else 's'})",
        )
    ]


def _failed_text(failed: int, recovering: int) -> Text:
    """``failed``, with how many of them a recovery batch is running again."""
    text = safe_text(failed, "red" if failed else "")
    if recovering:
        text.append(f" ({recovering} being recovered)", style="yellow")
    return text


def failures_table(documents: list[Any]) -> Table:
    """Failed documents with their category and reason."""
    table = Table(title="failed documents")
    table.add_column("document")
    table.add_column("stage")
    table.add_column("category")
    table.add_column("reason", overflow="fold")
    for doc in documents:
        table.add_row(
            safe_text(doc.path),
            safe_text(doc.error_stage),
            safe_text(doc.error_category),
            safe_text(doc.error_reason),
        )
    return table
