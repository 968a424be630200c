"""A docbatch worker whose consumer stalls after its first message, for
``test_consumer_watchdog``: ``celery -A tests.integration.stalling_worker:app worker``.

The stall is the one a leaked prefetch slot makes: the channel's QoS says no slot is
free, so the Redis transport sends no BRPOP again and the consumer fetches nothing more,
while the worker looks healthy. Only a new channel (a consumer restart) ends it.
"""

from __future__ import annotations

import os
from typing import Any

import redis
from celery import bootsteps
from celery.signals import task_received

from docbatch.settings import Settings
from docbatch.worker.app import create_app
from tests.integration.test_consumer_watchdog import PROBE_KEY, PROBE_TASK

app = create_app(Settings.from_env())


@app.task(name=PROBE_TASK)
def probe(number: int) -> None:
    """Record that message ``number`` ran."""
    client = redis.Redis(unix_socket_path=os.environ["DOCBATCH_TEST_PROBE_SOCKET"])
    client.rpush(PROBE_KEY, number)


class StallAfterFirstMessage(bootsteps.StartStopStep):
    """Takes away the consumer's prefetch slots once its first message arrives."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.done = False
        self.consumer: Any = None
        task_received.connect(self._received, weak=False)

    def start(self, parent: Any) -> None:
        self.consumer = parent

    def _received(self, **_: Any) -> None:
        if not self.done:
            self.done = True
            self.consumer.task_consumer.channel.qos.can_consume = lambda: False


app.steps["consumer"].add(StallAfterFirstMessage)
