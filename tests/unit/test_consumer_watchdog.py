"""When the consumer watchdog judges a consumer stalled (the clock and one reading)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from docbatch.worker.watchdog import ConsumerWatchdog, StallClock, StalledConsumer


def test_work_waiting_with_free_slots_and_nothing_received_is_a_stall() -> None:
    clock = StallClock(stall_seconds=30)
    assert not clock.stalled(100.0, waiting=3, held=0, capacity=2)  # the wait starts
    assert not clock.stalled(129.0, waiting=3, held=1, capacity=2)
    assert clock.stalled(130.0, waiting=3, held=1, capacity=2)
    # restarted: another full period before the next restart
    assert not clock.stalled(131.0, waiting=3, held=0, capacity=2)
    assert not clock.stalled(160.0, waiting=3, held=0, capacity=2)
    assert clock.stalled(161.0, waiting=3, held=0, capacity=2)


def test_a_received_message_an_empty_queue_or_a_full_pool_is_no_stall() -> None:
    clock = StallClock(stall_seconds=30)
    clock.stalled(100.0, waiting=1, held=0, capacity=2)
    clock.received(120.0)
    assert not clock.stalled(140.0, waiting=1, held=0, capacity=2)  # it fetched at 120
    assert clock.stalled(150.0, waiting=1, held=0, capacity=2)
    busy = StallClock(stall_seconds=30)
    for now in (0.0, 40.0, 80.0):
        assert not busy.stalled(now, waiting=5, held=2, capacity=2)  # every slot working
    drained = StallClock(stall_seconds=30)
    assert not drained.stalled(0.0, waiting=1, held=0, capacity=2)
    assert not drained.stalled(20.0, waiting=0, held=0, capacity=2)  # it took the message
    assert not drained.stalled(40.0, waiting=1, held=0, capacity=2)  # a new wait starts
    assert not drained.stalled(69.0, waiting=1, held=0, capacity=2)


class _Hub:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    def call_soon(self, callback: Any) -> None:
        self.calls.append(callback)


def _watchdog(stall_seconds: float) -> tuple[ConsumerWatchdog, _Hub]:
    settings = SimpleNamespace(consumer_stall_seconds=stall_seconds)
    app = SimpleNamespace(conf={"docbatch_settings": settings})
    hub = _Hub()
    consumer = SimpleNamespace(
        app=app, hub=hub, controller=SimpleNamespace(concurrency=2),
        task_consumer=SimpleNamespace(queues=[SimpleNamespace(name="extract")]),
    )  # fmt: skip
    watchdog = ConsumerWatchdog(consumer)
    watchdog.consumer = consumer
    return watchdog, hub


def test_a_stall_makes_the_event_loop_raise_a_connection_error() -> None:
    watchdog, hub = _watchdog(stall_seconds=0.05)
    waiting = {"extract": 2}
    assert not watchdog.check(lambda names: {n: waiting[n] for n in names})
    time.sleep(0.06)
    assert watchdog.check(lambda names: {n: waiting[n] for n in names})
    (callback,) = hub.calls
    with pytest.raises(StalledConsumer) as raised:
        callback()
    assert isinstance(raised.value, ConnectionError)  # Celery restarts the consumer on it
