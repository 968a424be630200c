"""When the consumer watchdog reads the broker and judges a consumer stalled."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from docbatch.worker.watchdog import ConsumerWatchdog, StallClock, StalledConsumer


def test_a_busy_or_recently_fed_consumer_is_never_read() -> None:
    clock = StallClock(stall_seconds=30)
    clock.received(100.0)
    assert not clock.needs_reading(129.0, held=0, capacity=2)  # received 29 s ago
    assert clock.needs_reading(130.0, held=1, capacity=2)
    assert not clock.needs_reading(500.0, held=2, capacity=2)  # every process working


def test_two_readings_in_a_row_with_messages_waiting_are_a_stall() -> None:
    clock = StallClock(stall_seconds=30)
    assert clock.needs_reading(100.0, held=0, capacity=2)
    assert not clock.stalled(100.0, waiting=3)  # the first sighting
    assert clock.stalled(115.0, waiting=3)  # still there: restart
    # restarted: another full period before the queues are read again
    assert not clock.needs_reading(140.0, held=0, capacity=2)
    assert clock.needs_reading(145.0, held=0, capacity=2)


def test_messages_taken_between_readings_or_a_message_received_are_no_stall() -> None:
    clock = StallClock(stall_seconds=30)
    assert not clock.stalled(100.0, waiting=1)
    assert not clock.stalled(115.0, waiting=0)  # a consumer (maybe another's) took it
    assert not clock.stalled(130.0, waiting=1)  # a new first sighting
    clock.received(131.0)  # it fetched: the sighting is forgotten
    assert not clock.stalled(200.0, waiting=1)
    assert clock.stalled(215.0, waiting=1)


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
    watchdog, hub = _watchdog(stall_seconds=30)
    reads: list[list[str]] = []

    def depths(names: list[str]) -> dict[str, int]:
        reads.append(names)
        return {name: 2 for name in names}

    watchdog.clock.received(1000.0)  # as start() does
    assert not watchdog.check(depths, now=1020.0)  # not quiet long enough: no reading
    assert reads == []
    assert not watchdog.check(depths, now=1030.0)  # the first sighting
    assert watchdog.check(depths, now=1045.0)
    assert reads == [["extract"], ["extract"]]
    (callback,) = hub.calls
    with pytest.raises(StalledConsumer) as raised:
        callback()
    assert isinstance(raised.value, ConnectionError)  # Celery restarts the consumer on it
