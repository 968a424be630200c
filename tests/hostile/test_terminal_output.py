"""Values from data never drive the terminal nor act as Rich markup.

A file name or reason holding an escape sequence (here: retitle the terminal, clear the
screen) or ``[...]`` markup is printed by ``run``'s failure table, ``report``, ``status``
and ``monitor`` with its control characters shown as escapes and its brackets as text.
The console prints no colours, so any ESC in the output came from the data.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from rich.console import Console

from docbatch.cli.render import failures_table, status_table, summary_table
from docbatch.cli.report_render import report_tables
from docbatch.observe.monitor import MonitorSnapshot, WorkerLine, render
from docbatch.observe.report import BatchReport
from docbatch.observe.status import BatchSummary
from docbatch.observe.terminal_text import clean

HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J[bold red]markup[/] \u202eexe.txt\x9b31m"
SHOWN = "evil\\x1b]0;pwned\\x07\\x1b[2J[bold red]markup[/] \\u202eexe.txt\\x9b31m"


def printed(*renderables: Any) -> str:
    out = io.StringIO()
    console = Console(file=out, width=400, color_system=None, force_terminal=True)
    for renderable in renderables:
        console.print(renderable)
    return out.getvalue()


def assert_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text
    assert SHOWN in text  # everything visible, brackets included


def test_clean_makes_every_control_character_visible() -> None:
    assert clean(HOSTILE) == SHOWN
    assert clean("line\nbreak\ttab\x00") == "line\\x0abreak\\x09tab\\x00"
    assert clean("Ünïcode [ok]") == "Ünïcode [ok]"


def test_run_failure_table_prints_paths_and_reasons_safely() -> None:
    doc = SimpleNamespace(
        path=f"/docs/{HOSTILE}", error_stage="extract", error_category="data",
        error_reason=f"cannot parse {HOSTILE}",
    )  # fmt: skip
    summary = {"batch_id": "b1", "status": HOSTILE, "failed": 1}

    assert_safe(printed(failures_table([doc]), summary_table(summary)))


def test_status_table_prints_safely() -> None:
    status = SimpleNamespace(
        batch_id="b1", priority="high", state=HOSTILE, percent=50.0, total=2,
        completed=1, failed=1, cancelled=0, processing=0, pending=0, pages=3,
        rate_docs_per_s=None, eta_seconds=None, documents_ahead=0, wait_seconds=None,
        recovering=1,
    )  # fmt: skip
    assert_safe(printed(status_table(status)))


def test_report_tables_print_safely() -> None:
    now = datetime.now(UTC)
    report = BatchReport(
        batch_id="b1", name=None, state="completed", priority="high", total=1, completed=0,
        failed=1, cancelled=0, pages=0, created_at=now, started_at=now, finished_at=now,
        elapsed_s=1.0, docs_per_s=1.0, pages_per_s=0.0, stages=[], cache=None,
        ocr={"share": 0.0, "ocr_documents": 0},
        failures=[{"category": "data", "code": "corrupt", "count": 1,
                   "examples": [(HOSTILE, HOSTILE)]}],
        slowest=[{"path": HOSTILE, "state": "failed", "total_ms": 3}],
    )  # fmt: skip
    assert_safe(printed(*report_tables(report)))


def test_monitor_prints_safely() -> None:
    line = BatchSummary(
        batch_id="b1", name=HOSTILE, state="running", priority="high", total=1, completed=0,
        failed=1, cancelled=0, pages=0, percent=100.0, rate_docs_per_s=None,
        eta_seconds=None, created_at=datetime.now(UTC), started_at=None, finished_at=None,
    )  # fmt: skip
    error = {"path": HOSTILE, "error_stage": "extract", "error_category": "data",
             "error_reason": HOSTILE}  # fmt: skip
    snapshot = MonitorSnapshot(
        taken_at=0.0,
        batches=[line],
        workers=[WorkerLine(HOSTILE, [])],
        errors=[error],
        notes=[HOSTILE],
    )
    assert_safe(printed(render(snapshot)))
