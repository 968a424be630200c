"""Batch priorities and the one place that maps them to broker priorities.

A batch is high, normal or low; every task of every document of the batch carries the
batch's priority. Brokers disagree on what a number means:

- Celery's Redis transport emulates priorities with one list per *step* and serves the
  lowest number first: 0 is the highest priority. A task sent without a priority lands
  in step 0, so docbatch always sends one (and sets ``task_default_priority``).
- RabbitMQ serves the highest number first, up to the queue's ``x-max-priority``.

:func:`broker_priority` is the only function that turns a :class:`Priority` into a
number; nothing else in docbatch hard-codes priority numbers.
"""

from __future__ import annotations

import enum

__all__ = [
    "RABBITMQ_MAX_PRIORITY",
    "REDIS_PRIORITY_STEPS",
    "Priority",
    "broker_kind",
    "broker_priority",
]

#: The priority steps (separate Redis lists) the Redis transport keeps per queue.
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)
#: Declared as ``x-max-priority`` on every RabbitMQ queue.
RABBITMQ_MAX_PRIORITY = 10


class Priority(enum.StrEnum):
    """How urgently a batch's documents are processed."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


_REDIS = {Priority.HIGH: 0, Priority.NORMAL: 3, Priority.LOW: 6}
_RABBITMQ = {Priority.HIGH: 9, Priority.NORMAL: 5, Priority.LOW: 1}


def broker_kind(broker_url: str) -> str:
    """``"redis"`` or ``"amqp"`` for a Celery broker URL."""
    scheme = broker_url.split(":", 1)[0].lower()
    if scheme.startswith(("redis", "rediss", "sentinel")):
        return "redis"
    if scheme.startswith(("amqp", "amqps", "pyamqp")):
        return "amqp"
    return scheme


def broker_priority(priority: Priority | str, broker_url: str) -> int:
    """The number to send as a task's priority for ``priority`` on this broker."""
    level = Priority(priority)
    if broker_kind(broker_url) == "amqp":
        return _RABBITMQ[level]
    return _REDIS[level]
