"""The one priority mapping, checked against what kombu's transports actually do."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from kombu.transport.redis import Channel as RedisChannel

from docbatch.priority import (
    RABBITMQ_MAX_PRIORITY,
    REDIS_PRIORITY_STEPS,
    Priority,
    broker_kind,
    broker_priority,
)
from docbatch.queues import queue_for, queue_names
from docbatch.settings import Settings
from docbatch.store.records import Priority as StorePriority
from docbatch.worker.acks import BrokerSafeRequest
from docbatch.worker.app import create_app
from docbatch.worker.fairness import MAX_PROMOTIONS_PER_PASS, promotion_quota

REDIS = "redis://127.0.0.1:6379/0"
AMQP = "amqp://guest:guest@127.0.0.1:5672//"
ORDER = (Priority.HIGH, Priority.NORMAL, Priority.LOW)


def _redis_step(number: int) -> int:
    """The list (priority step) kombu's Redis transport files a message under."""
    channel = SimpleNamespace(priority_steps=list(REDIS_PRIORITY_STEPS))
    return int(RedisChannel.priority(channel, number))  # type: ignore[arg-type]


def test_store_priority_is_the_one_priority_enum() -> None:
    assert StorePriority is Priority
    assert [p.value for p in Priority] == ["high", "normal", "low"]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (REDIS, "redis"),
        ("rediss://h:6380/0", "redis"),
        ("redis+socket:///tmp/r.sock", "redis"),
        ("sentinel://h:26379", "redis"),
        (AMQP, "amqp"),
        ("amqps://h//", "amqp"),
        ("pyamqp://h//", "amqp"),
    ],
)
def test_broker_kind_from_url(url: str, kind: str) -> None:
    assert broker_kind(url) == kind


def test_redis_mapping_is_0_3_6_and_each_level_has_its_own_step() -> None:
    numbers = [broker_priority(p, REDIS) for p in ORDER]
    assert numbers == [0, 3, 6]
    # each number is a step of its own, so the levels land in three different lists
    assert [_redis_step(n) for n in numbers] == [0, 3, 6]
    # kombu's BRPOP lists steps in ascending order: the lowest number is served first
    assert sorted(numbers) == numbers


def test_rabbitmq_mapping_is_9_5_1_below_the_queue_maximum() -> None:
    numbers = [broker_priority(p, AMQP) for p in ORDER]
    assert numbers == [9, 5, 1]
    assert all(0 < n <= RABBITMQ_MAX_PRIORITY for n in numbers)
    assert sorted(numbers, reverse=True) == numbers


def test_string_priorities_are_accepted_and_unknown_ones_refused() -> None:
    assert broker_priority("low", REDIS) == 6
    with pytest.raises(ValueError):
        broker_priority("urgent", REDIS)


@pytest.mark.parametrize(("url", "normal"), [(REDIS, 3), (AMQP, 5)])
def test_app_defaults_to_normal_priority_and_priority_queues(url: str, normal: int) -> None:
    app = create_app(Settings(broker_url=url, queue_prefix="t1-"))
    assert app.conf.task_default_priority == normal
    names = [q.name for q in app.conf.task_queues]
    assert names == queue_names(Settings(queue_prefix="t1-"))
    assert names[0] == "t1-promoted" and app.conf.task_default_queue == "t1-batch"
    assert {q.max_priority for q in app.conf.task_queues} == {RABBITMQ_MAX_PRIORITY}
    # a locally registered task sent without a priority gets the default (normal)
    step = app.tasks["docbatch.step"]
    assert step.priority == normal


def test_redis_transport_options_keep_priority_order() -> None:
    app = create_app(Settings(broker_url=REDIS, key_prefix="kp"))
    options = app.conf.broker_transport_options
    assert options["priority_steps"] == list(REDIS_PRIORITY_STEPS)
    assert options["queue_order_strategy"] == "priority"
    assert options["sep"] == ":"
    assert options["global_keyprefix"] == "kp:broker:"


def test_redis_transport_bounds_every_wait_without_redis_py_retries() -> None:
    app = create_app(Settings(broker_url=REDIS))
    options = app.conf.broker_transport_options
    # no command waits on a silent connection for ever
    assert 0 < options["socket_timeout"] <= 30
    assert 0 < options["health_check_interval"] <= 25
    # redis-py's retry would reconnect the control channel's pub/sub read after a reset
    # and block on it with no timeout: acks are sent again by the request instead
    assert "retry_on_timeout" not in options
    assert app.tasks["docbatch.step"].Request is BrokerSafeRequest
    amqp = create_app(Settings(broker_url="amqp://guest@localhost//"))
    assert "socket_timeout" not in amqp.conf.broker_transport_options


def test_task_events_are_off_unless_asked_for() -> None:
    assert create_app(Settings(broker_url=REDIS)).conf.worker_send_task_events is False
    app = create_app(Settings(broker_url=REDIS, task_events=True))
    assert app.conf.worker_send_task_events is True


def test_queue_for_honours_the_prefix() -> None:
    assert queue_for("extract") == "extract"
    assert queue_for("chunk", "p-") == "p-text"
    assert queue_for("ocr", "p-") == "p-ocr"


@pytest.mark.parametrize(
    ("finished", "level", "share", "quota"),
    [
        ({Priority.HIGH: 100}, Priority.LOW, 0.1, 10),
        ({Priority.HIGH: 90, Priority.LOW: 10}, Priority.LOW, 0.1, 0),
        ({Priority.HIGH: 95, Priority.LOW: 5}, Priority.LOW, 0.1, 5),
        ({Priority.HIGH: 9}, Priority.LOW, 0.1, 0),  # under 10 finished: nothing owed yet
        ({Priority.LOW: 50}, Priority.LOW, 0.1, 0),  # alone, it takes everything anyway
        ({Priority.HIGH: 100}, Priority.LOW, 0.0, 0),  # share 0: strict priority
        ({Priority.HIGH: 60, Priority.NORMAL: 40}, Priority.NORMAL, 0.2, 0),
        ({Priority.HIGH: 80, Priority.NORMAL: 20}, Priority.LOW, 0.2, 20),
        ({Priority.HIGH: 10**6}, Priority.LOW, 0.5, MAX_PROMOTIONS_PER_PASS),
    ],
)
def test_promotion_quota(
    finished: dict[Priority, int], level: Priority, share: float, quota: int
) -> None:
    assert promotion_quota(finished, level, share) == quota
