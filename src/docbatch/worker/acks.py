"""Acknowledgements that survive a broker connection reset.

Celery acknowledges (or rejects) a message once and, when the broker connection fails
at that moment, only logs "Couldn't ack". On the Redis transport the message then stays
in the unacked hash until the visibility timeout (an hour), and its prefetch slot stays
taken on a channel that can live on: a worker whose slots all leak this way sends no
BRPOP again, so it never notices that its own connection was reset too, and it fetches
nothing more. :class:`BrokerSafeRequest` sends the ack or the reject again on a new
connection, a few times, before it gives up the way Celery does.

Sending again is safe: an ack removes the message from the unacked hash and index, a
reject with requeue moves it back to its queue in a transaction that finds nothing to
move the second time. (redis-py's own retry, ``retry_on_timeout``, would do the same for
every command, but it also makes the pub/sub read of the worker's control channel
reconnect and then block with no timeout, which stalls the whole worker.)
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task
from celery.worker.request import Request

__all__ = ["BrokerSafeRequest", "BrokerSafeTask", "settle"]

log = logging.getLogger(__name__)

#: How many times an ack or a reject is sent in all, and the pause before each resend.
SETTLE_ATTEMPTS = 4
SETTLE_PAUSE_SECONDS = 0.1


def settle(
    message: Any,
    errors: tuple[type[BaseException], ...],
    *,
    requeue: bool | None = None,
    attempts: int = SETTLE_ATTEMPTS,
    pause: float = SETTLE_PAUSE_SECONDS,
) -> bool:
    """Acknowledge ``message`` (or reject it when ``requeue`` is given), sending it again
    after a connection error in ``errors``; False when every attempt failed."""
    for attempt in range(1, attempts + 1):
        try:
            if requeue is None:
                message.ack()
            else:
                message.reject(requeue=requeue)
            return True
        except errors as exc:
            what = "ack" if requeue is None else "reject"
            if attempt == attempts:
                log.critical("Couldn't %s %r, reason: %r", what, message.delivery_tag, exc)
                return False
            log.warning("%s of %r cut (%r); sending it again", what, message.delivery_tag, exc)
            time.sleep(pause * attempt)
    return False


class BrokerSafeRequest(Request):
    """Celery's request, whose ack and reject are sent again after a connection error."""

    acknowledged: bool

    def acknowledge(self) -> None:
        """Acknowledge the message (late acks: once the task ended)."""
        if not self.acknowledged:
            settle(self.message, self._connection_errors)
            self.acknowledged = True

    def reject(self, requeue: bool = False) -> None:
        """Reject the message, back to its queue when ``requeue`` (a lost pool process)."""
        if not self.acknowledged:
            settle(self.message, self._connection_errors, requeue=requeue)
            self.acknowledged = True
            self.send_event("task-rejected", requeue=requeue)


class BrokerSafeTask(Task):
    """The base of docbatch's tasks: their requests are :class:`BrokerSafeRequest`."""

    Request = BrokerSafeRequest
