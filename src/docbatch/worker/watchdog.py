"""The consumer watchdog: a worker that stops fetching while work waits restarts its consumer.

Celery's consumer can come back from a broker connection loss without fetching again: a
prefetch slot that a cut acknowledgement leaked, or a channel that lost its place in the
transport's poller after several resets within seconds (celery/celery#8030, #10205,
seen here once in the fault-proxy chaos scenario: a message waited in its queue for
90 s with every pool process idle). Nothing is lost (the message waits, or the
reconciler re-sends it), but nothing moves either until the worker restarts.

:class:`ConsumerWatchdog`, a consumer bootstep, keeps a thread that checks the consumer
every half ``DOCBATCH_CONSUMER_STALL_SECONDS``. When the worker has held fewer requests
than its pool has processes and received nothing for that long, the thread reads the
depth of the queues the worker consumes (on a connection of its own; a busy worker
never reads). When two readings in a row find messages waiting, the consumer is
stalled: the thread asks the consumer's event loop to raise a connection error, and
Celery restarts the consumer the way it does after a real connection loss (new
connection, new channel and prefetch count; the old channel's unacked messages go back
to their queues, where their claims refuse the duplicates). It never restarts twice
within one stall period. A stall judged wrongly (another worker took the messages in
the meantime) costs one reconnection.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import bootsteps
from celery.signals import task_received
from celery.worker import state as worker_state

__all__ = ["ConsumerWatchdog", "StallClock", "StalledConsumer"]

log = logging.getLogger(__name__)


class StalledConsumer(ConnectionError):
    """Raised in the consumer's event loop to make Celery restart the consumer (an
    ``OSError``: every transport counts it among its connection errors)."""


@dataclass
class StallClock:
    """Decides when the consumer has stalled, reading the broker only when it may have.

    The consumer may have stalled when it holds fewer requests than it has pool
    processes and has received nothing (nor been restarted) for ``stall_seconds``: only
    then are its queues read (:meth:`needs_reading`), so a busy worker reads nothing. It
    has stalled when two readings in a row, one check interval apart, find messages
    waiting (:meth:`stalled`): a consumer that fetches would have taken them in between.
    """

    stall_seconds: float
    last_received: float = 0.0
    last_restart: float = 0.0
    #: The previous reading found messages waiting.
    seen_waiting: bool = False

    def received(self, now: float) -> None:
        """The consumer received a message at ``now``."""
        self.last_received = now
        self.seen_waiting = False

    def needs_reading(self, now: float, held: int, capacity: int) -> bool:
        """Whether the consumer's queues should be read now."""
        quiet = now - max(self.last_received, self.last_restart) >= self.stall_seconds
        if held >= capacity or not quiet:
            self.seen_waiting = False
            return False
        return True

    def stalled(self, now: float, waiting: int) -> bool:
        """Take a reading of ``waiting`` messages; True when the consumer should be
        restarted now (and the clock starts another period)."""
        if waiting <= 0 or not self.seen_waiting:
            self.seen_waiting = waiting > 0
            return False
        self.seen_waiting = False
        self.last_restart = now
        return True


class ConsumerWatchdog(bootsteps.StartStopStep):
    """Consumer bootstep running the watchdog thread (see the module docstring)."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        settings = parent.app.conf.get("docbatch_settings")
        self.stall_seconds = float(getattr(settings, "consumer_stall_seconds", 0) or 0)
        self.consumer: Any = None
        self.clock = StallClock(self.stall_seconds)
        self.thread: threading.Thread | None = None
        self.stopped = threading.Event()

    def start(self, parent: Any) -> None:
        """(Re)started with the consumer: remember it; start the thread the first time."""
        self.consumer = parent
        if self.stall_seconds <= 0 or self.thread is not None:
            return
        self.clock.received(time.monotonic())
        task_received.connect(self._on_received, weak=False)
        self.thread = threading.Thread(
            target=self._run, name="docbatch-consumer-watchdog", daemon=True
        )
        self.thread.start()

    def shutdown(self, parent: Any) -> None:
        """The worker is going down: end the thread."""
        self.stopped.set()
        task_received.disconnect(self._on_received)

    def _on_received(self, **_: Any) -> None:
        self.clock.received(time.monotonic())

    def _run(self) -> None:
        interval = max(0.5, min(15.0, self.stall_seconds / 2))
        while not self.stopped.wait(interval):
            try:
                self.check()
            except Exception as exc:  # the broker is down: the consumer knows already
                log.debug("consumer watchdog reading failed: %s", exc)

    def check(
        self,
        depths: Callable[[list[str]], dict[str, int]] | None = None,
        now: float | None = None,
    ) -> bool:
        """One check (at ``now``, by default the monotonic clock's); restart the consumer
        when it has stalled (True then). ``depths`` reads the queues (the broker's)."""
        consumer = self.consumer
        queues = _consumed_queues(consumer)
        hub = getattr(consumer, "hub", None)
        if not queues or hub is None:
            return False
        held = len(worker_state.reserved_requests)
        capacity = max(1, int(getattr(consumer.controller, "concurrency", 1) or 1))
        now = time.monotonic() if now is None else now
        if not self.clock.needs_reading(now, held, capacity):
            return False
        if depths is None:
            from docbatch.worker.reconciler import queue_depths

            waiting = sum(queue_depths(consumer.app, queues).values())
        else:
            waiting = sum(depths(queues).values())
        if not self.clock.stalled(now, waiting):
            return False
        log.warning(
            "consumer stalled: %d message(s) waited in %s, nothing received for %.0f s "
            "while %d of %d pool processes were free; restarting the consumer",
            waiting, ", ".join(queues), self.stall_seconds, capacity - held, capacity,
        )  # fmt: skip
        hub.call_soon(_raise_stalled)
        return True


def _consumed_queues(consumer: Any) -> list[str]:
    task_consumer = getattr(consumer, "task_consumer", None)
    queues = getattr(task_consumer, "queues", None) or []
    return sorted({queue.name for queue in queues})


def _raise_stalled() -> None:
    raise StalledConsumer("consumer stalled with messages waiting: restarting it")
