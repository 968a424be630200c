"""``docbatch monitor``: a live terminal dashboard of a (distributed) deployment.

The dashboard is split in two so it can be tested without a terminal:
:func:`collect_snapshot` reads everything once into a frozen :class:`MonitorSnapshot`
(database, Redis metrics and progress, the broker's queue depths, the workers via
Celery's remote control), and :func:`render` is a pure function of that snapshot.
:func:`run_monitor` refreshes it in place with Rich Live until q or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import logging
import select
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from docbatch.observe.status import BatchSummary, batch_summary
from docbatch.observe.terminal_text import safe_text

if TYPE_CHECKING:
    from celery import Celery

    from docbatch.client import Docbatch

__all__ = [
    "MonitorSnapshot",
    "WorkerLine",
    "collect_snapshot",
    "render",
    "run_monitor",
    "sparkline",
]

log = logging.getLogger(__name__)

_SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class WorkerLine:
    """A worker that answered, and what it is running now."""

    name: str
    tasks: list[str]


@dataclass(frozen=True)
class MonitorSnapshot:
    """Everything one frame of the dashboard shows."""

    taken_at: float
    batches: list[BatchSummary]
    #: Documents finished per minute, oldest first (from the metrics time series).
    throughput: list[int] = field(default_factory=list)
    #: ``{(queue, priority): depth}``.
    queues: dict[tuple[str, str], int] = field(default_factory=dict)
    #: None when the workers could not be asked (no broker).
    workers: list[WorkerLine] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Sources that could not be read, shown in the footer.
    notes: list[str] = field(default_factory=list)


def sparkline(values: list[int]) -> str:
    """One block character per value, scaled to the largest."""
    peak = max(values, default=0)
    if peak <= 0:
        return _SPARKS[0] * len(values)
    return "".join(_SPARKS[min(len(_SPARKS) - 1, v * len(_SPARKS) // (peak + 1))] for v in values)


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
        if seconds >= 3600
        else (f"{seconds // 60}m{seconds % 60:02d}s")
    )


def _batches_table(batches: list[BatchSummary]) -> Table:
    table = Table(title="batches", expand=True)
    for name in ("batch", "state", "prio", "progress", "done", "failed", "rate/s", "eta"):
        table.add_column(name, no_wrap=name != "batch")
    for line in batches:
        label = safe_text(line.name or line.batch_id[:8])
        style = "red" if line.failed else "green"
        table.add_row(
            label,
            safe_text(line.state),
            safe_text(line.priority),
            Group(ProgressBar(total=max(line.total, 1), completed=line.done, width=20,
                              complete_style=style),
                  Text(f"{line.percent:.0f}%")),
            f"{line.done}/{line.total}",
            Text(str(line.failed), style="red" if line.failed else ""),
            "-" if line.rate_docs_per_s is None else f"{line.rate_docs_per_s:.2f}",
            _eta(None if line.finished else line.eta_seconds),
        )  # fmt: skip
    if not batches:
        table.add_row("(no batches)", "", "", "", "", "", "", "")
    return table


def _queues_table(queues: dict[tuple[str, str], int]) -> Table:
    order = {"high": 0, "normal": 1, "low": 2, "all": 3}
    priorities = sorted({p for _, p in queues}, key=lambda p: (order.get(p, 9), p))
    table = Table(title="queue depth")
    table.add_column("queue")
    for priority in priorities:
        table.add_column(priority, justify="right")
    for queue in sorted({q for q, _ in queues}):
        table.add_row(queue, *(str(queues.get((queue, p), 0)) for p in priorities))
    return table


def _workers_table(workers: list[WorkerLine] | None) -> Table:
    table = Table(title="workers")
    table.add_column("worker")
    table.add_column("running")
    if workers is None:
        table.add_row("(unknown)", "")
    elif not workers:
        table.add_row("(none online)", "")
    for worker in workers or []:
        table.add_row(safe_text(worker.name), safe_text(", ".join(worker.tasks) or "idle"))
    return table


def _errors_table(errors: list[dict[str, Any]]) -> Table:
    table = Table(title="latest errors", expand=True)
    for name in ("document", "stage", "category", "reason"):
        table.add_column(name, overflow="fold")
    for error in errors:
        table.add_row(
            safe_text(error.get("path") or ""),
            safe_text(error.get("error_stage") or ""),
            safe_text(error.get("error_category") or ""),
            safe_text(error.get("error_reason") or "", style="red"),
        )
    return table


def render(snapshot: MonitorSnapshot) -> RenderableType:
    """The dashboard for one snapshot (pure: no I/O)."""
    clock = time.strftime("%H:%M:%S", time.localtime(snapshot.taken_at))
    per_minute = snapshot.throughput[-1] if snapshot.throughput else 0
    header = Text.assemble(
        ("docbatch monitor", "bold"),
        f"  {clock}  throughput ",
        (sparkline(snapshot.throughput), "cyan"),
        f" {per_minute} docs/min   (q to quit)",
    )
    side = Table.grid(padding=(0, 2))
    side.add_row(_queues_table(snapshot.queues), _workers_table(snapshot.workers))
    parts: list[RenderableType] = [header, _batches_table(snapshot.batches), side]
    if snapshot.errors:
        parts.append(_errors_table(snapshot.errors))
    if snapshot.notes:
        parts.append(safe_text("unavailable: " + "; ".join(snapshot.notes), style="yellow"))
    return Group(*parts)


def _workers(app: Celery, timeout: float) -> list[WorkerLine]:
    """Ask every worker for its active tasks (Celery remote control)."""
    active = app.control.inspect(timeout=timeout).active() or {}
    lines = []
    for name, tasks in sorted(active.items()):
        labels = []
        for task in tasks:
            kwargs = task.get("kwargs") or {}
            if "number" in kwargs:  # a page range of a big scan (docbatch.ocr_range)
                labels.append(f"ocr range {kwargs['number']}")
                continue
            count = len(kwargs.get("document_ids") or [])
            labels.append(f"{kwargs.get('stage', task.get('name', '?'))} x{count}")
        lines.append(WorkerLine(name, labels))
    return lines


@contextlib.contextmanager
def _noted(notes: list[str], what: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # one unreachable source must not stop the dashboard
        log.debug("monitor: %s unavailable", what, exc_info=True)
        notes.append(f"{what} ({type(exc).__name__})")


def collect_snapshot(
    client: Docbatch, *, recent: int = 5, minutes: int = 30, inspect_timeout: float | None = 1.0
) -> MonitorSnapshot:
    """Read one frame: active and ``recent`` finished batches, metrics, queues, workers.

    ``inspect_timeout=None`` skips asking the workers.
    """
    from docbatch.redis.metrics import MetricsReader, settings_queue_depths

    notes: list[str] = []
    repo, settings = client.repo, client.settings
    active = repo.batches.newest(limit=20, active_only=True)
    shown = active + [b for b in repo.batches.newest(limit=recent) if b.state.terminal]
    batches = [batch_summary(b, client.progress) for b in shown]
    throughput: list[int] = []
    queues: dict[tuple[str, str], int] = {}
    workers: list[WorkerLine] | None = None
    if client.redis is not None:
        with _noted(notes, "metrics"):
            reader = MetricsReader(client.redis, settings.key_prefix)
            buckets = reader.recent("documents", minutes)
            throughput = [b.get("completed") + b.get("failed") for b in buckets]
    with _noted(notes, "broker queues"):
        queues = settings_queue_depths(settings)
    if inspect_timeout is not None and (settings.broker_url or settings.redis_url):
        with _noted(notes, "workers"):
            workers = _workers(client.app, inspect_timeout)
    errors = (
        repo.monitoring.recent_failures(limit=5, batch_ids=[b.id for b in shown]) if shown else []
    )
    return MonitorSnapshot(time.time(), batches, throughput, queues, workers, errors, notes)


def _quit_pressed() -> bool:
    """True when q was typed (stdin in cbreak mode); never blocks."""
    if not sys.stdin.isatty():
        return False
    readable, _, _ = select.select([sys.stdin], [], [], 0)
    return bool(readable) and sys.stdin.read(1).lower() == "q"


@contextlib.contextmanager
def _cbreak() -> Iterator[None]:
    """Single-key input without echo while the dashboard runs (a terminal only)."""
    if not sys.stdin.isatty():
        yield
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def run_monitor(
    snapshot: Callable[[], MonitorSnapshot], console: Console, *, refresh: float = 2.0
) -> None:
    """Redraw the dashboard in place every ``refresh`` seconds until q or Ctrl-C."""
    with _cbreak(), Live(render(snapshot()), console=console, screen=False) as live:
        try:
            while True:
                deadline = time.monotonic() + refresh
                while time.monotonic() < deadline:
                    if _quit_pressed():
                        return
                    time.sleep(0.1)
                live.update(render(snapshot()))
        except KeyboardInterrupt:
            return
