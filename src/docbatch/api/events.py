"""Server-sent events of a batch: Redis pub/sub with a database-polling fallback.

The stream sends ``status`` (the batch's status, whenever it changed), ``progress``
(each transition published by :mod:`docbatch.redis.progress` on the batch's channel) and
``end`` once the batch is finished. Without Redis, or while it is unreachable, the
database is polled instead; a comment line every poll keeps proxies from timing out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from docbatch.redis.client import REDIS_OUTAGE_ERRORS, as_text, redis_url_for
from docbatch.redis.keys import RedisKeys

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

    from docbatch.client import Docbatch

__all__ = ["batch_event_stream", "sse"]

log = logging.getLogger(__name__)


def sse(event: str, data: Any) -> str:
    """One server-sent event frame."""
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


async def _subscribe(client: Docbatch, batch_id: str) -> PubSub | None:
    """An async pub/sub subscribed to the batch's channel, or None without Redis."""
    url = redis_url_for(client.settings)
    if url is None:
        return None
    import redis.asyncio

    connection = redis.asyncio.Redis.from_url(url)
    pubsub = connection.pubsub()
    try:
        await pubsub.subscribe(RedisKeys(client.settings.key_prefix).events(batch_id))
    except REDIS_OUTAGE_ERRORS as exc:
        log.info("events of %s: Redis unavailable, polling the database (%s)", batch_id, exc)
        await connection.aclose()
        return None
    return pubsub


async def _messages(pubsub: PubSub | None, wait: float) -> list[Any]:
    """Messages received within ``wait`` seconds (sleeps when there is no pub/sub)."""
    if pubsub is None:
        await asyncio.sleep(wait)
        return []
    received = []
    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=wait)
    while message is not None:
        data = as_text(message["data"])
        received.append(json.loads(data))
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
    return received


async def batch_event_stream(
    client: Docbatch, batch_id: str, poll: float = 1.0
) -> AsyncIterator[str]:
    """The event stream of one batch, ending after the batch finished."""
    pubsub = await _subscribe(client, batch_id)
    last: dict[str, Any] | None = None
    try:
        while True:
            status = (await run_in_threadpool(client.status, batch_id)).as_dict()
            if status != last:
                yield sse("status", status)
                last = status
            if status["state"] in {"completed", "completed_with_failures", "cancelled"}:
                yield sse("end", {"batch_id": batch_id, "state": status["state"]})
                return
            try:
                events = await _messages(pubsub, poll)
            except REDIS_OUTAGE_ERRORS:
                await _close(pubsub)
                pubsub, events = None, []
            for event in events:
                yield sse("progress", event)
            if not events:
                yield ": keep-alive\n\n"
    finally:
        await _close(pubsub)


async def _close(pubsub: PubSub | None) -> None:
    if pubsub is None:
        return
    try:
        await pubsub.aclose()
        await pubsub.connection_pool.disconnect()
    except Exception:  # noqa: S110 - closing a connection Redis already dropped
        pass
