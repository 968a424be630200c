"""The Celery application factory.

:func:`create_app` builds a Celery app from :class:`~docbatch.settings.Settings` with the
delivery guarantees docbatch relies on: JSON only, late acknowledgement, redelivery when a
worker process dies, one message prefetched at a time, per-stage time limits, a visibility
timeout far above the longest time limit, and one queue per kind of work so OCR can get
its own workers. Tasks are registered by :mod:`docbatch.worker.tasks`.
"""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from docbatch.priority import (
    RABBITMQ_MAX_PRIORITY,
    REDIS_PRIORITY_STEPS,
    Priority,
    broker_kind,
    broker_priority,
)
from docbatch.queues import queue_names
from docbatch.redis.keys import RedisKeys
from docbatch.settings import Settings
from docbatch.worker.acks import BrokerSafeTask
from docbatch.worker.watchdog import ConsumerWatchdog

__all__ = ["create_app"]


def _broker_url(settings: Settings) -> str:
    url = settings.broker_url or settings.redis_url
    if not url:
        from docbatch.errors import ConfigError

        raise ConfigError(
            "no broker configured: set DOCBATCH_BROKER_URL (redis:// or amqp://) "
            "or use `docbatch run`, which starts a private one"
        )
    return url


#: Redis broker: the longest wait for one command's reply (a publish, an ack), and for a
#: connection. Without it a command sent on a half-open connection (a network that went
#: silent) blocks the worker's event loop for as long as the silence lasts.
REDIS_SOCKET_TIMEOUT = 15.0
#: Redis broker: seconds between kombu's checks that the consumer's BRPOP connection still
#: answers (a stale one is dropped after 1 s + this), and idle connections' PING.
REDIS_HEALTH_CHECK_INTERVAL = 10


def _transport_options(settings: Settings, broker_url: str, visibility: int) -> dict[str, object]:
    options: dict[str, object] = {"visibility_timeout": visibility}
    if broker_kind(broker_url) == "redis":
        options.update(
            {
                "priority_steps": list(REDIS_PRIORITY_STEPS),
                "sep": ":",
                "queue_order_strategy": "priority",
                # Every broker key under our prefix: several deployments (and the tests)
                # can share one Redis without seeing each other's queues.
                "global_keyprefix": RedisKeys(settings.key_prefix).broker(),
                # No "retry_on_timeout": redis-py would then also reconnect the pub/sub
                # read of the worker's control channel after a reset and block on it
                # with no timeout, stalling the worker. Acks and rejects are sent again
                # by docbatch.worker.acks instead.
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_keepalive": True,
                "health_check_interval": REDIS_HEALTH_CHECK_INTERVAL,
            }
        )
    return options


def create_app(settings: Settings) -> Celery:
    """Build the Celery app for ``settings`` (tasks included)."""
    broker_url = _broker_url(settings)
    # A message must never be redelivered while its task may still be running, so the
    # visibility timeout sits well above the longest hard time limit (OCR's).
    longest = max(settings.stage_time_limit, settings.ocr_time_limit)
    visibility = max(3600, 2 * longest)
    transport = _transport_options(settings, broker_url, visibility)
    # Its requests send an ack or a reject again when a connection reset cuts it.
    app = Celery("docbatch", broker=broker_url, set_as_current=False, task_cls=BrokerSafeTask)
    app.conf.update(
        accept_content=["json"],
        result_accept_content=["json"],
        task_serializer="json",
        result_serializer="json",
        event_serializer="json",
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=settings.task_acks_late,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_default_queue=f"{settings.queue_prefix}batch",
        # Every queue carries x-max-priority on RabbitMQ (ignored by the Redis transport).
        task_queues=[
            Queue(name, max_priority=RABBITMQ_MAX_PRIORITY) for name in queue_names(settings)
        ],
        task_queue_max_priority=RABBITMQ_MAX_PRIORITY,
        task_create_missing_queues=False,
        task_default_priority=broker_priority(Priority.NORMAL, broker_url),
        task_inherit_parent_priority=True,
        task_soft_time_limit=settings.stage_soft_time_limit,
        task_time_limit=settings.stage_time_limit,
        broker_transport_options=transport,
        result_backend_transport_options={"visibility_timeout": visibility},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # A task running when the broker connection drops runs to its end: its result
        # is committed under its claim, and the redelivered copy of its message finds
        # the claim refused. Celery's cancelling instead was seen to leave a task that
        # had not yet reported its start holding its pool slot, the worker then taking
        # no more work (a Redis restarted empty, one CI run in three).
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_max_memory_per_child=settings.worker_memory_limit_mb * 1024,
        worker_send_task_events=settings.task_events,
        task_send_sent_event=False,
        worker_hijack_root_logger=False,
        broker_pool_limit=10,
    )
    app.conf.docbatch_settings = settings
    # A consumer that stops fetching while its queues hold work restarts itself.
    app.steps["consumer"].add(ConsumerWatchdog)
    from docbatch.worker.tasks import register_tasks

    register_tasks(app, settings)
    # send_task() applies a task's options (task_default_priority among them) only when
    # the task is in the registry, and the registry fills when the app is finalised.
    # Without this, a task sent by name from a client process carries no priority, which
    # the Redis transport files under step 0: the highest, not normal.
    app.finalize()
    return app
